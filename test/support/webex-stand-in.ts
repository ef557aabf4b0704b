import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { loadWebexContract, type WebexContract } from './webex-contract';

/*
 * A stand-in for Cisco's Webex APIs (Wholesale customers and subscribers, Locations, the OAuth token
 * endpoint) on 127.0.0.1, for the connector's tests. It behaves as Cisco's published spec and the facts
 * in `webex-wholesale-api.md` (shared folder) say, refuses what Cisco would refuse, checks every request
 * against Cisco's spec (webex-contract.ts), and counts what a well-behaved client must never do
 * (duplicate creates, requests before a Retry-After passed, a partner's token used on another's objects).
 */

/** Customer packages that carry calling: they need `provisioningParameters.calling.location`. */
export const WEBEX_CALLING_CUSTOMER_PACKAGES: readonly string[] = [
  'common_area_calling',
  'webex_calling',
  'webex_suite',
  'webex_voice',
  'cx_essentials',
  'webex_calling_standard',
];

/** Subscriber packages that carry calling: they need a primaryPhoneNumber or an extension. */
export const WEBEX_CALLING_SUBSCRIBER_PACKAGES: readonly string[] = [
  'webex_calling',
  'webex_suite',
  'webex_voice',
  'cx_essentials',
  'webex_calling_standard',
  'cx_premium_agent',
  'cx_standard_agent',
];

const LEGACY_SUBSCRIBER_PACKAGES = ['webex_calling', 'webex_meetings', 'webex_suite', 'webex_voice', 'cx_essentials', 'webex_calling_standard'];

export type WebexCustomerStatus =
  | 'provisioned'
  | 'provisioned_with_errors'
  | 'provisioning'
  | 'updating'
  | 'deleting'
  | 'error'
  | 'pending_rpl_review';

export interface WebexErrorItem {
  errorCode: number;
  description: string;
}

/** How a customer's background provisioning ends (set per externalId with `setCustomerOutcome`). */
export type WebexCustomerOutcome =
  | { status: 'provisioned' }
  | {
      /** Held for a Denied Party List check after the provisioning polls. */
      status: 'pending_rpl_review';
      /** Released (→ provisioned) after this many further GETs; never by itself when left out (use `releaseCustomer`). */
      releaseAfterPolls?: number;
    }
  | { status: 'error'; errors?: WebexErrorItem[] }
  | { status: 'provisioned_with_errors'; errors?: WebexErrorItem[] };

export interface StandInCustomer {
  id: string;
  externalId: string;
  /** Set once provisioned (or provisioned_with_errors). */
  orgId?: string;
  status: WebexCustomerStatus;
  provisioningId: string;
  packages: string[];
  address: Record<string, unknown>;
  customerInfo?: Record<string, unknown>;
  provisioningParameters?: Record<string, unknown>;
  errors: WebexErrorItem[];
  /** Label of the token that created it (the partner). */
  tokenLabel: string;
  /** GETs by id still answered with the transitional status (provisioning/updating) or the hold. */
  pollsLeft: number;
  /** For a held customer: GETs left before it is released by itself (undefined: held until released). */
  holdPollsLeft?: number;
  createdAt: string;
}

export interface StandInLocation {
  id: string;
  orgId: string;
  name: string;
  timeZone?: string;
  preferredLanguage?: string;
  announcementLanguage?: string;
  address: Record<string, unknown>;
  tokenLabel: string;
  /** True for the location Cisco made from the customer's `provisioningParameters.calling.location`. */
  createdByProvisioning: boolean;
}

export interface StandInSubscriber {
  id: string;
  personId?: string;
  email: string;
  customerId: string;
  externalCustomerId: string;
  packages: string[];
  status: 'provisioned' | 'pending_user_migration';
  provisioningParameters: Record<string, unknown>;
  tokenLabel: string;
  created: string;
  lastStatusChange: string;
}

/** One request the stand-in received. */
export interface StandInRequest {
  method: string;
  /** Path below the base URL, without `/v1` and the query: `/wholesale/customers`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON (or form fields for /access_token); undefined when there was no body. */
  body: unknown;
  /** Label of the bearer token used (also for an expired one), or of the refresh token on `/access_token`; null without a known token. */
  tokenLabel: string | null;
  /** Epoch ms when it arrived. */
  at: number;
  /** Status answered; 0 when the answer was dropped (lost-answer fault) or not sent yet. */
  status: number;
}

/** A request that came before a Retry-After given to its partner had passed. */
export interface RetryAfterViolation {
  request: StandInRequest;
  /** How long before the Retry-After ended it arrived. */
  msEarly: number;
  /** It came over the connection that carried the 429/423 (surely sent after the client read it). */
  sameConnection: boolean;
}

export interface InjectedFault {
  /** Only this method (any when left out). */
  method?: string;
  /** Only paths (below `/v1`, e.g. `/wholesale/subscribers`) matching this. When left out, every path except `/access_token`. */
  path?: RegExp;
  /** 409: Cisco refuses the request in the object's current state (a 4xx: the connector marks the object FAILED). */
  status: 409 | 429 | 423 | 500 | 502 | 503 | 504;
  /** Sent as the `Retry-After` header (seconds; Cisco sends whole seconds); 429 gets 1 when left out. */
  retryAfterSeconds?: number;
  /** How many matching requests get the fault (default 1; `Infinity` for an outage, ended by `clearFaults`). */
  times?: number;
}

export interface DroppedAnswer {
  /** Only this method (any when left out). */
  method?: string;
  /** Only paths (below `/v1`) matching this; every path except `/access_token` when left out. */
  path?: RegExp;
  /** How many matching requests are dropped (default 1). */
  times?: number;
}

export interface InjectedDelay {
  /** Only this method (any when left out). */
  method?: string;
  /** Only paths (below `/v1`) matching this; every path except `/access_token` when left out. */
  path?: RegExp;
  /** How long the matching requests wait before they are performed and answered. */
  ms: number;
  /** How many matching requests wait (default 1). */
  times?: number;
}

export interface WebexStandInOptions {
  /**
   * GETs by id of a new customer answered `provisioning` before it settles (default 1; 0 settles on the
   * first GET). Also the `updating` polls after a PUT and the `deleting` polls after a DELETE (then 404).
   * Lists (`?externalId=`) show the status without advancing it.
   */
  provisioningPolls?: number;
  /** Every request is answered this much later (default 0). */
  delayMs?: number;
  /** Lifetime of access tokens issued by `/access_token` (default 1 hour). */
  accessTokenTtlMs?: number;
  /** Provisioning IDs accepted from the start (more with `registerProvisioningId`). */
  provisioningIds?: string[];
  /** Tolerance for timers that fire a little early when counting `requestsBeforeRetryAfter` (default 5 ms). */
  retryAfterSlackMs?: number;
  /**
   * Cisco's rate limit, per token label (partner): more than `requests` requests within a window of
   * `windowMs` are answered 429 with a Retry-After (whole seconds, at least 1) until the window ends.
   * None when left out.
   */
  rateLimit?: { requests: number; windowMs: number };
  /** Where Cisco's spec is read from (default `<repo>/../shared/webex-openapi`). */
  specDir?: string;
}

