import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ProvisioningClient } from '../../sdk/src/index';
import { aCustomerInput, aTemplateInput, aUser } from '../support/factories';
import { envInt, seededRandom } from './support';

const ROOT = path.resolve(__dirname, '../..');
const ITERATIONS = envInt('CRASH_ITERATIONS', 20);
const USERS = envInt('CRASH_USERS', 2_000);
const SEED = envInt('CRASH_SEED', 4242);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Watches, from this process, for the moment a setupCustomer's transaction commits: the customer
 * turns ACTIVE in that same transaction, and a reader of the WAL file sees it once it is committed.
 */
function watchCommit(file: string, customerId: string) {
  const db = new BetterSqlite3(file, { readonly: true });
  const status = db.prepare('SELECT status FROM customer WHERE id = ?');
  let committedAt: number | null = null;
  const waiters: Array<() => void> = [];
  const poll = () => {
    if (committedAt !== null) return;
    if ((status.get(customerId) as { status: string } | undefined)?.status === 'ACTIVE') {
      committedAt = Date.now();
      for (const wake of waiters.splice(0)) wake();
    }
  };
  const timer = setInterval(poll, 1);
  return {
    get committedAt() {
      poll();
      return committedAt;
    },
    /** Resolves once the commit is seen, false after `timeoutMs` without it. */
    committed(timeoutMs: number): Promise<boolean> {
      if (committedAt !== null) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timeout = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => { clearTimeout(timeout); resolve(true); });
      });
    },
    close() {
      clearInterval(timer);
      db.close();
    },
  };
}

/**
 * R3: the real server process (`node dist/server/src/main.js`), SIGKILLed at a random moment of a
 * large setupCustomer, restarts on an intact database where that request is all there or absent.
 *
 * The kills alternate between two windows, so both sides of the commit are hit on every run: even
 * iterations kill at a seeded random moment before the fastest time to commit seen so far (the
 * undisturbed run's, then every iteration's whose commit was seen: the first measurement is often
 * the slowest, and a window sized on it alone put most of these kills after the commit), so nearly
 * always before the commit, the write transaction included; odd ones wait until the commit is visible to another connection and then
 * kill at a seeded random moment of the time the undisturbed request took from its commit to its
 * answer (while the answer is serialised and sent, or just after). Whichever side a kill lands on,
 * the outcome must be all or nothing, and a commit seen before the kill must survive it.
 */
