import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError, NetworkError, type ClientOptions, type RetryEvent } from '../sdk/src/index';
import { isIdempotent, parseRetryAfter, retryDelayMs } from '../sdk/src/retry';
import { aCustomerInput, aTemplateInput, unique } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** What the proxy does with the next request: answer an error itself, or forward and then break the connection, or never answer. */
type Behaviour =
  | { kind: 'error'; status: number; code: string; retryAfter?: string }
  | { kind: 'reset-after-forward' }
  | { kind: 'html'; status: number }
  | { kind: 'hang' };

interface Proxy {
  url: string;
  /** Behaviours for the next requests, in order; a request with none left is forwarded as is. */
  script: Behaviour[];
  /** The operationName of every request that reached the proxy. */
  seen: Array<string | undefined>;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the real server that misbehaves on cue: the SDK's retries are
 * judged on what reached it (how many requests) and on what the real server then holds.
 */
async function startProxy(target: string, port = 0): Promise<Proxy> {
  const script: Behaviour[] = [];
  const seen: Array<string | undefined> = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push((JSON.parse(body) as { operationName?: string }).operationName);
    const behaviour = script.shift();
    if (behaviour?.kind === 'hang') return;
    if (behaviour?.kind === 'html') {
      res.writeHead(behaviour.status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${behaviour.status} from the gateway</h1></body></html>`);
      return;
    }
    if (behaviour?.kind === 'error') {
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...(behaviour.retryAfter === undefined ? {} : { 'retry-after': behaviour.retryAfter }) });
      res.end(JSON.stringify({ errors: [{ message: `stub ${behaviour.code}`, extensions: { code: behaviour.code } }] }));
      return;
    }
    const answer = await fetch(target, {
      method: 'POST', body, headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization ?? '') },
    });
    const text = await answer.text();
    if (behaviour?.kind === 'reset-after-forward') {
      // The server has done the work; the client never hears of it.
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    script,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function refusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('SDK retries (against the real server, through a misbehaving loopback proxy)', () => {
  let server: TestServer;
  let partner: TestPartner;
  const proxies: Proxy[] = [];

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });
  afterEach(async () => {
    for (const proxy of proxies.splice(0)) await proxy.close();
  });

  async function proxy(): Promise<Proxy> {
    const p = await startProxy(server.url);
    proxies.push(p);
    return p;
  }

  /** A client of the partner through `url`, with a fast backoff, recording each retry. */
  function hubVia(url: string, extra: Partial<ClientOptions> = {}) {
    const retries: RetryEvent[] = [];
    const hub = createClient({ url, token: partner.token, retryBaseDelayMs: 5, onRetry: (e) => retries.push(e), ...extra });
    return { hub, retries };
  }

  it('SERVICE_UNAVAILABLE and RATE_LIMITED wrote nothing: a mutation is retried (default twice) and written once', async () => {
    const p = await proxy();
    p.script.push({ kind: 'error', status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '0' }, { kind: 'error', status: 429, code: 'RATE_LIMITED' });
    const { hub, retries } = hubVia(p.url);
    const name = unique('Retried template ');
    const template = await hub.createTemplate(aTemplateInput(partner, { name }));
    expect(p.seen).toEqual(['CreateTemplate', 'CreateTemplate', 'CreateTemplate']);
    expect(retries.map((r) => [r.attempt, (r.error as GraphQLRequestError).code])).toEqual([[1, 'SERVICE_UNAVAILABLE'], [2, 'RATE_LIMITED']]);
    expect(retries[1].delayMs).toBeLessThanOrEqual(10); // the second step of a 5 ms backoff
    const all = await partner.client.paginate(partner.client.templates).toArray({ limit: 100 });
    expect(all.filter((t) => t.name === name).map((t) => t.id)).toEqual([template.id]);
  });

  it('gives up after maxRetries with the last error; maxRetries: 0 sends once', async () => {
    const p = await proxy();
    for (let i = 0; i < 3; i++) p.script.push({ kind: 'error', status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '0' });
    const error = await hubVia(p.url).hub.viewer().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GraphQLRequestError', code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 0 });
    expect(p.seen).toHaveLength(3);

    p.seen.length = 0;
    p.script.push({ kind: 'error', status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '0' });
    await expect(hubVia(p.url, { maxRetries: 0 }).hub.viewer()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(p.seen).toHaveLength(1);
  });

  it('other GraphQL errors are never retried', async () => {
    const p = await proxy();
    p.script.push({ kind: 'error', status: 500, code: 'INTERNAL_SERVER_ERROR' });
    await expect(hubVia(p.url).hub.viewer()).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    await expect(createClient({ url: p.url, token: 'wpt_unknown', retryBaseDelayMs: 1 }).viewer()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(p.seen).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date, and rejects at once when it asks for more than maxRetryDelayMs', async () => {
    const p = await proxy();
    p.script.push({ kind: 'error', status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: new Date(Date.now() - 5_000).toUTCString() });
    const { hub, retries } = hubVia(p.url);
    await hub.viewer();
    expect(retries).toHaveLength(1);
    expect(retries[0].delayMs).toBeLessThanOrEqual(5); // a date in the past: no wait beyond the jitter

    p.seen.length = 0;
    p.script.push({ kind: 'error', status: 429, code: 'RATE_LIMITED', retryAfter: new Date(Date.now() + 120_000).toUTCString() });
    const late = hubVia(p.url, { maxRetryDelayMs: 1_000 });
    const error = await late.hub.viewer().catch((e: unknown) => e) as GraphQLRequestError;
    expect(error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(late.retries).toEqual([]);
    expect(p.seen).toHaveLength(1);
  });

  it('a connection refused before anything was sent is retried, for a mutation too', async () => {
    const port = await refusedPort();
    let opened: Promise<Proxy> | null = null;
    const { hub, retries } = hubVia(`http://127.0.0.1:${port}/`, {
      retryBaseDelayMs: 200,
      // The proxy starts listening on the refused port while the client waits to retry.
      onRetry: (event) => {
        retries.push(event);
        opened ??= startProxy(server.url, port).then((p) => (proxies.push(p), p));
      },
    });
    const template = await hub.createTemplate(aTemplateInput(partner));
    expect(retries).toHaveLength(1);
    expect(retries[0].error).toBeInstanceOf(NetworkError);
    expect(retries[0].error).toMatchObject({ code: 'CONNECTION_FAILED', requestSent: false });
    expect((await opened!).seen).toEqual(['CreateTemplate']);
    expect(await partner.client.template(template.id)).not.toBeNull();
  });

  it('a mutation whose connection broke after it was sent is not retried: its outcome is unknown (here: it was written)', async () => {
    const p = await proxy();
    p.script.push({ kind: 'reset-after-forward' });
    const name = unique('Unknown outcome ');
    const { hub, retries } = hubVia(p.url);
    const error = await hub.createTemplate(aTemplateInput(partner, { name })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', requestSent: true });
    expect(p.seen).toEqual(['CreateTemplate']);
    expect(retries).toEqual([]);
    const written = await partner.client.paginate(partner.client.templates).toArray({ limit: 100 });
    expect(written.filter((t) => t.name === name)).toHaveLength(1);
  });

  it('…unless it is idempotent: createCustomer with an externalId is retried and the replay answers the same customer', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const p = await proxy();
    p.script.push({ kind: 'reset-after-forward' });
    const externalId = unique('crm-');
    const { hub, retries } = hubVia(p.url);
    const customer = await hub.createCustomer(aCustomerInput(template.id, { externalId }));
    expect(p.seen).toEqual(['CreateCustomer', 'CreateCustomer']);
    expect(retries[0].error).toMatchObject({ code: 'CONNECTION_FAILED', requestSent: true });
    const found = await partner.client.customers({ filter: { externalId } });
    expect(found.totalCount).toBe(1);
    expect(found.edges[0].node.id).toBe(customer.id);

    // the same break without an externalId: not retried
    p.seen.length = 0;
    p.script.push({ kind: 'reset-after-forward' });
    await expect(hub.createCustomer(aCustomerInput(template.id))).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    expect(p.seen).toEqual(['CreateCustomer']);
  });

  it('queries and dry runs are retried after a broken connection or a timeout; a real mutation’s timeout is not', async () => {
    const p = await proxy();
    const { hub, retries } = hubVia(p.url, { timeoutMs: 300 });
    p.script.push({ kind: 'reset-after-forward' }, { kind: 'hang' });
    expect((await hub.customers()).totalCount).toBeGreaterThanOrEqual(0);
    expect(retries.map((r) => r.error.code)).toEqual(['CONNECTION_FAILED', 'TIMEOUT']);
    expect(p.seen).toEqual(['Customers', 'Customers', 'Customers']);

    p.seen.length = 0;
    p.script.push({ kind: 'hang' });
    const preview = await hub.payloads.createTemplate({ ...aTemplateInput(partner), dryRun: true });
    expect(preview.userErrors).toEqual([]);
    expect(p.seen).toEqual(['CreateTemplate', 'CreateTemplate']);

    p.seen.length = 0;
    p.script.push({ kind: 'hang' });
    await expect(hub.createTemplate(aTemplateInput(partner))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(p.seen).toEqual(['CreateTemplate']);
  });

  it('a gateway’s 502/503/504 page is an unknown outcome: a query is retried, a mutation is not; other pages are not retried', async () => {
    const p = await proxy();
    const { hub, retries } = hubVia(p.url);
    p.script.push({ kind: 'html', status: 502 }, { kind: 'html', status: 504 });
    expect((await hub.viewer()).id).toBe(partner.adminId);
    expect(retries.map((r) => [r.error.code, (r.error as NetworkError).status])).toEqual([['BAD_RESPONSE', 502], ['BAD_RESPONSE', 504]]);

    p.seen.length = 0;
    p.script.push({ kind: 'html', status: 503 });
    await expect(hub.createTemplate(aTemplateInput(partner))).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 503 });
    expect(p.seen).toEqual(['CreateTemplate']);

    p.seen.length = 0;
    p.script.push({ kind: 'html', status: 404 });
    await expect(hub.viewer()).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 404 });
    expect(p.seen).toEqual(['Viewer']);
  });

  it('refuses retry options that are not non-negative numbers', () => {
    expect(() => createClient({ url: server.url, token: 't', maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => createClient({ url: server.url, token: 't', maxRetries: 1.5 })).toThrow(TypeError);
    expect(() => createClient({ url: server.url, token: 't', retryBaseDelayMs: Number.NaN })).toThrow(/retryBaseDelayMs/);
  });
});

