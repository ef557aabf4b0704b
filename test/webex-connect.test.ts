import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres';
import { aCustomerInput, aUser, unique } from './support/factories';
import { startTestServer, type TestServer } from './support/test-server';
import { startWebexStandIn, type WebexStandIn } from './support/webex-stand-in';
import {
  allProvisioned, connectedPartner, connectWebex, createCustomer, customerSync, gql, setupCustomer, startWebexHarness, TEST_TOKEN_KEY, waitFor, webexEnv, webexTemplate, type WebexHarness,
} from './support/webex-harness';
import { decryptToken } from '../server/src/webex/webex-crypto';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

const CONNECTION = '{ viewer { partner { webexConnection { connected connectedAt lastError } } } }';

describe('connectWebex', () => {
  let h: WebexHarness;
  beforeAll(async () => {
    h = await startWebexHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('checks the token with one cheap call and stores the connection; a new connection replaces the old one', async () => {
    const partner = await h.server.newPartner();
    expect((await gql(h.server, partner.token, CONNECTION)).viewer.partner.webexConnection).toEqual({ connected: false, connectedAt: null, lastError: null });
    const first = h.cisco.issueToken({ label: unique('p') });
    const before = h.cisco.requests.length;
    const answer = await connectWebex(h.server, partner, first.accessToken, first.refreshToken);
    expect(answer.userErrors).toEqual([]);
    expect(answer.connection).toEqual({ connected: true, connectedAt: expect.any(String), lastError: null });
    const checks = h.cisco.requests.slice(before);
    expect(checks.map((r) => [r.method, r.path, r.query])).toEqual([['GET', '/wholesale/customers', { max: '1' }]]);
    const second = h.cisco.issueToken({ label: unique('p2') });
    expect((await connectWebex(h.server, partner, second.accessToken)).userErrors).toEqual([]);
    const rows = await h.server.app.db.manager.query('SELECT COUNT(*) AS n FROM webex_connection WHERE "partnerId" = $1'.replace('$1', h.server.databaseUrl.startsWith('sqlite') ? '?' : '$1'), [partner.partnerId]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('answers INVALID on accessToken for a token Cisco refuses (401)', async () => {
    const partner = await h.server.newPartner();
    const answer = await connectWebex(h.server, partner, 'AT_not-a-token-cisco-knows');
    expect(answer.connection).toBeNull();
    expect(answer.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'accessToken'], message: expect.stringMatching(/refused this access token \(HTTP 401\)/) }]);
    expect((await gql(h.server, partner.token, CONNECTION)).viewer.partner.webexConnection.connected).toBe(false);
  });

  it('is refused to read-only admins (FORBIDDEN)', async () => {
    const partner = await h.server.newPartner();
    const reader = await h.server.app.services.partners.createAdmin({ partnerId: partner.partnerId, email: `${unique('ro')}@partner.example`, role: 'READ_ONLY' as never });
    const { token } = await h.server.app.services.partners.createToken(reader.adminId);
    const response = await h.server.post({ query: 'mutation { connectWebex(input: { accessToken: "x" }) { userErrors { code } } }' }, { token });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('WEBEX_TOKEN_KEY', () => {
  it('must have at least 32 characters when set (a start-up error, not a weak key)', () => {
    expect(() => loadConfig({ WEBEX_TOKEN_KEY: 'k'.repeat(31) })).toThrow(/WEBEX_TOKEN_KEY must be at least 32 characters/);
    expect(loadConfig({ WEBEX_TOKEN_KEY: 'k'.repeat(32) }).webex.tokenKey).toBe('k'.repeat(32));
    expect(loadConfig({}).webex).toMatchObject({ tokenKey: null, apiUrl: 'https://webexapis.com/v1', pollIntervalMs: 5000 });
  });
});

describe('connectWebex without Webex reachable or configured', () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.stop();
  });

  it('answers INVALID saying Cisco could not be reached, and NOT_ALLOWED naming WEBEX_TOKEN_KEY when the operator has not set it', async () => {
    const cisco = await startWebexStandIn();
    const unreachable = cisco.url;
    await cisco.stop(); // nothing listens there any more
    server = await startTestServer({}, { WEBEX_API_URL: unreachable, WEBEX_TOKEN_KEY: 'k'.repeat(40) });
    const partner = await server.newPartner();
    const answer = await connectWebex(server, partner, 'AT_whatever');
    expect(answer.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'accessToken'], message: expect.stringMatching(/could not be reached/) }]);
    await server.stop();

    server = await startTestServer({}, { WEBEX_API_URL: unreachable });
    const other = await server.newPartner();
    const refused = await connectWebex(server, other, 'AT_whatever');
    expect(refused.userErrors).toEqual([{ code: 'NOT_ALLOWED', field: ['input', 'accessToken'], message: expect.stringMatching(/operator must set WEBEX_TOKEN_KEY/) }]);
    expect(server.app.webex).toBeNull();
  });
});