/** The running stand-in. Every setter applies to requests that arrive after it is called. */
export interface WebexStandIn {
  /** Base URL to give as `WEBEX_API_URL`: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** The OAuth integration's credentials `/access_token` accepts (give as WEBEX_CLIENT_ID / WEBEX_CLIENT_SECRET). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** False when Cisco's spec folder is missing: then request bodies are not checked against the spec (a warning says so). */
  readonly contractChecked: boolean;

  /** A new access token (and its refresh token) for a partner; `label` names the partner in every record. Default lifetime 1 hour. */
  issueToken(input: { label: string; expiresInMs?: number }): { accessToken: string; refreshToken: string };
  /** The access token is answered 401 from now on (its refresh token still works). */
  expireToken(accessToken: string): void;
  /** The refresh token is refused from now on (the partner must reconnect). */
  revokeRefreshToken(refreshToken: string): void;
  /** Accept this provisioningId on `POST /wholesale/customers` (unknown ones are refused with 400). */
  registerProvisioningId(id: string): void;
  /** How the customer with this externalId ends its provisioning (default `provisioned`). Set before or while it provisions. */
  setCustomerOutcome(externalId: string, outcome: WebexCustomerOutcome): void;
  /** Releases a customer held in `pending_rpl_review`: it becomes `provisioned` (orgId and HQ location appear). */
  releaseCustomer(externalId: string): void;
  /** `POST /wholesale/subscribers` for this email answers 202 `pending_user_migration` (no personId) until `completeUserMigration`. */
  markPendingUserMigration(email: string): void;
  /** The held subscriber of this email becomes `provisioned` with a personId. */
  completeUserMigration(email: string): void;
  /** This primary phone number is not in the location's inventory at Cisco: a subscriber with it is refused (400). */
  markNumberNotInInventory(number: string): void;
  /** The number is in the inventory again (a refused subscriber can then be provisioned on a retry). */
  restoreNumberToInventory(number: string): void;
  /** The next matching requests are answered with this status (and Retry-After), before any effect. */
  inject(fault: InjectedFault): void;
  /**
   * The next matching requests that succeed are performed (the object is created) and then the socket
   * is destroyed without an answer: the "answer lost" case. Requests Cisco refuses are answered normally.
   */
  dropResponseAfterCommit(drop?: DroppedAnswer): void;
  /** The next matching requests are not performed at all: the socket is destroyed on arrival (a reset connection). */
  dropConnection(drop?: DroppedAnswer): void;
  /**
   * The next matching requests are performed and answered `ms` later. A client that gives up (times out)
   * meanwhile does not undo them: the create still happens, as at Cisco.
   */
  injectDelay(delay: InjectedDelay): void;
  /** Every request is answered this much later from now on (0 to stop). */
  setDelay(ms: number): void;
  /** Forgets every injected fault, dropped answer, reset and delay not used up yet (an outage with `times: Infinity` ends). */
  clearFaults(): void;
  /**
   * Calls `listener` for every request once it has been handled, with its status known and before the
   * answer is written (status 0 when the answer is about to be dropped). Use it to act at an exact point,
   * e.g. expire a token after the 10th subscriber or kill the API process once the customer exists.
   * Returns a function that removes the listener. A listener that throws does not disturb the stand-in.
   */
  onRequest(listener: (request: StandInRequest) => void): () => void;

