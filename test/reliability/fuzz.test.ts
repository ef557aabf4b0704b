import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../server/src/schema';
import { aCustomerInput, aNewYorkLocation, aTemplateInput, aUser } from '../support/factories';
import { startTestServer, type TestServer } from '../support/test-server';
import { FuzzGenerator, type FuzzIds, type FuzzRequest } from './fuzz-generator';
import { envInt, seededRandom } from './support';

/** Total per run, split evenly between development and production mode. */
const OPERATIONS = envInt('FUZZ_OPERATIONS', 10_000);
const PER_MODE = Math.ceil(OPERATIONS / 2);
const CONCURRENCY = envInt('FUZZ_CONCURRENCY', 8);
const SEED = envInt('FUZZ_SEED', 1337);
const STACK_TRACE = /\n\s+at\s|\s{4}at\s\S|stacktrace|\.(?:ts|js):\d+:\d+/i;

/** A full collection before each memory reading, so the figure is what stays, not garbage. */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

interface Finding { kind: string; status: number; request: string; response: string }

/** Two partners with real objects: their ids and tokens feed every ID field and header the fuzzer writes. */
async function seed(server: TestServer): Promise<FuzzIds> {
  const pool: FuzzIds = { ids: [], tokens: [] };
  for (const name of ['Fuzz A', 'Fuzz B']) {
    const partner = await server.newPartner(name);
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const customer = await partner.client.createCustomer(aCustomerInput(template.id));
    const setup = await partner.client.setupCustomer({ customerId: customer.id, locations: [aNewYorkLocation()], users: [aUser(), aUser()] });
    pool.tokens.push(partner.token);
    pool.ids.push(partner.partnerId, partner.adminId, ...partner.subscriptionIds, template.id, template.provisioningId, customer.id,
      customer.headquarters.id, ...setup.locations.map((l) => l.id), ...setup.users.map((u) => u.id));
  }
  return pool;
}

async function send(url: string, request: FuzzRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (request.contentType !== null) headers['content-type'] = request.contentType;
  if (request.auth !== null) headers.authorization = request.auth;
  const target = request.method === 'GET' ? `${url}?${request.query}` : url;
  const response = await fetch(target, { method: request.method, headers, body: request.method === 'POST' ? request.body : undefined });
  return { status: response.status, text: await response.text() };
}

/**
 * R5: a seeded, reproducible fuzzer over the schema and the HTTP edge. Any 5xx, any
 * INTERNAL_SERVER_ERROR, any stack trace in a body (and, in production, any "Did you mean")
 * is a finding; the run fails on the first kind and prints samples.
 */
