import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../sdk/src/index';
import { startApp, type RunningApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { FAILPOINTS } from '../server/src/db/failpoints';
import { aCustomerInput, aTemplateInput } from './support/factories';
import { captureLogs } from './support/log-capture';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Issue 13: every response names its request id, and every log line of the request carries it. */
describe('request ids', () => {
  let server: TestServer;
  let app: RunningApp;
  let partner: TestPartner;
  const logs = captureLogs('info');
  const linesOf = (requestId: string) => logs.records().filter((l) => l.requestId === requestId);
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    // A second process on the same database whose logs the test reads; failpoints armed to cause an internal error.
    app = await startApp(loadConfig({ NODE_ENV: 'test', DATABASE_URL: server.databaseUrl }, {
      port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, failpoints: new Set([FAILPOINTS.beforeCommit]),
    }), logs.log);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${partner.token}`, ...headers },
    body: JSON.stringify(body),
  });

  it('keeps a valid x-request-id the client sent: echoed in the response and on the access line', async () => {
    const response = await post({ query: 'query Viewer { viewer { id } }' }, { 'x-request-id': 'lb-7f3a.2026:0001_A' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a.2026:0001_A');
    await settle();
    expect(linesOf('lb-7f3a.2026:0001_A')).toEqual([
      expect.objectContaining({ msg: 'request', operation: 'Viewer', status: 200 }),
    ]);
  });

  it('generates a UUID when none is sent, on GraphQL, /healthz and a 404 alike, and logs it', async () => {
    // /app/: the portal (200, or 404 when it is not built); its router rewrites req.url while it serves.
    for (const [path, status] of [['/', 400], ['/healthz', 200], ['/nothing', 404], ['/app/', null]] as const) {
      const response = await fetch(new URL(path, app.url));
      if (status !== null) expect(response.status).toBe(status);
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      await settle();
      expect(linesOf(id!)).toEqual([expect.objectContaining({ msg: 'request', path, status: response.status })]);
    }
    const a = (await post({ query: '{ __typename }' })).headers.get('x-request-id');
    const b = (await post({ query: '{ __typename }' })).headers.get('x-request-id');
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it.each([
    ['too long (129 characters)', 'a'.repeat(129)],
    ['a space', 'abc def'],
    ['a quote and braces', '"}{"admin":"x'],
    ['non-ASCII', 'ïd-1'],
    ['empty', ''],
  ])('replaces an id with %s by a fresh one (never echoed, never logged)', async (_what, sent) => {
    const response = await post({ query: '{ __typename }' }, { 'x-request-id': sent });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    await settle();
    expect(linesOf(id!)).toHaveLength(1);
    if (sent) expect(logs.lines.join('\n')).not.toContain(sent);
  });

  it('accepts an id of exactly 128 characters', async () => {
    const sent = 'b'.repeat(128);
    expect((await post({ query: '{ __typename }' }, { 'x-request-id': sent })).headers.get('x-request-id')).toBe(sent);
  });

  it('stamps the id on every line a request writes, not only the access line (an internal error\'s log)', async () => {
    const hub = createClient({ url: app.url, token: partner.token });
    const template = await hub.createTemplate(aTemplateInput(partner));
    const response = await post({
      query: 'mutation CreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }',
      variables: { input: aCustomerInput(template.id) },
    }, { 'x-request-id': 'fault-0001', 'x-failpoint': FAILPOINTS.beforeCommit });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('fault-0001');
    await settle();
    const lines = linesOf('fault-0001');
    expect(lines.map((l) => l.msg).sort()).toEqual(['internal error', 'request']);
    expect(lines.find((l) => l.msg === 'internal error')).toMatchObject({ level: 50, operation: 'CreateCustomer' });
  });
});
