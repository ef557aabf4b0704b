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
 * R3: the real server process (`node dist/server/src/main.js`), SIGKILLed at a random moment of a
 * large setupCustomer, restarts on an intact database where that request is all there or absent.
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

    // One undisturbed run measures how long the request takes, so kills spread over its whole life.
    const timed = await hub.createCustomer(aCustomerInput(template.id));
    const started = Date.now();
    await hub.setupCustomer({ customerId: timed.id, users: Array.from({ length: USERS }, () => aUser()) });
    const duration = Date.now() - started;

    const outcomes = { all: 0, none: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const customer = await hub.createCustomer(aCustomerInput(template.id));
      const users = Array.from({ length: USERS }, () => aUser());
      // The commit lands well before the answer (2,000 users are serialised after it): aim at the first 90 %.
      const delay = random.int(Math.ceil(duration * 0.9) + 1);
      const request = hub.setupCustomer({ customerId: customer.id, users }).then(() => 'answered', () => 'failed');
      await new Promise((resolve) => setTimeout(resolve, delay));
      await kill();
      const answered = (await request) === 'answered';

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
        expect([1, USERS + 1], `iteration ${i}, killed after ${delay} ms`).toContain(count);
        const complete = count === USERS + 1;
        expect(status).toBe(complete ? 'ACTIVE' : 'PENDING_SETUP');
        expect(audits).toBe(complete ? 1 : 0);
        if (answered) expect(complete).toBe(true); // an answered success was durable
        outcomes[complete ? 'all' : 'none'] += 1;
      } finally {
        db.close();
      }
      // The API agrees with the file.
      const page = await hub.customerUsers(customer.id, { first: 1 });
      expect([1, USERS + 1]).toContain(page!.totalCount);
    }
    await kill();
    console.log(`[crash] ${ITERATIONS} SIGKILLs of the server process during a ${USERS}-user setupCustomer (undisturbed ${duration} ms): `
      + `integrity_check ok ${ITERATIONS}/${ITERATIONS}, foreign_key_check empty, all users ${outcomes.all}, none ${outcomes.none}, partial 0`);
  }, 600_000);
});
