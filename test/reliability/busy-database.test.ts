import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../../sdk/src/index';
import { aCustomerInput, aUser } from '../support/factories';
import { onPostgres, type TestPartner, type TestServer } from '../support/test-server';
import { useTestServer } from '../support/fixture';
import { partnerWithTemplate } from './support';

const BUSY_TIMEOUT_MS = 1_000;

/**
 * R2: another process holding SQLite's write lock past the busy timeout gets the client a
 * retryable SERVICE_UNAVAILABLE (503, Retry-After), never a 500; reads keep answering meanwhile.
 * SQLite only: PostgreSQL has no database-wide write lock (row locks there: concurrent-writes.test.ts).
 */
describe.skipIf(onPostgres)('busy database (R2)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;
  let intruder: BetterSqlite3.Database;

  const fixture = useTestServer({ partners: 0, overrides: { sqliteBusyTimeoutMs: BUSY_TIMEOUT_MS } });
  beforeAll(async () => {
    server = fixture.server;
    ({ partner, templateId } = await partnerWithTemplate(server));
    // A second connection, as another process would hold it.
    intruder = new BetterSqlite3(path.join(server.dir, 'test.sqlite'));
  });
  afterAll(async () => {
    if (intruder?.inTransaction) intruder.exec('ROLLBACK');
    intruder?.close();
  });

  const createCustomer = (input = aCustomerInput(templateId)) => server.post({
    query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }',
    variables: { input },
  }, { token: partner.token });

  it('a write lock held past the busy timeout → 503 SERVICE_UNAVAILABLE with Retry-After; the retry succeeds once it is released', async () => {
    const customer = await partner.client.createCustomer(aCustomerInput(templateId));
    intruder.exec('BEGIN IMMEDIATE');
    let waited: number;
    try {
      const started = Date.now();
      const create = await createCustomer();
      waited = Date.now() - started;
      expect(create.status, JSON.stringify(create.body)).toBe(503);
      expect(create.headers.get('retry-after')).toBe('1');
      expect(create.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(create.body)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(waited).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 50);

      // setupCustomer too, and through the SDK: a typed, retryable error.
      const error = await partner.client.setupCustomer({ customerId: customer.id, users: [aUser()] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphQLRequestError);
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 1 });
    } finally {
      intruder.exec('ROLLBACK');
    }
    const retry = await createCustomer();
    expect(retry.status).toBe(200);
    expect(retry.body.data.createCustomer.customer.id).toBeTruthy();
    await expect(partner.client.setupCustomer({ customerId: customer.id, users: [aUser()] })).resolves.toHaveProperty('users');
    console.log(`[busy] lock held by another connection: 503 SERVICE_UNAVAILABLE after ${waited} ms (busy timeout ${BUSY_TIMEOUT_MS} ms), Retry-After 1, retry after release 200`);
  });

  it('a lock released within the busy timeout is waited for, and queries answer while the write waits', async () => {
    intruder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const pending = createCustomer();
    let settled = false;
    void pending.finally(() => { settled = true; });
    // The event loop is free while the write waits: reads (and health checks) answer meanwhile.
    const lags: number[] = [];
    let tick = Date.now();
    const probe = setInterval(() => { lags.push(Date.now() - tick - 10); tick = Date.now(); }, 10);
    const readTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const readStarted = Date.now();
      const read = await server.post({ query: '{ customers(first: 5) { totalCount } viewer { id } }' }, { token: partner.token });
      readTimes.push(Date.now() - readStarted);
      expect(read.status).toBe(200);
      expect(read.body.data.viewer.id).toBe(partner.adminId);
    }
    const health = await fetch(new URL('/healthz', server.url));
    expect(health.status).toBe(200);
    clearInterval(probe);
    expect(settled).toBe(false);
    intruder.exec('ROLLBACK');
    const write = await pending;
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    expect(write.body.data.createCustomer.userErrors).toEqual([]);
    console.log(`[busy] while a write waited for the lock: 3 queries answered in ${readTimes.join('/')} ms, /healthz 200, `
      + `max event-loop lag ${Math.max(...lags)} ms; the write committed ${Date.now() - started} ms after it was sent, once the lock was released`);
  });
});