  /** Every request received, in order. */
  readonly requests: StandInRequest[];
  /** Every contract violation found in a request (each also answered 400). Empty when `contractChecked` is false. */
  readonly contractViolations: string[];
  /** The stand-in's own answers that do not match Cisco's response schemas (a self-check; should stay empty). */
  readonly responseViolations: string[];
  /** Creates of something that already existed (customer by externalId, location by org + name, subscriber by customerId + email), counted even when refused. */
  duplicateCreates(): number;
  /** The duplicate creates, described. */
  readonly duplicates: string[];
  /**
   * Requests (per token label, i.e. per partner, so a refreshed token is held too) that arrived before a
   * Retry-After given on a 429 or 423 to that label had passed. 0 for a well-behaved client. (A Retry-After
   * on an injected 5xx is sent but not enforced: the connector may back off its own way there.)
   *
   * Arrival is when the request's headers came in. A client that sends requests in parallel can have one
   * already on its way when another is answered 429; the stand-in cannot tell it from one sent later, so it
   * counts it too. `retryAfterViolations` tells them apart where it can (`sameConnection`).
   */
  requestsBeforeRetryAfter(): number;
  /**
   * Each request counted by `requestsBeforeRetryAfter`: how many ms too early, and whether it came over the
   * very connection that carried the 429/423 (true: it was surely sent after the client had read the answer;
   * false proves nothing, as a client's pool may open a new connection for the next request).
   */
  readonly retryAfterViolations: ReadonlyArray<RetryAfterViolation>;
  /** The most requests of one token label (partner) that were in flight at the same time, over the whole run (0 when none came). */
  maxConcurrentRequests(label: string): number;
  /** How many 429s the `rateLimit` option answered. */
  readonly rateLimited: number;
  /** Requests whose token label differs from the label of the object they read, changed or looked up (answered 403/404, or a list without it). */
  readonly crossPartnerAccesses: StandInRequest[];
  /** How many times `/access_token` issued a new access token. */
  readonly tokenRefreshes: number;
  /**
   * CPU time (ms) the stand-in spent handling requests: body parsing, the contract checks, its state and
   * the answer's JSON, not Node's own HTTP work. For a bench that runs it in the process it measures.
   */
  readonly handlerCpuMs: number;
  readonly customers: ReadonlyMap<string, StandInCustomer>;
  readonly locations: ReadonlyMap<string, StandInLocation>;
  readonly subscribers: ReadonlyMap<string, StandInSubscriber>;
  /** The customer with this externalId (the last one created if there were duplicates). */
  customerByExternalId(externalId: string): StandInCustomer | undefined;
  /** Closes every connection and the server; delayed requests not handled yet are dropped (never performed). */
  stop(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly descriptions: string[] = [message],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface TokenRecord {
  label: string;
  expiresAt: number;
  expired: boolean;
}

function ciscoId(kind: string): string {
  // Cisco's ids are base64 of a `ciscospark://` URI; base64url keeps them safe in a path segment.
  return Buffer.from(`ciscospark://us/${kind}/${randomUUID()}`).toString('base64url');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Starts the stand-in on 127.0.0.1 (ephemeral port). Stop it with `stop()`.
 *
 * Behaviour in short (paths below `url`):
 * - Bearer tokens from `issueToken` or `POST /access_token` only; unknown/expired → 401
 *   `{ message, errors: [{ description }], trackingId }` (every error answer has this shape).
 * - `POST /wholesale/customers` → 202 + `Location` + `{ url }`; the customer is `provisioning` for
 *   `provisioningPolls` GETs by id, then settles as `setCustomerOutcome` says (default `provisioned`
 *   with `orgId`, and the org gets one location made from `provisioningParameters.calling.location`).
 * - `GET /wholesale/customers?externalId=`, `GET/PUT/DELETE /wholesale/customers/{id}` (PUT and DELETE 202).
 * - `GET /locations?orgId=&name=` (items `{ id, name, orgId, timeZone, preferredLanguage, address }`),
 *   `POST /locations?orgId=` → 201 `{ id }` (409 when the org already has that name), `GET/PUT/DELETE /locations/{id}`.
 * - `POST /wholesale/subscribers` → 200 provisioned or 202 pending_user_migration; `GET /wholesale/subscribers?customerId=&email=`,
 *   `GET/PUT/DELETE /wholesale/subscribers/{id}`.
 * - An object read or changed with another partner's token is 404 (and recorded in `crossPartnerAccesses`).
 * - Every request is checked against Cisco's spec (`webex-contract.ts`); a violation is answered 400
 *   and kept in `contractViolations`.
 *
 * @example
 * const cisco = await startWebexStandIn({ provisioningPolls: 1 });
 * cisco.registerProvisioningId('prov-1');                      // the template's webexProvisioningId
 * const { accessToken, refreshToken } = cisco.issueToken({ label: partnerId });
 * // start the API with WEBEX_API_URL=cisco.url, WEBEX_CLIENT_ID=cisco.clientId, WEBEX_CLIENT_SECRET=cisco.clientSecret,
 * // connectWebex({ accessToken, refreshToken }), create a customer, wait for PROVISIONED, then:
 * expect(cisco.contractViolations).toEqual([]);
 * expect(cisco.duplicateCreates()).toBe(0);
 * expect(cisco.requestsBeforeRetryAfter()).toBe(0);
 * expect(cisco.requests.filter((r) => r.path !== '/access_token').every((r) => r.tokenLabel === partnerId)).toBe(true);
 * await cisco.stop();
 */
export async function startWebexStandIn(options: WebexStandInOptions = {}): Promise<WebexStandIn> {
  const contract: WebexContract = loadWebexContract(options.specDir);
  const provisioningPolls = options.provisioningPolls ?? 1;
  const accessTokenTtlMs = options.accessTokenTtlMs ?? 3_600_000;
  const slackMs = options.retryAfterSlackMs ?? 5;
  let delayMs = options.delayMs ?? 0;

  const clientId = `C${randomBytes(16).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('hex');
  const tokens = new Map<string, TokenRecord>();
  const refreshTokens = new Map<string, { label: string; revoked: boolean }>();
  const provisioningIds = new Set(options.provisioningIds ?? []);
  const outcomes = new Map<string, WebexCustomerOutcome>();
  const pendingMigration = new Set<string>();
  const numbersNotInInventory = new Set<string>();
  const faults: Array<InjectedFault & { left: number }> = [];
  const drops: Array<DroppedAnswer & { left: number }> = [];
  const resets: Array<DroppedAnswer & { left: number }> = [];
  const delays: Array<InjectedDelay & { left: number }> = [];
  /** token label → performance.now() before which no request may come, and the connection that was told. */
  const retryAfterUntil = new Map<string, { until: number; socket: unknown }>();
  const retryAfterViolations: RetryAfterViolation[] = [];
  const tellRetryAfter = (label: string, until: number, socket: unknown): void => {
    // A shorter Retry-After given later does not shorten one still running.
    const before = retryAfterUntil.get(label);
    if (!before || before.until < until) retryAfterUntil.set(label, { until, socket });
  };
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const windows = new Map<string, { start: number; count: number }>();
  let rateLimited = 0;
  let handlerCpuMicros = 0;
  /** Delayed requests not handled yet: stop() drops them, as a server that goes away would. */
  const pendingTimers = new Set<NodeJS.Timeout>();
  const listeners = new Set<(request: StandInRequest) => void>();
  const notify = (request: StandInRequest): void => {
    for (const l of listeners) {
      try {
        l(request);
      } catch {
        // A test's listener must not turn into a 500 of the stand-in.
      }
    }
  };

  const customers = new Map<string, StandInCustomer>();
  const locations = new Map<string, StandInLocation>();
  const subscribers = new Map<string, StandInSubscriber>();
  // Indexes so that a 10,000-user bench does not make the stand-in quadratic.
  const subscriberByEmail = new Map<string, string>();
  const assignedNumbers = new Set<string>();
  const assignedExtensions = new Set<string>();
  const forgetSubscriber = (s: StandInSubscriber): void => {
    subscribers.delete(s.id);
    subscriberByEmail.delete(s.email);
    const n = str(s.provisioningParameters.primaryPhoneNumber);
    if (n) assignedNumbers.delete(n);
    const e = str(s.provisioningParameters.extension);
    const l = str(s.provisioningParameters.locationId);
    if (e && l) assignedExtensions.delete(`${l}|${e}`);
  };
  const requests: StandInRequest[] = [];
  const contractViolations: string[] = [];
  const responseViolations: string[] = [];
  const duplicates: string[] = [];
  const crossPartnerAccesses: StandInRequest[] = [];
  let tokenRefreshes = 0;
  let baseUrl = '';

  const newToken = (label: string, ttlMs: number): { accessToken: string; refreshToken: string } => {
    const accessToken = `AT_${randomBytes(24).toString('base64url')}`;
    const refreshToken = `RT_${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, { label, expiresAt: Date.now() + ttlMs, expired: false });
    refreshTokens.set(refreshToken, { label, revoked: false });
    return { accessToken, refreshToken };
  };

  const matches = (rule: { method?: string; path?: RegExp }, method: string, p: string): boolean =>
    (!rule.method || rule.method.toUpperCase() === method) && (rule.path ? rule.path.test(p) : p !== '/access_token');

  // ---- customers -------------------------------------------------------------------------------

  const settle = (c: StandInCustomer): void => {
    const outcome = outcomes.get(c.externalId) ?? { status: 'provisioned' };
    if (outcome.status === 'pending_rpl_review') {
      c.status = 'pending_rpl_review';
      c.holdPollsLeft = outcome.releaseAfterPolls;
      return;
    }
    if (outcome.status === 'error') {
      c.status = 'error';
      c.errors = outcome.errors ?? [{ errorCode: 2560, description: 'One or more Webex Calling services are unavailable due to maintenance, unable to start provisioning. Consult status.webex.com and retry later.' }];
      return;
    }
    provision(c, outcome.status === 'provisioned_with_errors' ? (outcome.errors ?? [{ errorCode: 1000, description: 'A package could not be fully provisioned.' }]) : []);
  };

  const provision = (c: StandInCustomer, errors: WebexErrorItem[]): void => {
    c.status = errors.length ? 'provisioned_with_errors' : 'provisioned';
    c.errors = errors;
    if (c.orgId) return;
    c.orgId = ciscoId('ORGANIZATION');
    const calling = isObject(c.provisioningParameters?.calling) ? c.provisioningParameters.calling : undefined;
    const loc = isObject(calling?.location) ? calling.location : undefined;
    if (loc) {
      const a = isObject(loc.address) ? loc.address : {};
      const id = ciscoId('LOCATION');
      locations.set(id, {
        id,
        orgId: c.orgId,
        name: String(loc.name),
        timeZone: str(loc.timezone),
        preferredLanguage: str(loc.language),
        announcementLanguage: str(loc.language),
        address: compact({ address1: a.addressLine1, address2: a.addressLine2, city: a.city, state: a.stateOrProvince, postalCode: a.zipOrPostalCode, country: a.country }),
        tokenLabel: c.tokenLabel,
        createdByProvisioning: true,
      });
    }
  };

  const removeCustomer = (c: StandInCustomer): void => {
    customers.delete(c.id);
    for (const s of [...subscribers.values()]) if (s.customerId === c.id) forgetSubscriber(s);
    for (const l of [...locations.values()]) if (c.orgId && l.orgId === c.orgId) locations.delete(l.id);
  };

  const poll = (c: StandInCustomer): void => {
    if (c.status === 'deleting') {
      if (c.pollsLeft > 0) c.pollsLeft--;
      else removeCustomer(c);
    } else if (c.status === 'provisioning' || c.status === 'updating') {
      if (c.pollsLeft > 0) c.pollsLeft--;
      else if (c.status === 'provisioning') settle(c);
      else c.status = c.errors.length ? 'provisioned_with_errors' : 'provisioned';
    } else if (c.status === 'pending_rpl_review' && c.holdPollsLeft !== undefined) {
      if (c.holdPollsLeft > 0) c.holdPollsLeft--;
      else provision(c, []);
    }
  };

  const customerView = (c: StandInCustomer): Record<string, unknown> =>
    compact({
      id: c.id,
      orgId: c.status === 'provisioned' || c.status === 'provisioned_with_errors' || c.status === 'updating' ? c.orgId : undefined,
      externalId: c.externalId,
      address: c.address,
      status: c.status,
      packages: c.packages,
      resourceDetails: {
        packages: c.packages.map((name) => ({
          name,
          status: c.status === 'error' ? 'error' : c.status === 'provisioned' || c.status === 'provisioned_with_errors' ? 'provisioned' : 'provisioning',
          warnings: [],
          errors: [],
        })),
      },
      errors: c.errors,
    });

  const checkAddress = (a: unknown, where: string): void => {
    if (!isObject(a)) throw new HttpFailure(400, `${where} is required`);
    for (const f of ['addressLine1', 'city', 'country']) if (!str(a[f])) throw new HttpFailure(400, `${where}.${f} is required`);
    for (const f of ['addressLine1', 'addressLine2']) {
      if (typeof a[f] === 'string' && (a[f] as string).length > 50) throw new HttpFailure(400, `${where}.${f} exceeds the 50 character limit`);
    }
    if (!/^[A-Z]{2}$/.test(String(a.country))) throw new HttpFailure(400, `${where}.country must be an ISO 3166-1 alpha-2 code`);
  };

  const ownCustomer = (req: StandInRequest, id: string): StandInCustomer => {
    const c = customers.get(id);
    if (!c) throw new HttpFailure(404, 'Customer not found');
    if (c.tokenLabel !== req.tokenLabel) {
      crossPartnerAccesses.push(req);
      throw new HttpFailure(404, 'Customer not found');
    }
    return c;
  };

  const createCustomer = (req: StandInRequest, body: Record<string, unknown>, res: Answer): void => {
    const externalId = str(body.externalId);
    const provisioningId = str(body.provisioningId);
    if (!provisioningId) throw new HttpFailure(400, 'provisioningId is required');
    if (!provisioningIds.has(provisioningId)) throw new HttpFailure(400, `Invalid provisioningId ${provisioningId}`);
    if (!externalId) throw new HttpFailure(400, 'externalId is required');
    const packages = body.packages;
    if (!Array.isArray(packages) || packages.length === 0) throw new HttpFailure(400, 'packages is required');
    checkAddress(body.address, 'address');
    const info = body.customerInfo;
    if (!str(body.orgId)) {
      if (!isObject(info)) throw new HttpFailure(400, 'customerInfo is required for a new customer');
      if (!str(info.name)) throw new HttpFailure(400, 'customerInfo.name is required');
      if (!str(info.primaryEmail)) throw new HttpFailure(400, 'customerInfo.primaryEmail is required');
    }
    if (isObject(info) && typeof info.name === 'string' && info.name.includes('%')) {
      throw new HttpFailure(400, 'customerInfo.name cannot include the "%" character');
    }
    const params = isObject(body.provisioningParameters) ? body.provisioningParameters : undefined;
    if (packages.some((p) => WEBEX_CALLING_CUSTOMER_PACKAGES.includes(String(p)))) {
      const calling = isObject(params?.calling) ? params.calling : undefined;
      const location = isObject(calling?.location) ? calling.location : undefined;
      if (!location) throw new HttpFailure(400, 'provisioningParameters.calling.location is mandatory when provisioning calling packages');
      for (const f of ['name', 'timezone', 'language']) if (!str(location[f])) throw new HttpFailure(400, `provisioningParameters.calling.location.${f} is required`);
      checkAddress(location.address, 'provisioningParameters.calling.location.address');
    }
    const id = ciscoId('WHOLESALE_CUSTOMER');
    customers.set(id, {
      id,
      externalId,
      status: 'provisioning',
      provisioningId,
      packages: packages.map(String),
      address: body.address as Record<string, unknown>,
      customerInfo: isObject(info) ? info : undefined,
      provisioningParameters: params,
      errors: [],
      tokenLabel: req.tokenLabel!,
      pollsLeft: provisioningPolls,
      createdAt: new Date().toISOString(),
    });
    const url = `${baseUrl}/wholesale/customers/${id}`;
    res(202, { url }, { Location: url });
  };

  // ---- locations -------------------------------------------------------------------------------

  const orgOf = (req: StandInRequest, orgId: string | undefined): StandInCustomer | undefined => {
    if (!orgId) return undefined;
    const c = [...customers.values()].find((x) => x.orgId === orgId);
    if (c && c.tokenLabel !== req.tokenLabel) {
      crossPartnerAccesses.push(req);
      throw new HttpFailure(403, 'The partner does not manage this organization');
    }
    return c;
  };

  const locationView = (l: StandInLocation): Record<string, unknown> =>
    // The shape Cisco's Locations documentation answers (the spec's GET /locations schema is wrong, see §12 of the facts file).
    compact({ id: l.id, name: l.name, orgId: l.orgId, timeZone: l.timeZone, preferredLanguage: l.preferredLanguage, address: l.address });

  const ownLocation = (req: StandInRequest, id: string): StandInLocation => {
    const l = locations.get(id);
    if (!l) throw new HttpFailure(404, 'Location not found');
    if (l.tokenLabel !== req.tokenLabel) {
      crossPartnerAccesses.push(req);
      throw new HttpFailure(404, 'Location not found');
    }
    return l;
  };

  const createLocation = (req: StandInRequest, body: Record<string, unknown>, res: Answer): void => {
    const orgId = req.query.orgId;
    const name = str(body.name);
    const customer = orgOf(req, orgId);
    if (!customer) throw new HttpFailure(400, orgId ? `Organization ${orgId} not found` : 'orgId is required');
    if (!name) throw new HttpFailure(400, 'name is required');
    if ([...locations.values()].some((l) => l.orgId === orgId && l.name === name)) {
      throw new HttpFailure(409, `A location named ${name} already exists in this organization`);
    }
    for (const f of ['timeZone', 'preferredLanguage', 'announcementLanguage']) if (!str(body[f])) throw new HttpFailure(400, `${f} is required`);
    const a = body.address;
    if (!isObject(a)) throw new HttpFailure(400, 'address is required');
    for (const f of ['address1', 'city', 'state', 'postalCode', 'country']) if (typeof a[f] !== 'string') throw new HttpFailure(400, `address.${f} is required`);
    const id = ciscoId('LOCATION');
    locations.set(id, {
      id,
      orgId: customer.orgId!,
      name,
      timeZone: str(body.timeZone),
      preferredLanguage: str(body.preferredLanguage),
      announcementLanguage: str(body.announcementLanguage),
      address: a,
      tokenLabel: req.tokenLabel!,
      createdByProvisioning: false,
    });
    res(201, { id });
  };

  // ---- subscribers -----------------------------------------------------------------------------

  const subscriberView = (s: StandInSubscriber): Record<string, unknown> =>
    compact({
      id: s.id,
      personId: s.personId,
      email: s.email,
      customerId: s.customerId,
      externalCustomerId: s.externalCustomerId,
      // The deprecated single `package` only names the six packages its (older) enum knows.
      package: LEGACY_SUBSCRIBER_PACKAGES.includes(s.packages[0]!) ? s.packages[0] : undefined,
      packages: s.packages,
      status: s.status,
      errors: [],
      created: s.created,
      lastStatusChange: s.lastStatusChange,
    });

  const ownSubscriber = (req: StandInRequest, id: string): StandInSubscriber => {
    const s = subscribers.get(id);
    if (!s) throw new HttpFailure(404, 'Subscriber not found');
    if (s.tokenLabel !== req.tokenLabel) {
      crossPartnerAccesses.push(req);
      throw new HttpFailure(404, 'Subscriber not found');
    }
    return s;
  };

  const createSubscriber = (req: StandInRequest, body: Record<string, unknown>, res: Answer): void => {
    const customerId = str(body.customerId);
    const email = str(body.email)?.toLowerCase();
    if (!customerId) throw new HttpFailure(400, 'customerId is required');
    if (!email) throw new HttpFailure(400, 'email is required');
    const customer = customers.get(customerId);
    if (!customer) throw new HttpFailure(400, `Customer ${customerId} not found`);
    if (customer.tokenLabel !== req.tokenLabel) {
      crossPartnerAccesses.push(req);
      throw new HttpFailure(400, `Customer ${customerId} not found`);
    }
    if (customer.status !== 'provisioned' && customer.status !== 'provisioned_with_errors') {
      throw new HttpFailure(400, `Customer ${customerId} is not provisioned (status ${customer.status})`);
    }
    if (body.package !== undefined && body.packages !== undefined) throw new HttpFailure(400, 'Either package or packages may be given, but not both');
    const packages = Array.isArray(body.packages) ? body.packages.map(String) : body.package !== undefined ? [String(body.package)] : [];
    if (packages.length === 0) throw new HttpFailure(400, 'packages is required');
    if (packages.length > 1) throw new HttpFailure(400, 'packages currently accepts only one package');
    const params = isObject(body.provisioningParameters) ? body.provisioningParameters : undefined;
    if (!params) throw new HttpFailure(400, 'provisioningParameters is required');
    const locationId = str(params.locationId);
    if (locationId) {
      const l = locations.get(locationId);
      if (!l || l.orgId !== customer.orgId) throw new HttpFailure(400, `Location ${locationId} not found in the customer's organization`);
    }
    const number = str(params.primaryPhoneNumber);
    const extension = str(params.extension);
    if (WEBEX_CALLING_SUBSCRIBER_PACKAGES.includes(packages[0]!)) {
      if (!number && !extension) throw new HttpFailure(400, 'A primary phone number, extension, or both must be supplied when assigning a calling-enabled package');
    }
    if (number && numbersNotInInventory.has(number)) {
      throw new HttpFailure(400, `The phone number ${number} is not available in the location's inventory`);
    }
    if (number && assignedNumbers.has(number)) {
      throw new HttpFailure(400, `The phone number ${number} is already assigned`);
    }
    if (extension && locationId && assignedExtensions.has(`${locationId}|${extension}`)) {
      throw new HttpFailure(400, `The extension ${extension} is already assigned in this location`);
    }
    if (subscriberByEmail.has(email)) {
      throw new HttpFailure(400, 'The email is already associated with an existing user', ['10022: The email is already associated with an existing user']);
    }
    const now = new Date().toISOString();
    const pending = pendingMigration.has(email);
    const s: StandInSubscriber = {
      id: ciscoId('WHOLESALE_SUBSCRIBER'),
      personId: pending ? undefined : ciscoId('PEOPLE'),
      email,
      customerId,
      externalCustomerId: customer.externalId,
      packages,
      status: pending ? 'pending_user_migration' : 'provisioned',
      provisioningParameters: params,
      tokenLabel: req.tokenLabel!,
      created: now,
      lastStatusChange: now,
    };
    subscribers.set(s.id, s);
    subscriberByEmail.set(email, s.id);
    if (number) assignedNumbers.add(number);
    if (extension && locationId) assignedExtensions.add(`${locationId}|${extension}`);
    res(pending ? 202 : 200, subscriberView(s), { Location: `${baseUrl}/wholesale/subscribers/${s.id}` });
  };

  // ---- routing ---------------------------------------------------------------------------------

  type Answer = (status: number, body?: unknown, headers?: Record<string, string>) => void;

  const route = (req: StandInRequest, res: Answer): void => {
    const { method, path: p, query } = req;
    const body = req.body;
    const seg = p.split('/').filter(Boolean).map(decodeURIComponent);
    const page = <T>(items: T[]): T[] => {
      const offset = Number(query.offset ?? 0) || 0;
      const max = Number(query.max ?? 100) || 100;
      return items.slice(offset, offset + max);
    };

    if (seg[0] === 'wholesale' && seg[1] === 'customers') {
      if (seg.length === 2 && method === 'GET') {
        if (query.externalId !== undefined && [...customers.values()].some((c) => c.externalId === query.externalId && c.tokenLabel !== req.tokenLabel)) {
          // Another partner's customer is not listed, but the attempt is recorded.
          crossPartnerAccesses.push(req);
        }
        const items = [...customers.values()].filter(
          (c) =>
            c.tokenLabel === req.tokenLabel &&
            (query.externalId === undefined || c.externalId === query.externalId) &&
            (query.orgId === undefined || c.orgId === query.orgId) &&
            (query.status === undefined || query.status.split(',').includes(c.status)),
        );
        return res(200, { items: page(items).map(customerView) });
      }
      if (seg.length === 2 && method === 'POST') return createCustomer(req, body as Record<string, unknown>, res);
      if (seg.length === 3) {
        const c = ownCustomer(req, seg[2]!);
        if (method === 'GET') {
          poll(c);
          if (!customers.has(c.id)) throw new HttpFailure(404, 'Customer not found');
          return res(200, customerView(c));
        }
        if (method === 'PUT') {
          const b = body as Record<string, unknown>;
          if (!Array.isArray(b.packages) || b.packages.length === 0) throw new HttpFailure(400, 'packages is required');
          if (b.address !== undefined) checkAddress(b.address, 'address');
          c.packages = b.packages.map(String);
          if (b.address) c.address = b.address as Record<string, unknown>;
          if (isObject(b.provisioningParameters)) c.provisioningParameters = b.provisioningParameters;
          if (str(b.externalId)) c.externalId = b.externalId as string;
          if (c.status === 'provisioned' || c.status === 'provisioned_with_errors') {
            c.status = 'updating';
            c.pollsLeft = provisioningPolls;
          } else if (c.status === 'error') {
            // The re-drive of a failed customer (Cisco's advice: PUT the full package list): it provisions
            // again and settles as `setCustomerOutcome` now says.
            c.status = 'provisioning';
            c.errors = [];
            c.pollsLeft = provisioningPolls;
          }
          const url = `${baseUrl}/wholesale/customers/${c.id}`;
          return res(202, { url }, { Location: url });
        }
        if (method === 'DELETE') {
          // Cisco deletes in the background: `deleting` for `provisioningPolls` GETs, then gone (404)
          // with its subscribers and locations. A second DELETE meanwhile is accepted again.
          if (c.status !== 'deleting') {
            c.status = 'deleting';
            c.pollsLeft = provisioningPolls;
          }
          return res(202);
        }
      }
    }

    if (seg[0] === 'wholesale' && seg[1] === 'subscribers') {
      if (seg.length === 2 && method === 'GET') {
        const listedCustomer = query.customerId === undefined ? undefined : customers.get(query.customerId);
        if (listedCustomer && listedCustomer.tokenLabel !== req.tokenLabel) crossPartnerAccesses.push(req);
        // By email through the index: the connector looks a user up before every re-sent create.
        const byEmail = query.email === undefined ? undefined : subscribers.get(subscriberByEmail.get(query.email.toLowerCase()) ?? '');
        const candidates = query.email === undefined ? [...subscribers.values()] : byEmail ? [byEmail] : [];
        const items = candidates.filter(
          (s) =>
            s.tokenLabel === req.tokenLabel &&
            (query.customerId === undefined || s.customerId === query.customerId) &&
            (query.email === undefined || s.email === query.email.toLowerCase()) &&
            (query.personId === undefined || s.personId === query.personId) &&
            (query.externalCustomerId === undefined || s.externalCustomerId === query.externalCustomerId) &&
            (query.status === undefined || s.status === query.status),
        );
        return res(200, { items: page(items).map(subscriberView) });
      }
      if (seg.length === 2 && method === 'POST') return createSubscriber(req, body as Record<string, unknown>, res);
      if (seg.length === 3) {
        const s = ownSubscriber(req, seg[2]!);
        if (method === 'GET') return res(200, subscriberView(s));
        if (method === 'PUT') {
          const b = body as Record<string, unknown>;
          if (b.package !== undefined && b.packages !== undefined) throw new HttpFailure(400, 'Either package or packages may be given, but not both');
          const packages = Array.isArray(b.packages) ? b.packages.map(String) : b.package !== undefined ? [String(b.package)] : s.packages;
          if (packages.length !== 1) throw new HttpFailure(400, 'packages currently accepts exactly one package');
          const params = isObject(b.provisioningParameters) ? b.provisioningParameters : {};
          const wasCalling = WEBEX_CALLING_SUBSCRIBER_PACKAGES.includes(s.packages[0]!);
          if (!wasCalling && WEBEX_CALLING_SUBSCRIBER_PACKAGES.includes(packages[0]!)) {
            if (!str(params.primaryPhoneNumber) && !str(params.extension)) {
              throw new HttpFailure(400, 'A primary phone number, extension, or both must be supplied when assigning a calling-enabled package');
            }
            const number = str(params.primaryPhoneNumber);
            if (number && numbersNotInInventory.has(number)) {
              throw new HttpFailure(400, `The phone number ${number} is not available in the location's inventory`);
            }
            if (number && assignedNumbers.has(number)) throw new HttpFailure(400, `The phone number ${number} is already assigned`);
            const locationId = str(params.locationId);
            const customer = customers.get(s.customerId);
            if (locationId && locations.get(locationId)?.orgId !== customer?.orgId) {
              throw new HttpFailure(400, `Location ${locationId} not found in the customer's organization`);
            }
            const extension = str(params.extension);
            const extensionAt = locationId ?? str(s.provisioningParameters.locationId);
            if (extension && extensionAt && assignedExtensions.has(`${extensionAt}|${extension}`)) {
              throw new HttpFailure(400, `The extension ${extension} is already assigned in this location`);
            }
            s.provisioningParameters = { ...s.provisioningParameters, ...params };
            if (number) assignedNumbers.add(number);
            if (extension && extensionAt) assignedExtensions.add(`${extensionAt}|${extension}`);
          }
          // Otherwise Cisco ignores provisioningParameters on PUT (the spec: only for meetings → calling).
          s.packages = packages;
          s.lastStatusChange = new Date().toISOString();
          return res(200, subscriberView(s));
        }
        if (method === 'DELETE') {
          forgetSubscriber(s);
          return res(204);
        }
      }
    }

    if (seg[0] === 'locations') {
      if (seg.length === 1 && method === 'GET') {
        orgOf(req, query.orgId);
        const items = [...locations.values()].filter(
          (l) =>
            l.tokenLabel === req.tokenLabel &&
            (query.orgId === undefined || l.orgId === query.orgId) &&
            (query.name === undefined || l.name === query.name) &&
            (query.id === undefined || l.id === query.id),
        );
        return res(200, { items: page(items).map(locationView) });
      }
      if (seg.length === 1 && method === 'POST') return createLocation(req, body as Record<string, unknown>, res);
      if (seg.length === 2) {
        const l = ownLocation(req, seg[1]!);
        if (method === 'GET') return res(200, locationView(l));
        if (method === 'PUT') {
          const b = body as Record<string, unknown>;
          const name = str(b.name);
          if (name && name !== l.name && [...locations.values()].some((x) => x.orgId === l.orgId && x.name === name)) {
            throw new HttpFailure(409, `A location named ${name} already exists in this organization`);
          }
          if (name) l.name = name;
          if (str(b.timeZone)) l.timeZone = b.timeZone as string;
          if (str(b.preferredLanguage)) l.preferredLanguage = b.preferredLanguage as string;
          if (isObject(b.address)) l.address = { ...l.address, ...b.address };
          return res(204);
        }
        if (method === 'DELETE') {
          if ([...subscribers.values()].some((s) => s.provisioningParameters.locationId === l.id)) {
            throw new HttpFailure(409, 'The location still has users');
          }
          locations.delete(l.id);
          return res(204);
        }
      }
    }
    throw new HttpFailure(404, `No such resource: ${method} ${p}`);
  };

  const accessToken = (req: StandInRequest, res: Answer): void => {
    const form = (req.body ?? {}) as Record<string, string>;
    const rt = refreshTokens.get(form.refresh_token ?? '');
    // A refresh is recorded under the partner whose refresh token it carries.
    if (rt) req.tokenLabel = rt.label;
    if (form.grant_type !== 'refresh_token') throw new HttpFailure(400, 'unsupported_grant_type');
    if (form.client_id !== clientId || form.client_secret !== clientSecret) throw new HttpFailure(401, 'invalid_client');
    if (!rt || rt.revoked) throw new HttpFailure(400, 'invalid_grant: the refresh token is invalid or expired');
    // Webex answers a new access token and keeps the refresh token valid (it may or may not rotate it).
    const at = `AT_${randomBytes(24).toString('base64url')}`;
    tokens.set(at, { label: rt.label, expiresAt: Date.now() + accessTokenTtlMs, expired: false });
    tokenRefreshes++;
    res(200, {
      access_token: at,
      expires_in: Math.floor(accessTokenTtlMs / 1000),
      refresh_token: form.refresh_token,
      refresh_token_expires_in: 7_776_000,
    });
  };

  // ---- HTTP ------------------------------------------------------------------------------------

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    // The headers are in: the client sent this request by now (its body may still be on its way).
    const arrivedAt = performance.now();
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const method = (incoming.method ?? 'GET').toUpperCase();
      const query: Record<string, string> = {};
      const multi: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) {
        query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
        (multi[k] ??= []).push(v);
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const p = url.pathname.startsWith('/v1/') ? url.pathname.slice(3) : url.pathname;
      const bearer = /^Bearer (.+)$/i.exec(incoming.headers.authorization ?? '')?.[1];
      const token = bearer ? tokens.get(bearer) : undefined;
      const record: StandInRequest = { method, path: p, query, body: undefined, tokenLabel: token?.label ?? null, at: receivedAt, status: 0 };
      requests.push(record);
      if (token) {
        const label = token.label;
        const now = (inFlight.get(label) ?? 0) + 1;
        inFlight.set(label, now);
        maxInFlight.set(label, Math.max(now, maxInFlight.get(label) ?? 0));
        response.once('close', () => inFlight.set(label, (inFlight.get(label) ?? 1) - 1));
      }

      const send: Answer = (status, body, headers = {}) => {
        record.status = status;
        const drop = drops.find((d) => d.left > 0 && matches(d, method, p) && status < 300);
        if (drop) {
          // The effect is committed; the answer is lost on the way (the client sees a reset connection).
          drop.left--;
          record.status = 0;
          notify(record);
          response.socket?.destroy();
          return;
        }
        notify(record);
        if (body !== undefined) responseViolations.push(...contract.checkResponse({ method, path: p, status, body }));
        const text = body === undefined ? '' : JSON.stringify(body);
        response.writeHead(status, { ...(text ? { 'Content-Type': 'application/json' } : {}), TrackingID: `ROUTER_${randomUUID()}`, ...headers });
        response.end(text);
      };
      const fail = (f: HttpFailure): void => {
        record.status = f.status;
        notify(record);
        const trackingId = `ROUTER_${randomUUID()}`;
        response.writeHead(f.status, { 'Content-Type': 'application/json', TrackingID: trackingId, ...f.headers });
        response.end(JSON.stringify({ message: f.message, errors: f.descriptions.map((description) => ({ description })), trackingId }));
      };

      const handle = (): void => {
        const cpuBefore = process.cpuUsage();
        try {
          if (!url.pathname.startsWith('/v1/')) throw new HttpFailure(404, `No such resource: ${url.pathname}`);
          if (token) {
            const told = retryAfterUntil.get(token.label);
            if (told !== undefined && arrivedAt + slackMs < told.until) {
              retryAfterViolations.push({ request: record, msEarly: Math.round(told.until - arrivedAt), sameConnection: told.socket === incoming.socket });
            }
          }
          const contentType = (incoming.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (p === '/access_token' && method === 'POST') {
            if (contentType !== 'application/x-www-form-urlencoded') throw new HttpFailure(415, 'The token endpoint takes application/x-www-form-urlencoded');
            record.body = Object.fromEntries(new URLSearchParams(raw));
          } else if (raw.length > 0) {
            if (contentType !== 'application/json') throw new HttpFailure(415, `Unsupported Media Type: ${contentType || 'none'} (application/json expected)`);
            try {
              record.body = JSON.parse(raw);
            } catch {
              throw new HttpFailure(400, 'The request body is not valid JSON');
            }
          }
          // Counted on arrival, whatever the answer: a create of something that exists is the client's mistake.
          countDuplicateCreate(method, p, record);
          if (options.rateLimit && token) {
            const now = performance.now();
            let w = windows.get(token.label);
            if (!w || now - w.start >= options.rateLimit.windowMs) windows.set(token.label, (w = { start: now, count: 0 }));
            w.count++;
            if (w.count > options.rateLimit.requests) {
              rateLimited++;
              const retryAfter = Math.max(1, Math.ceil((w.start + options.rateLimit.windowMs - now) / 1000));
              tellRetryAfter(token.label, now + retryAfter * 1000, incoming.socket);
              throw new HttpFailure(429, 'Too Many Requests', undefined, { 'Retry-After': String(retryAfter) });
            }
          }
          const fault = faults.find((f) => f.left > 0 && matches(f, method, p));
          if (fault) {
            fault.left--;
            const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
            if (retryAfter !== undefined && token && (fault.status === 429 || fault.status === 423)) {
              tellRetryAfter(token.label, performance.now() + retryAfter * 1000, incoming.socket);
            }
            throw new HttpFailure(
              fault.status,
              fault.status === 429 ? 'Too Many Requests' : fault.status === 423 ? 'Locked'
                : fault.status === 409 ? 'The request cannot be carried out in the object’s current state' : 'Try again later',
              undefined,
              retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
            );
          }
          if (p === '/access_token') {
            if (method !== 'POST') throw new HttpFailure(405, 'Method not allowed');
            return accessToken(record, send);
          }
          if (!bearer) throw new HttpFailure(401, 'The request requires a valid access token set in the Authorization request header.');
          if (!token || token.expired || token.expiresAt <= Date.now()) {
            throw new HttpFailure(401, 'The request requires a valid access token set in the Authorization request header.');
          }
          const violations = contract.check({ method, path: p, query: multi, body: record.body });
          if (violations.length > 0) {
            contractViolations.push(...violations);
            throw new HttpFailure(400, 'The request does not conform to the API contract', violations);
          }
          if ((method === 'POST' || method === 'PUT') && !isObject(record.body)) throw new HttpFailure(400, 'A JSON object body is required');
          route(record, send);
        } catch (e) {
          if (e instanceof HttpFailure) fail(e);
          else fail(new HttpFailure(500, `Internal error: ${(e as Error).message}`));
        } finally {
          const used = process.cpuUsage(cpuBefore);
          handlerCpuMicros += used.user + used.system;
        }
      };
      const reset = resets.find((d) => d.left > 0 && matches(d, method, p));
      if (reset) {
        reset.left--;
        response.socket?.destroy();
        return;
      }
      const delay = delays.find((d) => d.left > 0 && matches(d, method, p));
      if (delay) delay.left--;
      const wait = delayMs + (delay?.ms ?? 0);
      if (wait > 0) {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          handle();
        }, wait);
        pendingTimers.add(timer);
      } else handle();
    });
  });

  const countDuplicateCreate = (method: string, p: string, req: StandInRequest): void => {
    if (method !== 'POST' || !isObject(req.body)) return;
    const b = req.body;
    if (p === '/wholesale/customers' && str(b.externalId) && [...customers.values()].some((c) => c.externalId === b.externalId)) {
      duplicates.push(`customer externalId=${b.externalId as string}`);
    }
    if (p === '/locations' && req.query.orgId && str(b.name) && [...locations.values()].some((l) => l.orgId === req.query.orgId && l.name === b.name)) {
      duplicates.push(`location orgId=${req.query.orgId} name=${String(b.name)}`);
    }
    const email = str(b.email)?.toLowerCase();
    const existing = email ? subscribers.get(subscriberByEmail.get(email) ?? '') : undefined;
    if (p === '/wholesale/subscribers' && existing && existing.customerId === b.customerId) {
      duplicates.push(`subscriber customerId=${String(b.customerId)} email=${email}`);
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}/v1`;

  return {
    url: baseUrl,
    clientId,
    clientSecret,
    contractChecked: contract.contractChecked,
    issueToken: ({ label, expiresInMs }) => newToken(label, expiresInMs ?? 3_600_000),
    expireToken(at) {
      const t = tokens.get(at);
      if (t) t.expired = true;
    },
    revokeRefreshToken(rt) {
      const r = refreshTokens.get(rt);
      if (r) r.revoked = true;
    },
    registerProvisioningId: (id) => void provisioningIds.add(id),
    setCustomerOutcome: (externalId, outcome) => void outcomes.set(externalId, outcome),
    releaseCustomer(externalId) {
      for (const c of customers.values()) if (c.externalId === externalId && c.status === 'pending_rpl_review') provision(c, []);
      outcomes.set(externalId, { status: 'provisioned' });
    },
    markPendingUserMigration: (email) => void pendingMigration.add(email.toLowerCase()),
    completeUserMigration(email) {
      const e = email.toLowerCase();
      pendingMigration.delete(e);
      for (const s of subscribers.values()) {
        if (s.email === e && s.status === 'pending_user_migration') {
          s.status = 'provisioned';
          s.personId = ciscoId('PEOPLE');
          s.lastStatusChange = new Date().toISOString();
        }
      }
    },
    markNumberNotInInventory: (n) => void numbersNotInInventory.add(n),
    restoreNumberToInventory: (n) => void numbersNotInInventory.delete(n),
    inject: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    dropResponseAfterCommit: (drop = {}) => void drops.push({ ...drop, left: drop.times ?? 1 }),
    dropConnection: (drop = {}) => void resets.push({ ...drop, left: drop.times ?? 1 }),
    injectDelay: (delay) => void delays.push({ ...delay, left: delay.times ?? 1 }),
    setDelay(ms) {
      delayMs = ms;
    },
    clearFaults() {
      faults.length = 0;
      drops.length = 0;
      resets.length = 0;
      delays.length = 0;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    requests,
    contractViolations,
    responseViolations,
    duplicates,
    duplicateCreates: () => duplicates.length,
    requestsBeforeRetryAfter: () => retryAfterViolations.length,
    retryAfterViolations,
    maxConcurrentRequests: (label) => maxInFlight.get(label) ?? 0,
    get rateLimited() {
      return rateLimited;
    },
    crossPartnerAccesses,
    get tokenRefreshes() {
      return tokenRefreshes;
    },
    get handlerCpuMs() {
      return handlerCpuMicros / 1000;
    },
    customers,
    locations,
    subscribers,
    customerByExternalId: (externalId) => [...customers.values()].filter((c) => c.externalId === externalId).at(-1),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
