import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../sdk/src/index';
import { startApp, type RunningApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { aCustomerInput, aTemplateInput, unique } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** Issue 14: one access line per request, with what an operator needs and nothing a client sent. */
describe('access log', () => {
  let server: TestServer;
  let app: RunningApp;
  let partner: TestPartner;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const accessLines = () => lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.msg === 'request');

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    // A second process on the same database, logging at info into `lines` (synchronously: a stream, not a file).
    app = await startApp(loadConfig({ NODE_ENV: 'test', DATABASE_URL: server.databaseUrl }, {
      port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0,
    }), pino({ level: 'info' }, sink));
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('writes one line per request: operation, admin id, status, duration, userError count; never the token or the body', async () => {
    const hub = createClient({ url: app.url, token: partner.token });
    const company = unique('Secret Company ');
    const template = await hub.createTemplate(aTemplateInput(partner));
    lines.length = 0;

    await hub.viewer(); // 1: a named query
    const refused = await hub.payloads.createCustomer(aCustomerInput(template.id, { companyName: company, adminEmail: 'not-an-email', supportedLocationConfirmed: false }));
    expect(refused.userErrors.length).toBe(2); // 2: a mutation answered with user errors
    await hub.createCustomer(aCustomerInput(template.id, { companyName: company })); // 3: a mutation that wrote
    await expect(createClient({ url: app.url, token: 'wpt_wrong' }).viewer()).rejects.toThrow(); // 4: a bad token
    await fetch(new URL('/nothing', app.url)); // 5: not GraphQL
    await fetch(new URL(`/?query=${encodeURIComponent(`{ customers(filter: { search: "${company}" }) { totalCount } }`)}`, app.url), {
      headers: { authorization: `Bearer ${partner.token}`, 'apollo-require-preflight': 'true' },
    }); // 6: a GET query, its text in the URL

    await new Promise((resolve) => setImmediate(resolve));
    const access = accessLines();
    expect(access).toHaveLength(6);
    expect(access[0]).toMatchObject({ method: 'POST', path: '/', status: 200, operation: 'Viewer', operationType: 'query', adminId: partner.adminId, userErrors: null });
    expect(access[1]).toMatchObject({ status: 200, operation: 'CreateCustomer', operationType: 'mutation', adminId: partner.adminId, userErrors: 2 });
    expect(access[2]).toMatchObject({ status: 200, operation: 'CreateCustomer', adminId: partner.adminId, userErrors: 0 });
    expect(access[3]).toMatchObject({ status: 401, operation: 'Viewer', adminId: null, errors: ['UNAUTHENTICATED'] });
    expect(access[4]).toMatchObject({ method: 'GET', path: '/nothing', status: 404 });
    expect(access[5]).toMatchObject({ method: 'GET', path: '/', status: 200, adminId: partner.adminId });
    for (const line of access) expect(typeof line.ms).toBe('number');

    // Nothing a client sent: no token (valid or not), no body, no query string.
    const all = lines.join('\n');
    expect(all).not.toContain(partner.token);
    expect(all).not.toContain('wpt_');
    expect(all).not.toContain(company);
    expect(all).not.toContain('not-an-email');
    expect(all).not.toContain('customers(filter');
    expect(all.toLowerCase()).not.toContain('authorization');
  });
});
