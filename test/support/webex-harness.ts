import { expect } from 'vitest';
import { aTemplateInput, unique } from './factories';
import { startTestServer, type TestPartner, type TestServer } from './test-server';
import { startWebexStandIn, type WebexStandIn, type WebexStandInOptions } from './webex-stand-in';
import type { AppConfig } from '../../server/src/config';

/**
 * The connector's test harness: the real server (SQLite file, or PostgreSQL with TEST_DATABASE_URL)
 * pointed at the Webex stand-in, with short waits so a sync takes milliseconds, and helpers that wait
 * for states by polling (never a sleep as an assertion).
 */
export const TEST_TOKEN_KEY = 'test-webex-token-key-0123456789abcdef';

export interface WebexHarness {
  cisco: WebexStandIn;
  server: TestServer;
  stop(): Promise<void>;
}

export function webexEnv(cisco: WebexStandIn, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WEBEX_API_URL: cisco.url,
    WEBEX_TOKEN_KEY: TEST_TOKEN_KEY,
    WEBEX_CLIENT_ID: cisco.clientId,
    WEBEX_CLIENT_SECRET: cisco.clientSecret,
    WEBEX_POLL_INTERVAL_MS: '20',
    WEBEX_RETRY_BASE_MS: '20',
    WEBEX_MAX_BACKOFF_MS: '400',
    WEBEX_WORKER_INTERVAL_MS: '20',
    WEBEX_LEASE_MS: '30000',
    WEBEX_REQUEST_TIMEOUT_MS: '5000',
    ...extra,
  };
}

export async function startWebexHarness(
  options: WebexStandInOptions = {}, env: Record<string, string> = {}, overrides: Partial<AppConfig> = {},
): Promise<WebexHarness> {
  const cisco = await startWebexStandIn({ provisioningPolls: 2, ...options });
  const server = await startTestServer(overrides, webexEnv(cisco, env));
  return {
    cisco, server,
    async stop() {
      await server.stop();
      await cisco.stop();
    },
  };
}

/** A GraphQL call that must succeed at the transport level (no `errors`); returns `data`. */
export async function gql(server: TestServer, token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await server.post({ query, variables }, { token });
  expect(response.body.errors, JSON.stringify(response.body.errors)).toBeUndefined();
  return response.body.data;
}

export const SYNC_FIELDS = 'status webexId orgId webexStatus errors { code description trackingId } attempts lastAttemptAt nextAttemptAt';

export async function connectWebex(server: TestServer, partner: TestPartner, accessToken: string, refreshToken?: string): Promise<any> {
  const data = await gql(server, partner.token, `mutation ($input: ConnectWebexInput!) {
    connectWebex(input: $input) { connection { connected connectedAt lastError } userErrors { code field message } } }`,
  { input: { accessToken, refreshToken } });
  return data.connectWebex;
}

/** A partner connected to the stand-in with its own token (labelled `label`), and a template carrying a registered Provisioning ID. */
export async function connectedPartner(h: WebexHarness, label = unique('partner')): Promise<{ partner: TestPartner; templateId: string; label: string; accessToken: string; refreshToken: string }> {
  const partner = await h.server.newPartner();
  const tokens = h.cisco.issueToken({ label });
  const connected = await connectWebex(h.server, partner, tokens.accessToken, tokens.refreshToken);
  expect(connected.userErrors).toEqual([]);
  const templateId = await webexTemplate(h, partner);
  return { partner, templateId, label, ...tokens };
}

export async function webexTemplate(h: WebexHarness, partner: TestPartner, webexProvisioningId: string | null = unique('prov-')): Promise<string> {
  if (webexProvisioningId) h.cisco.registerProvisioningId(webexProvisioningId);
  const data = await gql(h.server, partner.token, `mutation ($input: CreateTemplateInput!) {
    createTemplate(input: $input) { template { id webexProvisioningId } userErrors { code field message } } }`,
  { input: { ...aTemplateInput(partner), webexProvisioningId } });
  expect(data.createTemplate.userErrors).toEqual([]);
  expect(data.createTemplate.template.webexProvisioningId).toBe(webexProvisioningId);
  return data.createTemplate.template.id;
}

export async function createCustomer(h: WebexHarness, partner: TestPartner, input: Record<string, unknown>): Promise<any> {
  const data = await gql(h.server, partner.token, `mutation ($input: CreateCustomerInput!) {
    createCustomer(input: $input) { customer { id adminEmail webex { ${SYNC_FIELDS} } } userErrors { code field message } } }`, { input });
  expect(data.createCustomer.userErrors).toEqual([]);
  return data.createCustomer.customer;
}