describe('crash safety (R3)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let child: ChildProcess | null = null;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'provisioning-crash-'));
    env = {
      ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'crash.sqlite')}`,
      RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'error',
    };
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function startServer(): Promise<string> {
    const port = await freePort();
    const proc = spawn(process.execPath, [path.join(ROOT, 'dist/server/src/main.js')], {
      cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (chunk) => { stderr += chunk; });
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      proc.stdout!.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('GraphQL API ready')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    });
    return `http://127.0.0.1:${port}/`;
  }

  async function kill(): Promise<void> {
    const proc = child!;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
    child = null;
  }

  it(`survives ${ITERATIONS} SIGKILLs during a ${USERS}-user setupCustomer: integrity ok, all or nothing`, async () => {
    const cli = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'dist/server/src/cli/main.js'), ...args], { env }).toString());
    const created = cli('create-partner', '--name', 'Crash Partner', '--admin-email', 'ops@crash.example');
    const partner = { ...created, client: null as unknown as ProvisioningClient };
    const random = seededRandom(SEED);

    let url = await startServer();
    let hub = createClient({ url, token: created.token });
    const template = await hub.createTemplate(aTemplateInput(partner));

    // One undisturbed run on a freshly started process (as every iteration's is) measures when the
    // request commits and when it is answered.
    const file = path.join(dir, 'crash.sqlite');
    const timed = await hub.createCustomer(aCustomerInput(template.id));
    const timedWatch = watchCommit(file, timed.id);
    const started = Date.now();
    await hub.setupCustomer({ customerId: timed.id, users: Array.from({ length: USERS }, () => aUser()) });
    const duration = Date.now() - started;
    const toCommit = timedWatch.committedAt! - started;
    timedWatch.close();
    expect(toCommit).toBeGreaterThanOrEqual(0);
    expect(toCommit).toBeLessThanOrEqual(duration);
    const afterCommit = duration - toCommit;

    const outcomes = { all: 0, none: 0 };
    const windows = { beforeCommit: { kills: 0, all: 0, none: 0 }, afterCommit: { kills: 0, all: 0, none: 0 } };
    let seenCommittedAtKill = 0;
    let fastestCommit = toCommit;
    for (let i = 0; i < ITERATIONS; i++) {
      const customer = await hub.createCustomer(aCustomerInput(template.id));
      const users = Array.from({ length: USERS }, () => aUser());
      const window = i % 2 === 0 ? 'beforeCommit' : 'afterCommit';
      const delay = window === 'beforeCommit' ? random.int(fastestCommit) : random.int(afterCommit + 1);
      const watch = watchCommit(file, customer.id);
      let answered = false;
      let committedBeforeKill = false;
      try {
        const sent = Date.now();
        const request = hub.setupCustomer({ customerId: customer.id, users }).then(() => { answered = true; }, () => undefined);
        if (window === 'afterCommit') {
          const seen = await watch.committed(Math.max(30_000, duration * 20));
          expect(seen, `iteration ${i}: the commit was never seen (${Date.now() - sent} ms)`).toBe(true);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        committedBeforeKill = watch.committedAt !== null;
        await kill();
        if (watch.committedAt !== null) fastestCommit = Math.min(fastestCommit, watch.committedAt - sent);
        await request;
      } finally {
        watch.close();
      }
      windows[window].kills += 1;

      url = await startServer();
      hub = createClient({ url, token: created.token });
      const db = new BetterSqlite3(path.join(dir, 'crash.sqlite'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        const count = (db.prepare('SELECT count(*) AS n FROM customer_user WHERE "customerId" = ?').get(customer.id) as { n: number }).n;
        const status = (db.prepare('SELECT status FROM customer WHERE id = ?').get(customer.id) as { status: string }).status;
        const audits = (db.prepare(`SELECT count(*) AS n FROM audit_event WHERE operation = 'setupCustomer' AND "targetIds" LIKE ?`)
          .get(`%${customer.id}%`) as { n: number }).n;
        // The admin user exists from createCustomer; the setup added all of its users or none.
        const when = `iteration ${i}, killed ${delay} ms into the ${window} window`;
        expect([1, USERS + 1], when).toContain(count);
        const complete = count === USERS + 1;
        expect(status, when).toBe(complete ? 'ACTIVE' : 'PENDING_SETUP');
        expect(audits, when).toBe(complete ? 1 : 0);
        if (answered) expect(complete, when).toBe(true); // an answered success was durable
        if (committedBeforeKill) expect(complete, `${when}: a commit seen before the kill was lost`).toBe(true);
        if (committedBeforeKill) seenCommittedAtKill += 1;
        outcomes[complete ? 'all' : 'none'] += 1;
        windows[window][complete ? 'all' : 'none'] += 1;
      } finally {
        db.close();
      }
      // The API agrees with the file.
      const page = await hub.customerUsers(customer.id, { first: 1 });
      expect([1, USERS + 1]).toContain(page!.totalCount);
    }
    await kill();
    // Both sides of the commit were hit: the before window found nothing written, the after window found everything.
    if (ITERATIONS >= 2) {
      expect(outcomes.none, JSON.stringify(windows)).toBeGreaterThan(0);
      expect(outcomes.all, JSON.stringify(windows)).toBeGreaterThan(0);
      expect(windows.afterCommit.none, 'a kill after a visible commit lost it').toBe(0);
    }
    const { beforeCommit: b, afterCommit: a } = windows;
    console.log(`[crash] ${ITERATIONS} SIGKILLs of the server process during a ${USERS}-user setupCustomer (undisturbed: commit after ${toCommit} ms, `
      + `answer after ${duration} ms; seed ${SEED}): integrity_check ok ${ITERATIONS}/${ITERATIONS}, foreign_key_check empty, `
      + `all users ${outcomes.all}, none ${outcomes.none}, partial 0; killed before the fastest commit seen (${fastestCommit} ms): ${b.kills} (none ${b.none}, all ${b.all}), `
      + `after the commit was seen: ${a.kills} (all ${a.all}); ${seenCommittedAtKill} kills came after a visible commit, every one kept it`);
  }, 600_000);
});
