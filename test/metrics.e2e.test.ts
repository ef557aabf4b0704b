import { statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILPOINTS } from '../server/src/db/failpoints';
import { OutboxMessage, OutboxStatus } from '../server/src/outbox/outbox-message.entity';
import { WebexJob, WebexJobStatus } from '../server/src/webex/webex.entities';
import { MAX_OPERATION_NAMES } from '../server/src/metrics/operation-names';
import { aCustomerInput, aTemplateInput, aUser, unique } from './support/factories';
import { onPostgres, startTestServer, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** One sample's value from Prometheus text: `name{labels} value`, labels matched exactly (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '').split(/,(?=[a-zA-Z_]+=")/).filter(Boolean).sort().join(',');
    if (got === wanted) return Number(match[3]);
  }
  return undefined;
}

/** Every label set a metric has samples for. */
function labelSets(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`)).map((l) => l.slice(name.length, l.lastIndexOf('}') + 1));
}

async function scrape(server: TestServer): Promise<string> {
  const response = await fetch(new URL('/metrics', server.url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

const CREATE_CUSTOMER = 'mutation CreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }';

/** Issue 13: GET /metrics, in Prometheus text, with what an operator watches. */
describe('GET /metrics', () => {
  let server: TestServer;
  let partner: TestPartner;
  let text: string;
  let company: string;
  const viewerStatements: number[] = [];

  const fixture = useTestServer({ overrides: { failpoints: new Set([FAILPOINTS.beforeCommit]) } });
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    const fresh = await scrape(server);
    expect(sample(fresh, 'provisioning_outbox_pending_messages')).toBe(0);
    expect(sample(fresh, 'provisioning_outbox_oldest_due_age_seconds')).toBe(0);

    // The three steps, a userErrors answer, a refused token, an internal fault, and named and anonymous reads.
    const hub = partner.client;
    company = unique('Metrics Company ');
    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await hub.createCustomer(aCustomerInput(template.id, { companyName: company }));
    await hub.setupCustomer({ customerId: customer.id, users: [aUser(), aUser()] });
    const refused = await hub.payloads.createCustomer(aCustomerInput(template.id, { adminEmail: 'not-an-email' }));
    expect(refused.userErrors.length).toBeGreaterThan(0);
    const wrongToken = await server.post({ query: CREATE_CUSTOMER, variables: { input: aCustomerInput(template.id) } }, { token: 'wpt_wrong' });
    expect(wrongToken.status).toBe(401);
    const fault = await server.post({ query: CREATE_CUSTOMER, variables: { input: aCustomerInput(template.id) } },
      { token: partner.token, headers: { 'x-failpoint': FAILPOINTS.beforeCommit } });
    expect(fault.status).toBe(500);
    for (let i = 0; i < 2; i++) {
      const viewer = await server.post({ query: 'query Viewer { viewer { id } }' }, { token: partner.token });
      viewerStatements.push(Number(viewer.headers.get('x-sql-statements')));
    }
    await server.post({ query: '{ viewer { id } }' }, { token: partner.token });
    await fetch(new URL('/app/', server.url));
    await fetch(new URL('/no/such/path', server.url));

    // A Webex job due two minutes ago and a held one; the invitation email overdue by an hour.
    const now = Date.now();
    await server.app.db.write(async (tx) => {
      await tx.insert(WebexJob, [
        { id: customer.id, partnerId: partner.partnerId, status: WebexJobStatus.PENDING, attempts: 0, nextAttemptAt: new Date(now - 120_000), leaseUntil: null, claimToken: null, lastError: null, rearm: 0, createdAt: new Date(now), updatedAt: new Date(now) },
        { id: template.id, partnerId: partner.partnerId, status: WebexJobStatus.HELD, attempts: 0, nextAttemptAt: new Date(now), leaseUntil: null, claimToken: null, lastError: null, rearm: 0, createdAt: new Date(now), updatedAt: new Date(now) },
      ]);
      await tx.update(OutboxMessage, { customerId: customer.id, kind: 'ADMIN_INVITATION' }, { nextAttemptAt: new Date(now - 3_600_000) });
    });
    text = await scrape(server);
  });

  it('times each GraphQL request by operation name and type', () => {
    const count = (operation: string, type: string) => sample(text, 'provisioning_graphql_request_duration_seconds_count', { operation, operation_type: type });
    expect(count('CreateTemplate', 'mutation')).toBe(1);
    // ok, userErrors, the refused token (the name was admitted by an authenticated call before), the fault
    expect(count('CreateCustomer', 'mutation')).toBe(4);
    expect(count('SetupCustomer', 'mutation')).toBe(1);
    expect(count('Viewer', 'query')).toBe(2);
    expect(count('anonymous', 'query')).toBe(1);
    expect(labelSets(text, 'provisioning_graphql_request_duration_seconds_count')).toHaveLength(5);
    expect(sample(text, 'provisioning_graphql_request_duration_seconds_bucket', { operation: 'SetupCustomer', operation_type: 'mutation', le: '+Inf' })).toBe(1);
    expect(sample(text, 'provisioning_graphql_request_duration_seconds_sum', { operation: 'SetupCustomer', operation_type: 'mutation' })).toBeGreaterThan(0);
    expect(sample(text, 'provisioning_http_requests_total', { route: '/', status: '401' })).toBe(1);
    expect(sample(text, 'provisioning_http_requests_total', { route: '/', status: '500' })).toBe(1);
    expect(sample(text, 'provisioning_http_requests_total', { route: '/metrics', status: '200' })).toBe(1); // the fresh scrape
    expect(labelSets(text, 'provisioning_http_requests_total').filter((l) => l.includes('route="/app"'))).toHaveLength(1);
    expect(sample(text, 'provisioning_http_requests_total', { route: 'other', status: '404' })).toBe(1);
  });

  it('counts each mutation\'s outcome: ok, userErrors, error', () => {
    const outcome = (mutation: string, result: string) => sample(text, 'provisioning_mutation_outcomes_total', { mutation, outcome: result });
    expect(outcome('createTemplate', 'ok')).toBe(1);
    expect(outcome('createCustomer', 'ok')).toBe(1);
    expect(outcome('createCustomer', 'userErrors')).toBe(1);
    expect(outcome('createCustomer', 'error')).toBe(2); // the refused token and the internal fault
    expect(outcome('setupCustomer', 'ok')).toBe(1);
    expect(labelSets(text, 'provisioning_mutation_outcomes_total')).toHaveLength(5);
  });

  it('shows SQL statements per request (the same count as x-sql-statements) and in total', () => {
    expect(sample(text, 'provisioning_graphql_sql_statements_count', { operation: 'Viewer' })).toBe(2);
    expect(sample(text, 'provisioning_graphql_sql_statements_sum', { operation: 'Viewer' })).toBe(viewerStatements[0] + viewerStatements[1]);
    expect(viewerStatements[0]).toBeGreaterThan(0);
    expect(sample(text, 'provisioning_graphql_sql_statements_count', { operation: 'SetupCustomer' })).toBe(1);
    expect(sample(text, 'provisioning_sql_statements_total')).toBeGreaterThan(sample(text, 'provisioning_graphql_sql_statements_sum', { operation: 'SetupCustomer' })!);
  });

  it('measures how long each write waited for the writer', () => {
    // newPartner, createTemplate, createCustomer ×3 (the userErrors answer checks inside its transaction), setupCustomer, the test's insert.
    expect(sample(text, 'provisioning_db_writer_wait_seconds_count')).toBeGreaterThanOrEqual(7);
    expect(sample(text, 'provisioning_db_writer_wait_seconds_sum')).toBeGreaterThanOrEqual(0);
  });

  it('shows the outbox and the Webex sync queue: depth and the most overdue item\'s age', () => {
    expect(sample(text, 'provisioning_outbox_pending_messages')).toBe(3); // the invitation and two welcome emails (no SMTP_URL)
    const overdue = sample(text, 'provisioning_outbox_oldest_due_age_seconds')!;
    expect(overdue).toBeGreaterThanOrEqual(3600);
    expect(overdue).toBeLessThan(3600 + 600);
    expect(sample(text, 'provisioning_webex_sync_jobs', { status: 'PENDING' })).toBe(1);
    expect(sample(text, 'provisioning_webex_sync_jobs', { status: 'HELD' })).toBe(1);
    const webexOverdue = sample(text, 'provisioning_webex_sync_oldest_due_age_seconds')!;
    expect(webexOverdue).toBeGreaterThanOrEqual(120);
    expect(webexOverdue).toBeLessThan(120 + 600);
  });

  it('shows the database size on disk', () => {
    if (onPostgres) {
      expect(sample(text, 'provisioning_database_size_bytes', { part: 'database' })).toBeGreaterThan(1_000_000);
      expect(labelSets(text, 'provisioning_database_size_bytes')).toEqual(['{part="database"}']);
    } else {
      const file = path.join(server.dir, 'test.sqlite');
      // Read at scrape time: a checkpoint since then may have moved pages from the WAL into the main
      // file (which never shrinks without VACUUM), so the file now is at least what was scraped.
      const main = sample(text, 'provisioning_database_size_bytes', { part: 'main' })!;
      const wal = sample(text, 'provisioning_database_size_bytes', { part: 'wal' })!;
      expect(main).toBeGreaterThan(0);
      expect(main % 4096, 'whole pages').toBe(0);
      expect(main).toBeLessThanOrEqual(statSync(file).size);
      expect(wal).toBeGreaterThanOrEqual(0);
      expect(main + wal).toBeGreaterThan(4096);
    }
  });

  it('carries the process defaults (CPU, memory, event loop) and nothing of a partner: no token, id, email or name', () => {
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    for (const secret of [partner.token, 'wpt_', partner.partnerId, partner.adminId, company, 'not-an-email', 'devries.example']) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers GET only, without a token', async () => {
    const post = await fetch(new URL('/metrics', server.url), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GET /metrics: bounded operation labels', () => {
  let server: TestServer;
  let partner: TestPartner;
  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it(`labels at most ${MAX_OPERATION_NAMES} names, and only of authenticated callers; the rest is "other"`, async () => {
    await server.post({ query: 'query Prober { viewer { id } }' }); // no token: its name gets no label
    for (let i = 0; i <= MAX_OPERATION_NAMES; i++) {
      const answer = await server.post({ query: `query Op${i} { viewer { id } }` }, { token: partner.token });
      expect(answer.status).toBe(200);
    }
    await server.post({ query: 'query Op0 { viewer { id } }' }, { token: partner.token }); // an admitted name keeps its label
    const text = await scrape(server);
    const labels = labelSets(text, 'provisioning_graphql_request_duration_seconds_count');
    expect(labels).toHaveLength(MAX_OPERATION_NAMES + 1);
    expect(labels).not.toContain('{operation="Prober",operation_type="query"}');
    expect(labels).not.toContain(`{operation="Op${MAX_OPERATION_NAMES}",operation_type="query"}`);
    expect(sample(text, 'provisioning_graphql_request_duration_seconds_count', { operation: 'other', operation_type: 'query' })).toBe(2);
    expect(sample(text, 'provisioning_graphql_request_duration_seconds_count', { operation: 'Op0', operation_type: 'query' })).toBe(2);
  });
});

describe('GET /metrics in production mode', () => {
  let server: TestServer;
  let partner: TestPartner;
  const fixture = useTestServer({ env: { NODE_ENV: 'production' } });
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('is served; statements are counted in total but not per request (no AsyncLocalStorage) unless asked', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    await partner.client.createCustomer(aCustomerInput(template.id));
    const text = await scrape(server);
    expect(sample(text, 'provisioning_graphql_request_duration_seconds_count', { operation: 'CreateCustomer', operation_type: 'mutation' })).toBe(1);
    expect(sample(text, 'provisioning_mutation_outcomes_total', { mutation: 'createCustomer', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'provisioning_sql_statements_total')).toBeGreaterThan(0);
    expect(labelSets(text, 'provisioning_graphql_sql_statements_count')).toEqual([]);
    expect(sample(text, 'provisioning_outbox_pending_messages')).toBe(1);
  });
});

describe('GET /metrics settings', () => {
  it('METRICS_SQL_PER_REQUEST=1 records statements per request in production, without exposing x-sql-* headers', async () => {
    const server = await startTestServer({}, { NODE_ENV: 'production', METRICS_SQL_PER_REQUEST: '1' });
    try {
      const partner = await server.newPartner();
      const viewer = await server.post({ query: 'query Viewer { viewer { id } }' }, { token: partner.token });
      expect(viewer.headers.get('x-sql-statements')).toBeNull();
      const text = await scrape(server);
      expect(sample(text, 'provisioning_graphql_sql_statements_count', { operation: 'Viewer' })).toBe(1);
      expect(sample(text, 'provisioning_graphql_sql_statements_sum', { operation: 'Viewer' })).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });

  it('METRICS_PORT serves /metrics on a listener of its own (METRICS_HOST), and no longer on the API\'s port', async () => {
    const server = await startTestServer({}, { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
    try {
      const partner = await server.newPartner();
      await partner.client.viewer();
      const metricsUrl = server.app.metricsUrl!;
      expect(new URL(metricsUrl).port).not.toBe(String(server.app.port));
      expect((await fetch(new URL('/metrics', server.url))).status).toBe(404);
      const response = await fetch(metricsUrl);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      expect(sample(text, 'provisioning_graphql_request_duration_seconds_count', { operation: 'Viewer', operation_type: 'query' })).toBe(1);
      expect((await fetch(new URL('/', metricsUrl))).status).toBe(404);
      expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.stop();
    }
  });

  it('a busy METRICS_PORT ends the start with one clear error', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as AddressInfo).port;
      await expect(startTestServer({}, { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' }))
        .rejects.toThrow(`Cannot listen for metrics: METRICS_PORT ${port} on 127.0.0.1 (EADDRINUSE). Change METRICS_PORT or METRICS_HOST.`);
    } finally {
      busy.close();
    }
  });

  it('METRICS_ENABLED=0 turns the endpoint off (404)', async () => {
    const server = await startTestServer({}, { METRICS_ENABLED: '0' });
    try {
      expect(server.app.metricsUrl).toBeNull();
      const response = await fetch(new URL('/metrics', server.url));
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('provisioning_');
    } finally {
      await server.stop();
    }
  });
});
