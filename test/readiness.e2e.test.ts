import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../server/src/app';
import { loadConfig, type AppConfig } from '../server/src/config';
import { captureLogs } from './support/log-capture';
import { createScratchDatabase, onPostgres, type ScratchDatabase } from './support/postgres';
import { startTestServer, type TestServer } from './support/test-server';

/** The key Database.underStartupLock takes around PostgreSQL migrations (db/database.ts). */
const STARTUP_LOCK_KEY = 7_310_442_001;

async function get(url: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, url));
  return { status: response.status, body: await response.json() };
}

/**
 * A POST of `{ __typename }` on a raw socket, sent with half its body so it stays in flight; then
 * the rest of the body with a GET /readyz pipelined behind it on the same (kept-alive) connection,
 * as a load balancer's pooled connection would send its next request. Resolves to the raw answers.
 */
function heldConnection(port: number) {
  const body = JSON.stringify({ query: '{ __typename }' });
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    async start() {
      await opened;
      socket.write(`POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    },
    async finishThenReadyz(): Promise<string> {
      socket.write(`${body.slice(5)}GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      await closed;
      return received;
    },
  };
}

/** Issue 13: GET /readyz says whether to send traffic; /healthz stays the liveness check it was. */
describe('readiness', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers 200 {"status":"ready"} while serving; refuses POST with 405', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.stop());
    expect(await get(server.url, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await get(server.url, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const post = await fetch(new URL('/readyz', server.url), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 with a short reason once the database does not answer', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.stop());
    await server.app.db.reader.destroy(); // the read connection (the pool on PostgreSQL) is gone
    expect(await get(server.url, '/readyz')).toEqual({
      status: 503, body: { status: 'unavailable', reason: expect.stringMatching(/^the database did not answer within \d+ ms$/) },
    });
  });

  it.runIf(onPostgres)('answers 503 when SELECT 1 waits past READINESS_TIMEOUT_MS (PostgreSQL: the pool is exhausted)', async () => {
    const server = await startTestServer({ databasePoolSize: 1, readinessTimeoutMs: 200 });
    cleanups.push(() => server.stop());
    const runner = server.app.db.reader.createQueryRunner();
    await runner.connect(); // holds the pool's only connection
    cleanups.push(() => runner.release());
    expect(await get(server.url, '/readyz')).toEqual({
      status: 503, body: { status: 'unavailable', reason: 'the database did not answer within 200 ms' },
    });
  });

  it('answers 503 {"status":"draining"} during the SIGTERM drain, to a kept-alive connection, while a request finishes', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.stop());
    const held = heldConnection(server.app.port);
    const takenIn = new Promise((resolve) => server.app.http.server.once('request', resolve));
    await held.start();
    await takenIn; // the server is reading the POST's body
    const stopped = server.app.stop(); // what main.ts runs on SIGTERM
    const raw = await held.finishThenReadyz();
    await stopped;
    const statuses = [...raw.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 503]); // the request in flight answered, the probe told to go away
    expect(raw).toContain('{"status":"draining","reason":"the server is shutting down"}');
  });

  it('answers 503 {"status":"starting"} while the migrations run (held by a lock), then 200 once they are done', async () => {
    const logs = captureLogs('debug');
    const dir = mkdtempSync(path.join(tmpdir(), 'provisioning-readyz-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let databaseUrl: string;
    let release: () => Promise<unknown>;
    if (onPostgres) {
      const scratch: ScratchDatabase = await createScratchDatabase();
      cleanups.push(() => scratch.drop());
      databaseUrl = scratch.url;
      // Another process migrating: it holds the start-up lock the migrations wait for.
      const other = new Client({ connectionString: scratch.url });
      await other.connect();
      await other.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
      let ended: Promise<void> | undefined;
      release = () => (ended ??= other.end());
    } else {
      const file = path.join(dir, 'fresh.sqlite');
      databaseUrl = `sqlite:${file}`;
      // Another process writing: the migrations wait for its write lock.
      const other = new BetterSqlite3(file);
      other.pragma('journal_mode = WAL');
      other.exec('BEGIN IMMEDIATE');
      release = async () => {
        if (other.open) other.close(); // rolls the transaction back
      };
    }
    const config: AppConfig = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl }, {
      port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, sqliteBusyTimeoutMs: 60_000,
    });
    const starting = startApp(config, logs.log);
    let app: RunningApp | undefined;
    cleanups.push(async () => { await release(); await (app ?? await starting.catch(() => undefined))?.stop(); });
    let url: string | undefined;
    while (!url) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      url = logs.records().find((l) => l.msg === 'listening; opening and migrating the database')?.url;
    }
    expect(await get(url, '/readyz')).toEqual({ status: 503, body: { status: 'starting', reason: 'the database is being opened and migrated' } });
    // Even then every answer names its request (the client's id when valid).
    expect((await fetch(new URL('/readyz', url), { headers: { 'x-request-id': 'probe-1' } })).headers.get('x-request-id')).toBe('probe-1');
    expect((await get(url, '/healthz')).status).toBe(503); // liveness keeps its meaning: it answers once the database does
    await release();
    app = await starting;
    expect(await get(url, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
  });
});