describe('hostile input (R5)', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('regressions the fuzzer found: each is a 4xx or a userError, never a 500', async () => {
    const server = await startTestServer();
    servers.push(server);
    const partner = await server.newPartner();
    const ask = (body: unknown) => server.post(body, { token: partner.token });
    // graphql-js only noticed the missing Subscription type at execution: 500.
    const subscription = await ask({ query: 'subscription { anything }' });
    expect(subscription.status).toBe(400);
    expect(subscription.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Apollo's codeless request errors read as INTERNAL_SERVER_ERROR.
    const persisted = await ask({ query: '{ viewer { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } });
    expect(persisted.status).toBe(400);
    expect(persisted.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const tooManyErrors = await ask({
      query: 'mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { userErrors { code } } }',
      variables: { input: { customerId: 'x', users: Array.from({ length: 60 }, () => ({ firstName: 1 })) } },
    });
    expect(tooManyErrors.status).toBe(400);
    expect(tooManyErrors.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).not.toContain('INTERNAL_SERVER_ERROR');
    // A lone UTF-16 surrogate made validator's isEmail throw "URI malformed": 500.
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const lone = await partner.client.payloads.createCustomer(aCustomerInput(template.id, { adminEmail: '\udfff@example.com' }));
    expect(lone.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'adminEmail'] })]);
  });

  for (const mode of ['development', 'production'] as const) {
    it(`${PER_MODE} generated operations in ${mode} mode: no 5xx, no INTERNAL_SERVER_ERROR, no stack trace, still healthy`, async () => {
      const server = await startTestServer(
        mode === 'production' ? { production: true, exposeSqlCount: false, rateLimitPerSecond: 0 } : { rateLimitPerSecond: 0 },
        { NODE_ENV: mode === 'production' ? 'production' : 'test' },
      );
      servers.push(server);
      const pool = await seed(server);
      const generator = new FuzzGenerator(await buildAppSchema(), seededRandom(SEED + (mode === 'production' ? 1 : 0)), pool);
      collect();
      const rssBefore = process.memoryUsage().rss;
      const heapBefore = process.memoryUsage().heapUsed;
      const requests = Array.from({ length: PER_MODE }, () => generator.next());

      const findings = { dropped: [] as Finding[], serverErrors: [] as Finding[], internal: [] as Finding[], stackTraces: [] as Finding[], suggestions: [] as Finding[] };
      const statuses = new Map<number, number>();
      let resets = 0;
      const resetKinds: string[] = [];
      const slowest: Array<{ ms: number; kind: string; size: number }> = [];
      const started = Date.now();
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const request = requests[next++];
          let status: number;
          let text: string;
          const sentAt = Date.now();
          try {
            ({ status, text } = await send(server.url, request));
          } catch (error) {
            resetKinds.push(`${request.kind} ${String(request.body ?? request.query ?? '').length} B after ${Date.now() - sentAt} ms `
              + `(${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`);
            // A reset of a reused keep-alive socket (client and server share this process's event
            // loop, so a long request can outlive the idle timer) is retried once on a fresh socket;
            // a request the server itself drops fails twice and is a finding.
            resets += 1;
            try {
              ({ status, text } = await send(server.url, request));
            } catch (error) {
              const cause = (error as { cause?: { code?: string; message?: string } }).cause;
              findings.dropped.push({ kind: request.kind, status: 0, request: String(request.body ?? request.query ?? '').slice(0, 300),
                response: `${(error as Error).message}: ${cause?.code ?? ''} ${cause?.message ?? ''}` });
              continue;
            }
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          slowest.push({ ms: Date.now() - sentAt, kind: request.kind, size: String(request.body ?? request.query ?? '').length });
          slowest.sort((a, b) => b.ms - a.ms).splice(3);
          const finding = () => ({
            kind: request.kind, status,
            request: String(request.body ?? request.query ?? '').slice(0, 300), response: text.slice(0, 500),
          });
          if (status >= 500) findings.serverErrors.push(finding());
          if (text.includes('INTERNAL_SERVER_ERROR')) findings.internal.push(finding());
          if (STACK_TRACE.test(text)) findings.stackTraces.push(finding());
          if (mode === 'production' && /Did you mean/.test(text)) findings.suggestions.push(finding());
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const elapsed = Date.now() - started;
      requests.length = 0;
      collect();
      const rssAfter = process.memoryUsage().rss;
      const heapAfter = process.memoryUsage().heapUsed;
      const health = await fetch(new URL('/healthz', server.url));
      const viewer = await server.post({ query: '{ viewer { id } }' }, { token: pool.tokens[0] });

      const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
      console.log(`[fuzz] ${mode}: seed ${SEED}, ${PER_MODE} operations in ${elapsed} ms (${CONCURRENCY} at a time); `
        + `HTTP 5xx ${findings.serverErrors.length}, dropped connections ${findings.dropped.length} (keep-alive resets retried ${resets}${resets ? `: ${resetKinds.slice(0, 3).join(', ')}` : ''}), INTERNAL_SERVER_ERROR ${findings.internal.length}, `
        + `bodies with stack traces ${findings.stackTraces.length}${mode === 'production' ? `, "Did you mean" ${findings.suggestions.length}` : ''}; `
        + `/healthz ${health.status}; RSS ${mb(rssBefore)} → ${mb(rssAfter)} MB, heap after GC ${mb(heapBefore)} → ${mb(heapAfter)} MB (test process and server together); `
        + `slowest ${slowest.map((x) => `${x.kind} ${x.size} B ${x.ms} ms`).join(', ')}; `
        + `statuses ${[...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
      for (const [name, list] of Object.entries(findings)) {
        if (list.length) console.log(`[fuzz] ${mode} ${name} samples:\n${JSON.stringify(list.slice(0, 3), null, 2)}`);
      }
      expect(findings.dropped).toEqual([]);
      expect(findings.serverErrors).toEqual([]);
      expect(findings.internal).toEqual([]);
      expect(findings.stackTraces).toEqual([]);
      expect(findings.suggestions).toEqual([]);
      expect(health.status).toBe(200);
      expect(viewer.status).toBe(200);
    }, 300_000);
  }
});
