import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aTemplateInput, unique } from '../support/factories';
import { createScratchDatabase, onPostgres, type ScratchDatabase } from '../support/postgres';
import { eventually, startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { logLines, ROOT, startServerProcess as startServer, type ServerProcess } from '../support/server-process';

/** Whether a new TCP connection to the port is accepted (false: refused). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A raw POST whose `sent` resolves once the whole body is handed to the socket. */
function postRaw(url: string, token: string, body: unknown) {
  const data = Buffer.from(JSON.stringify(body));
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => { markSent = resolve; });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    // Expect: 100-continue: the body goes once the server has parsed the headers, so when `sent`
    // resolves the server is handling the request (not merely holding unread bytes on an idle connection).
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': data.length, authorization: `Bearer ${token}`, expect: '100-continue' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('continue', () => req.end(data, () => markSent()));
  });
  return { sent, answer };
}

/** A POST sent with half its body; `finish()` sends the rest and resolves to the answer. */
function holdRequest(url: string, token: string, body: unknown) {
  const data = Buffer.from(JSON.stringify(body));
  let respond!: (value: { status: number; body: any }) => void;
  const answer = new Promise<{ status: number; body: any }>((resolve) => { respond = resolve; });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const req = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': data.length, authorization: `Bearer ${token}`, expect: '100-continue' },
  }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => respond({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
  });
  // As in postRaw: half the body goes once the server handles the request.
  req.on('continue', () => req.write(data.subarray(0, data.length >> 1), () => markReady()));
  return {
    /** The server is handling the request (its headers parsed, half its body sent). */
    ready,
    finish: () => {
      req.end(data.subarray(data.length >> 1));
      return answer;
    },
  };
}

/** Runs `sql` on the (stopped) server's database and returns its rows. */
async function query(databaseUrl: string, sql: string): Promise<Array<Record<string, unknown>>> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new BetterSqlite3(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/**
 * domain.md §14 / issue 14: SIGTERM (and SIGINT) drain the process: no new connection is accepted,
 * requests in flight finish with their answer, the outbox finishes the email in flight and hands the
 * rest of its claim back at once, every log line is flushed, and the process exits 0. Real signals to
 * the real process, on SQLite or, with TEST_DATABASE_URL, on PostgreSQL.
 */
describe('a stopping server drains (SIGTERM, SIGINT)', () => {
  let dir: string;
  let scratch: ScratchDatabase | null = null;
  let server: ServerProcess | null = null;
  let sink: SmtpSink | null = null;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'provisioning-shutdown-'));
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    server = null;
    await scratch?.drop();
    scratch = null;
    await sink?.stop();
    sink = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function aDatabase(): Promise<string> {
    if (!onPostgres) return `sqlite:${path.join(dir, `${unique('db')}.sqlite`)}`;
    scratch = await createScratchDatabase();
    return scratch.url;
  }

  it('idle: SIGTERM and SIGINT exit 0 and flush the draining line', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      server = await startServer(await aDatabase());
      server.child.kill(signal);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const messages = logLines(server.stderr()).map((l) => l.msg);
      expect(messages).toContain('shutting down: draining requests and background work');
      expect(messages).toContain('shutdown complete');
      await scratch?.drop();
      scratch = null;
    }
  });

  it('SIGTERM during start-up (while migrating): start-up completes, then the process drains and exits 0', async () => {
    const { NODE_ENV: _test, ...parentEnv } = process.env;
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/server/src/main.js')], {
      cwd: ROOT, env: { ...parentEnv, DATABASE_URL: await aDatabase(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })));
    // The first log line comes from the migrations: the signal handlers are already installed then.
    await new Promise<void>((resolve) => child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('migrations')) resolve();
    }));
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(logLines(stderr).map((l) => l.msg)).toContain('shutdown complete');
  });

  it('SIGTERM during a 10,000-user setupCustomer: the request completes, new connections are refused, exit 0', async () => {
    server = await startServer(await aDatabase());
    const { partner } = server;
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const customer = await partner.client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
    const tag = unique('s');
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      firstName: 'S', lastName: String(i), email: `${tag}.${i}@s.example`, package: 'WEBEX_MEETINGS',
    }));
    // A second request kept in flight by the test itself (half its body sent): the drain must wait
    // for it, so "new connections are refused while requests are in flight" is checked without a race
    // against the setup's own duration.
    const held = holdRequest(server.url, partner.token, { query: '{ viewer { id } }' });
    const setup = postRaw(server.url, partner.token, {
      query: 'mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { customer { status } users { id } userErrors { code } } }',
      variables: { input: { customerId: customer.id, users } },
    });
    await Promise.all([held.ready, setup.sent]); // the server handles both requests: they are in flight
    server.child.kill('SIGTERM');
    await eventually(async () => !(await accepts(server!.port))); // the listener is closed at once

    const { status, body } = await setup.answer;
    expect(status).toBe(200);
    expect(body.data.setupCustomer.userErrors).toEqual([]);
    expect(body.data.setupCustomer.customer).toEqual({ status: 'ACTIVE' });
    expect(body.data.setupCustomer.users).toHaveLength(10_000);
    expect(await accepts(server.port)).toBe(false);
    expect(server.child.exitCode).toBeNull(); // still draining: the held request is in flight

    const last = await held.finish();
    expect(last).toEqual({ status: 200, body: { data: { viewer: { id: partner.adminId } } } });
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(logLines(server.stderr()).map((l) => l.msg)).toContain('shutdown complete');
  }, 120_000);

  it('SIGTERM during an outbox delivery: the email in flight is sent, the rest of the claim is released at once, every log line is flushed', async () => {
    // The 7 emails are written by a first process without SMTP, so the second one claims all of
    // them in one batch and is stopped while it delivers the first.
    const databaseUrl = await aDatabase();
    const first = server = await startServer(databaseUrl);
    const { partner } = first;
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const customer = await partner.client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
    await partner.client.setupCustomer({ customerId: customer.id, users: Array.from({ length: 6 }, (_, i) => ({
      firstName: 'O', lastName: String(i), email: `${unique('o')}@o.example`, package: 'WEBEX_MEETINGS' as const,
    })) });
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    sink = await startSmtpSink({ delayMs: 1500 });
    server = await startServer(databaseUrl, { SMTP_URL: sink.url, OUTBOX_POLL_INTERVAL_MS: '10' }, partner.token);
    await eventually(async () => sink!.arrived.length >= 1, 20_000); // one email is at the server, unanswered
    expect(sink.received).toHaveLength(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // The delivery in flight finished and was recorded; nothing else was sent or is still claimed.
    expect(sink.received.map((m) => m.outboxId)).toEqual(sink.arrived);
    const rows = await query(databaseUrl, 'SELECT id, status, "claimToken" AS claim, "leaseUntil" AS lease FROM outbox_message');
    expect(rows).toHaveLength(7);
    const sent = rows.filter((r) => r.status === 'SENT').map((r) => r.id);
    expect(sent).toEqual(sink.arrived);
    expect(rows.filter((r) => r.status !== 'SENT').every((r) => r.status === 'PENDING')).toBe(true);
    expect(rows.filter((r) => r.claim !== null || r.lease !== null)).toEqual([]);

    const messages = logLines(server.stderr()).map((l) => l.msg);
    expect(messages).toContain('shutting down: draining requests and background work');
    expect(messages.at(-1)).toBe('shutdown complete');
  }, 60_000);
});
