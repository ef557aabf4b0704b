import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTemplateInput } from '../support/factories';
import { startTestServer, type TestPartner } from '../support/test-server';
import { createClient } from '../../sdk/src/index';
import { ALL_FAILPOINTS, FAILPOINTS, rawPost, startLoggedApp } from './support';

/** R8: NODE_ENV=production over HTTP, configured by loadConfig exactly as `npm start` would be. */
describe('production mode (R8)', () => {
  let server: Awaited<ReturnType<typeof startLoggedApp>>;
  let partner: TestPartner;
  let url: string;

  beforeAll(async () => {
    // seedDemoPartner, exposeSqlCount and introspection come from NODE_ENV=production; the failpoints
    // are this test's own, set in-process.
    server = await startLoggedApp({ failpoints: ALL_FAILPOINTS }, { NODE_ENV: 'production' });
    url = server.app.url;
  });
  afterAll(() => server.stop());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    rawPost(url, typeof body === 'string' ? body : JSON.stringify(body), { authorization: `Bearer ${partner.token}`, ...headers });

  it('creates no demo partner on an empty database', async () => {
    expect(server.app.demo).toBeNull();
    expect(await server.app.services.partners.hasAnyPartner()).toBe(false);
    const created = await server.app.services.partners.createPartner({ name: 'Prod Partner', adminEmail: 'ops@prod.example' });
    partner = { ...created, client: createClient({ url, token: created.token }) };
  });

  it('refuses introspection, serves no landing page and exposes no SQL counts', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Customer") { fields { name } } }']) {
      const r = await post({ query });
      expect(r.status, r.text).toBe(400);
      expect(r.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.text).not.toContain('"types"');
    }
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toMatch(/html/);
    expect(await page.text()).not.toMatch(/<!doctype|<html|sandbox|embeddable/i);
    // The same request outside production gets the Sandbox page, so the check above can fail.
    const development = await startTestServer();
    try {
      const sandbox = await fetch(development.url, { headers: { accept: 'text/html' } });
      expect(sandbox.headers.get('content-type')).toMatch(/html/);
      expect(await sandbox.text()).toMatch(/sandbox|embeddable/i);
    } finally {
      await development.stop();
    }
    const ok = await post({ query: '{ viewer { id } }' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-sql-statements')).toBeNull();
  });

  it('masks an internal error to a generic INTERNAL_SERVER_ERROR, with the detail only in the log', async () => {
    const r = await post({
      query: 'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }',
      variables: { input: aTemplateInput(partner) },
    }, { 'x-failpoint': FAILPOINTS.beforeCommit });
    expect(r.status).toBe(500);
    expect(r.json.errors).toHaveLength(1);
    expect(r.json.errors[0].message).toBe('Internal server error');
    expect(r.json.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(r.text).not.toMatch(/Injected|failpoint|\s{4}at\s|stacktrace|\.ts:\d+/i);
    const logged = server.logs.filter((line) => line.level === 50 && JSON.stringify(line).includes('Injected fault at failpoint'));
    expect(logged.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged[0])).toMatch(/"stack"/); // the log keeps the detail the client never sees
  });

  it('gives no "Did you mean" suggestions', async () => {
    const probes = [
      { query: '{ viewr { id } }' },
      { query: '{ customers(frist: 1) { totalCount } }' },
      { query: '{ viewer { partner { admin { id } } } }' },
      { query: 'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { userErrors { code } } }', variables: { input: { nme: 'x' } } },
      { query: '{ customers(filter: { status: ACTIV }) { totalCount } }' },
    ];
    for (const body of probes) {
      const r = await post(body);
      expect(r.status, r.text).toBe(400);
      expect(r.text).not.toMatch(/Did you mean/i);
    }
  });

  it('refuses text/plain and other simple content types (400) and JSON-array batches (400)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await rawPost(url, JSON.stringify({ query: '{ viewer { id } }' }), { 'content-type': type, authorization: `Bearer ${partner.token}` });
      expect(r.status, type).toBe(400);
      expect(r.json.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(r.text).not.toContain(partner.adminId);
    }
    const batch = await post([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]);
    expect(batch.status).toBe(400);
    expect(batch.text).not.toContain(partner.adminId);
    console.log('[production] NODE_ENV=production: demo partner none; introspection 400; GET / text/html no Sandbox; '
      + 'injected fault → 500 "Internal server error" (detail and stack in the log only); "Did you mean" 0/5 probes; text/plain 400; array batch 400; x-sql-statements absent');
  });
});