describe('SDK retries against the real rate limit', () => {
  let server: TestServer;
  let partner: TestPartner;

  // One request at once, one more per second: the second request in a row gets 429 Retry-After: 1.
  const fixture = useTestServer({ overrides: { rateLimitBurst: 1, rateLimitPerSecond: 1 } });
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('waits the server’s Retry-After, then succeeds; a Retry-After beyond maxRetryDelayMs rejects at once', async () => {
    const retries: RetryEvent[] = [];
    const impatient = createClient({ url: server.url, token: partner.token, maxRetryDelayMs: 500, onRetry: (e) => retries.push(e) });
    await impatient.viewer();
    const refused = await impatient.viewer().catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 1 });
    expect(retries).toEqual([]);

    const patient = createClient({ url: server.url, token: partner.token, retryBaseDelayMs: 1, onRetry: (e) => retries.push(e) });
    const viewer = await patient.viewer();
    expect(viewer.id).toBe(partner.adminId);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ operationName: 'Viewer', attempt: 1, error: { code: 'RATE_LIMITED' } });
    expect(retries[0].delayMs).toBeGreaterThanOrEqual(1000);
  });
});

describe('SDK retry rules (pure)', () => {
  const policy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 30_000 };

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('backs off exponentially with jitter between half and all of each step, capped', () => {
    const busy = new GraphQLRequestError('SERVICE_UNAVAILABLE', 503, [], null);
    expect(retryDelayMs(busy, 1, false, policy, () => 0)).toBe(50);
    expect(retryDelayMs(busy, 1, false, policy, () => 1)).toBe(100);
    expect(retryDelayMs(busy, 2, false, policy, () => 0)).toBe(100);
    expect(retryDelayMs(busy, 2, false, policy, () => 1)).toBe(200);
    expect(retryDelayMs(busy, 3, false, policy, () => 1)).toBeNull(); // past maxRetries
    expect(retryDelayMs(busy, 10, false, { ...policy, maxRetries: 20, maxDelayMs: 1_000 }, () => 1)).toBe(1_000);
    const told = new GraphQLRequestError('RATE_LIMITED', 429, [], 2);
    expect(retryDelayMs(told, 1, false, policy, () => 0)).toBe(2_000);
    expect(retryDelayMs(told, 1, false, policy, () => 1)).toBe(2_100);
  });

  it('knows which operations are safe to repeat', () => {
    const createCustomer = parse('mutation CreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }');
    expect(isIdempotent(parse('query { viewer { id } }'), {})).toBe(true);
    expect(isIdempotent(createCustomer, { input: { externalId: 'crm-1' } })).toBe(true);
    expect(isIdempotent(createCustomer, { input: { externalId: '  ' } })).toBe(false);
    expect(isIdempotent(createCustomer, { input: {} })).toBe(false);
    const setup = parse('mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { userErrors { code } } }');
    expect(isIdempotent(setup, { input: { dryRun: true } })).toBe(true);
    expect(isIdempotent(setup, { input: { dryRun: false } })).toBe(false);
    // an externalId only makes createCustomer a replay; a second root field must be safe too
    expect(isIdempotent(parse('mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { userErrors { code } } }'), { input: { externalId: 'x' } })).toBe(false);
    expect(isIdempotent(parse('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } deleteTemplate(input: { id: "t" }) { deletedTemplateId } }'), { input: { externalId: 'x' } })).toBe(false);
    // an inline input is not inspected: not safe
    expect(isIdempotent(parse('mutation { createCustomer(input: { externalId: "x" }) { customer { id } } }'), {})).toBe(false);
  });
});