describe('a Cisco outage', () => {
  let h: WebexHarness;
  afterAll(async () => {
    await h?.server.stop();
  });

  it('never fails a mutation: the customer is QUEUED, and its state shows the failed attempts and when the next one is due', async () => {
    h = await startWebexHarness();
    const { partner, templateId } = await connectedPartner(h);
    await h.cisco.stop(); // Cisco is down from here on
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    expect(customer.webex.status).toBe('QUEUED');
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser()] });
    const state = await waitFor(() => customerSync(h, partner, customer.id), (s) => s.customer.attempts >= 2, 'two failed attempts');
    expect(state.customer.status).toBe('QUEUED');
    expect(state.customer.errors).toEqual([expect.objectContaining({ description: expect.stringMatching(/could not be reached/) })]);
    expect(state.customer.nextAttemptAt).toEqual(expect.any(String));
    expect(state.customer.lastAttemptAt).toEqual(expect.any(String));
  });
});

describe('a partner’s Webex tokens are secret', () => {
  let cisco: WebexStandIn;
  let app: RunningApp;
  let dir: string;
  let scratch: ScratchDatabase | null = null;
  const logLines: string[] = [];

  beforeAll(async () => {
    cisco = await startWebexStandIn({ provisioningPolls: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'webex-secret-'));
    let databaseUrl = `sqlite:${path.join(dir, 'db.sqlite')}`;
    if (process.env.TEST_DATABASE_URL) {
      scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL);
      databaseUrl = scratch.url;
    }
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, ...webexEnv(cisco) },
      { port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0 });
    const sink = new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } });
    app = await startApp(config, pino({ level: 'trace' }, sink));
  });
  afterAll(async () => {
    await app?.stop();
    await scratch?.drop();
    await cisco?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('never shows a token in an answer, a log line (at trace level), an error, the audit trail or the stored connection', async () => {
    const created = await app.services.partners.createPartner({ name: 'Secretive', adminEmail: `${unique('s')}@partner.example`, subscriptions: ['Sub1'] });
    const answers: string[] = [];
    const call = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${created.token}` }, body: JSON.stringify({ query, variables }) });
      const text = await response.text();
      answers.push(text);
      return JSON.parse(text);
    };
    const refusedToken = `AT_refused_${unique('t')}`;
    await call('mutation ($t: String!) { connectWebex(input: { accessToken: $t, refreshToken: $t }) { connection { connected } userErrors { message } } }', { t: refusedToken });
    const tokens = cisco.issueToken({ label: 'secretive' });
    const connected = await call('mutation ($a: String!, $r: String) { connectWebex(input: { accessToken: $a, refreshToken: $r }) { connection { connected lastError } userErrors { message } } }',
      { a: tokens.accessToken, r: tokens.refreshToken });
    expect(connected.data.connectWebex.connection.connected).toBe(true);
    const provisioningId = unique('prov-');
    cisco.registerProvisioningId(provisioningId);
    const template = await call(`mutation ($i: CreateTemplateInput!) { createTemplate(input: $i) { template { id } userErrors { message } } }`,
      { i: { name: unique('T '), countryCode: 'NL', serviceProviderAdminId: created.adminId, subscriptionId: created.subscriptionIds[0], brandName: 'B', webexProvisioningId: provisioningId } });
    const customer = await call(`mutation ($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id adminEmail } userErrors { message } } }`,
      { i: aCustomerInput(template.data.createTemplate.template.id, { package: 'WEBEX_SUITE' }) });
    const customerId = customer.data.createCustomer.customer.id;
    // An expired token is refreshed: the new token must stay as secret as the first.
    cisco.expireToken(tokens.accessToken);
    await call(`mutation ($i: SetupCustomerInput!) { setupCustomer(input: $i) { userErrors { message } } }`,
      { i: { customerId, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.data.createCustomer.customer.adminEmail }, aUser()] } });
    await waitFor(async () => (await call(`query ($id: ID!) { customer(id: $id) { webex { status } users(first: 10) { edges { node { webex { status } } } } } }`, { id: customerId })).data.customer,
      (c: any) => c.webex.status === 'PROVISIONED' && c.users.edges.every((e: any) => e.node.webex.status === 'PROVISIONED'), 'the sync');
    expect(cisco.tokenRefreshes).toBe(1);
    await call('{ auditEvents(first: 100) { edges { node { operation targetIds } } } viewer { partner { webexConnection { connected connectedAt lastError } } } }');

    const issued = [...cisco.requests.filter((r) => r.path === '/access_token')];
    expect(issued).toHaveLength(1);
    // Every token that exists: the refused one, the issued pair, and the refreshed access token the stand-in handed out.
    const refreshed = await currentAccessToken(app);
    expect(refreshed).not.toBe(tokens.accessToken);
    const secrets = [refusedToken, tokens.accessToken, tokens.refreshToken, refreshed!];
    const auditRows = JSON.stringify(await app.db.manager.query('SELECT * FROM audit_event'));
    const connectionRows = JSON.stringify(await app.db.manager.query('SELECT * FROM webex_connection'));
    const syncRows = JSON.stringify(await app.db.manager.query('SELECT * FROM webex_sync'));
    const jobRows = JSON.stringify(await app.db.manager.query('SELECT * FROM webex_job'));
    expect(logLines.length).toBeGreaterThan(0);
    // One audit event for the accepted connection (the refused one wrote nothing), without the token.
    expect((auditRows.match(/connectWebex/g) ?? []).length).toBe(1);
    for (const secret of secrets) {
      for (const [where, text] of [['answers', answers.join('\n')], ['logs', logLines.join('')], ['audit', auditRows],
        ['stored connection', connectionRows], ['sync state', syncRows], ['jobs', jobRows]] as const) {
        expect(text.includes(secret), `${where} contain a token`).toBe(false);
      }
    }
  });
});

/** The access token the connector holds now (decrypted from the stored connection, as the worker does). */
async function currentAccessToken(app: RunningApp): Promise<string | null> {
  const rows: { partnerId: string; accessToken: string }[] = await app.db.manager.query('SELECT "partnerId", "accessToken" FROM webex_connection');
  return rows.length === 1 ? decryptToken(TEST_TOKEN_KEY, rows[0].partnerId, rows[0].accessToken) : null;
}

describe('connect-webex (CLI)', () => {
  let h: WebexHarness;
  beforeAll(async () => {
    h = await startWebexHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('connects a partner and prints one JSON line without the token; a refused token exits 1 with the userErrors', async () => {
    const partner = await h.server.newPartner();
    const tokens = h.cisco.issueToken({ label: unique('cli') });
    const env = { ...process.env, ...webexEnv(h.cisco), DATABASE_URL: h.server.databaseUrl, LOG_LEVEL: 'debug' };
    const ok = await run(process.execPath, [CLI, 'connect-webex', '--partner-id', partner.partnerId, '--access-token', tokens.accessToken, '--refresh-token', tokens.refreshToken], { env, cwd: ROOT, timeout: 45_000 });
    const lines = ok.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ partnerId: partner.partnerId, connection: { connected: true, connectedAt: expect.any(String), lastError: null }, userErrors: [] });
    for (const text of [ok.stdout, ok.stderr]) {
      expect(text.includes(tokens.accessToken)).toBe(false);
      expect(text.includes(tokens.refreshToken)).toBe(false);
    }
    expect((await gql(h.server, partner.token, CONNECTION)).viewer.partner.webexConnection.connected).toBe(true);

    const refused = await run(process.execPath, [CLI, 'connect-webex', '--partner-id', partner.partnerId, '--access-token', 'AT_unknown'], { env, cwd: ROOT, timeout: 45_000 })
      .then(() => null, (error) => error as { code: number; stdout: string });
    expect(refused?.code).toBe(1);
    expect(JSON.parse(refused!.stdout.trim()).userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'accessToken'] })]);
  });
});

describe('webexProvisioningId on templates', () => {
  let h: WebexHarness;
  beforeAll(async () => {
    h = await startWebexHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is set, trimmed, changed and cleared with updateTemplate; a customer of a template without one is NOT_SYNCED even when connected', async () => {
    const partner = await h.server.newPartner();
    const templateId = await webexTemplate(h, partner, null);
    const update = async (value: string | null) => (await gql(h.server, partner.token, `mutation ($input: UpdateTemplateInput!) {
      updateTemplate(input: $input) { template { webexProvisioningId } userErrors { code field } } }`, { input: { id: templateId, webexProvisioningId: value } })).updateTemplate;
    expect((await update('  prov-123\n')).template.webexProvisioningId).toBe('prov-123');
    expect((await update('has space')).userErrors).toEqual([{ code: 'INVALID', field: ['input', 'webexProvisioningId'] }]);
    expect((await update('x'.repeat(257))).userErrors).toEqual([{ code: 'TOO_LONG', field: ['input', 'webexProvisioningId'] }]);
    expect((await update(null)).template.webexProvisioningId).toBeNull();
    const tokens = h.cisco.issueToken({ label: unique('t') });
    expect((await connectWebex(h.server, partner, tokens.accessToken)).userErrors).toEqual([]);
    const data = await gql(h.server, partner.token, `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id webex { status } } } }`,
      { input: aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }) });
    expect(data.createCustomer.customer.webex.status).toBe('NOT_SYNCED');
    const state = await customerSync(h, partner, data.createCustomer.customer.id);
    expect(allProvisioned(state)).toBe(false);
    expect(state.locations.every((l: any) => l.status === 'NOT_SYNCED')).toBe(true);
  });
});