export async function setupCustomer(h: WebexHarness, partner: TestPartner, input: Record<string, unknown>): Promise<any> {
  const data = await gql(h.server, partner.token, `mutation ($input: SetupCustomerInput!) {
    setupCustomer(input: $input) { customer { id } users { id email } userErrors { code field message } } }`, { input });
  expect(data.setupCustomer.userErrors).toEqual([]);
  return data.setupCustomer;
}

/** The customer with its locations and (up to 100) users, each with its `webex` state. */
export async function customerSync(h: WebexHarness, partner: TestPartner, customerId: string): Promise<any> {
  const data = await gql(h.server, partner.token, `query ($id: ID!) { customer(id: $id) {
    id webex { ${SYNC_FIELDS} }
    locations(first: 100) { edges { node { id name webex { ${SYNC_FIELDS} } } } }
    users(first: 100) { totalCount edges { node { id email webex { ${SYNC_FIELDS} } } } } } }`, { id: customerId });
  const c = data.customer;
  return {
    customer: c.webex,
    locations: c.locations.edges.map((e: any) => ({ id: e.node.id, name: e.node.name, ...e.node.webex })),
    users: c.users.edges.map((e: any) => ({ id: e.node.id, email: e.node.email, ...e.node.webex })),
    userCount: c.users.totalCount,
  };
}

/** Polls `read` until `done` holds; returns the last value read. The default timeout reports the last state before the test's own (60 s) ends. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 50_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    last = await read();
  }
  return last;
}

export const allSettled = (state: any): boolean =>
  [state.customer, ...state.locations, ...state.users].every((s: any) => !['QUEUED', 'IN_PROGRESS'].includes(s.status));

export const allProvisioned = (state: any): boolean =>
  [state.customer, ...state.locations, ...state.users].every((s: any) => s.status === 'PROVISIONED');

export interface SentRequest {
  url: string;
  authorization: string | null;
  sentAt: number;
  answeredAt: number | null;
  /** When the client first read the answer's Retry-After header (null: never). */
  knownAt: number | null;
  status: number | null;
  retryAfter: string | null;
}

/**
 * Records, on the connector's side, every request to `baseUrl` (the in-process server uses the global
 * fetch): when it was sent and when its answer arrived. The stand-in can only count arrivals, and a
 * request already in flight when another one is answered 429 arrives "early" whatever the client does;
 * this shows what the client itself sent after it had learned of a Retry-After.
 */
export function recordFetches(baseUrl: string): { sent: SentRequest[]; restore(): void } {
  const original = globalThis.fetch;
  const sent: SentRequest[] = [];
  globalThis.fetch = (async (input: any, init?: any) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    if (!url.startsWith(baseUrl)) return original(input, init);
    const headers = new Headers(init?.headers);
    const record: SentRequest = { url, authorization: headers.get('authorization'), sentAt: performance.now(), answeredAt: null, knownAt: null, status: null, retryAfter: null };
    sent.push(record);
    const response = await original(input, init);
    record.answeredAt = performance.now();
    record.status = response.status;
    record.retryAfter = response.headers.get('retry-after');
    // When the client reads the Retry-After is when it can know it: this wrapper resumes a few
    // microtasks before the client does, and a request another slot sends in between is not early.
    const get = response.headers.get.bind(response.headers);
    Object.defineProperty(response.headers, 'get', {
      value: (name: string) => {
        if (name.toLowerCase() === 'retry-after' && record.knownAt === null) record.knownAt = performance.now();
        return get(name);
      },
    });
    return response;
  }) as typeof fetch;
  return { sent, restore: () => { globalThis.fetch = original; } };
}

/** Requests the client sent with a token while a Retry-After it had already received for that token was running. */
export function sentDuringRetryAfter(sent: SentRequest[]): SentRequest[] {
  const early: SentRequest[] = [];
  for (const throttled of sent.filter((r) => r.retryAfter !== null && r.answeredAt !== null)) {
    const known = throttled.knownAt ?? throttled.answeredAt!;
    const until = throttled.answeredAt! + Number(throttled.retryAfter) * 1000;
    early.push(...sent.filter((r) => r !== throttled && r.authorization === throttled.authorization
      && r.sentAt > known && r.sentAt < until));
  }
  return early;
}
