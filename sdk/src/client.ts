import { Kind, parse, print, type DocumentNode } from 'graphql';
import {
  getSdk,
  type CreateCustomerInput,
  type CreateCustomerMutation,
  type CreateTemplateInput,
  type CreateTemplateMutation,
  type CustomerFieldsFragment,
  type OutboxMessageFieldsFragment,
  type RequestSetupAssistInput,
  type RequestSetupAssistMutation,
  type SetupAssistRequestFieldsFragment,
  type AssignCustomerAdminRolesInput,
  type AssignCustomerAdminRolesMutation,
  type DeleteTemplateInput,
  type DeleteTemplateMutation,
  type UpdateTemplateInput,
  type UpdateTemplateMutation,
  type SetupCustomerInput,
  type SetupCustomerMutation,
  type UpdateUsersInput,
  type UpdateUsersMutation,
  type RemoveUsersInput,
  type RemoveUsersMutation,
  type TemplateFieldsFragment,
  type ConnectWebexInput,
  type ConnectWebexMutation,
  type RetryWebexSyncMutation,
  type WebexConnectionFieldsFragment,
  type WebexSyncFieldsFragment,
  type UpdateCustomerInput,
  type UpdateCustomerMutation,
  type DeleteCustomerMutation,
  type UpdateLocationInput,
  type UpdateLocationMutation,
  type RemoveLocationMutation,
  type ResendInvitationMutation,
  type LocationFieldsFragment,
} from './generated/graphql.js';
import { apiErrorCodeOf } from './error-codes.js';
import { paginate } from './paginate.js';
import {
  DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY_MS, DEFAULT_RETRY_BASE_DELAY_MS, failedBeforeSending, isIdempotent,
  parseRetryAfter, retryDelayMs, sleep, type RetryEvent, type RetryPolicy,
} from './retry.js';
import type {
  AuditEventListArgs, CustomerListArgs, CustomerUserListArgs, PageArgs, ProvisioningClient, ProvisioningPayloads,
} from './provisioning-client.js';

// Re-exported where it was declared before it had its own file, so `from './client.js'` keeps working.
export type { ProvisioningClient } from './provisioning-client.js';
import { GraphQLRequestError, NetworkError, ProvisioningError, type GraphQLErrorEntry, type UserError } from './errors.js';

/** A template as the SDK returns it, with the `provisioningId` to create customers from. */
export type Template = TemplateFieldsFragment;
/** A customer organization as the SDK returns it. */
export type Customer = CustomerFieldsFragment;
export type CreateTemplatePayload = CreateTemplateMutation['createTemplate'];
export type CreateCustomerPayload = CreateCustomerMutation['createCustomer'];
export type SetupCustomerPayload = SetupCustomerMutation['setupCustomer'];
export type UpdateTemplatePayload = UpdateTemplateMutation['updateTemplate'];
export type DeleteTemplatePayload = DeleteTemplateMutation['deleteTemplate'];
export type AssignCustomerAdminRolesPayload = AssignCustomerAdminRolesMutation['assignCustomerAdminRoles'];
export type UpdateUsersPayload = UpdateUsersMutation['updateUsers'];
export type RemoveUsersPayload = RemoveUsersMutation['removeUsers'];
export type RequestSetupAssistPayload = RequestSetupAssistMutation['requestSetupAssist'];
export type ConnectWebexPayload = ConnectWebexMutation['connectWebex'];
export type RetryWebexSyncPayload = RetryWebexSyncMutation['retryWebexSync'];
export type UpdateCustomerPayload = UpdateCustomerMutation['updateCustomer'];
export type DeleteCustomerPayload = DeleteCustomerMutation['deleteCustomer'];
export type UpdateLocationPayload = UpdateLocationMutation['updateLocation'];
export type RemoveLocationPayload = RemoveLocationMutation['removeLocation'];
export type ResendInvitationPayload = ResendInvitationMutation['resendInvitation'];
/** A location of a customer as the SDK returns it. */
export type CustomerLocation = LocationFieldsFragment;
/** A partner's connection to Webex (never with a token). */
export type WebexConnection = WebexConnectionFieldsFragment;
/** Where a customer, location or user stands in Webex (`status`, Cisco's ids, `errors` with `trackingId`). */
export type WebexSync = WebexSyncFieldsFragment;
/** A Wholesale Setup Assist request. */
export type SetupAssistRequest = SetupAssistRequestFieldsFragment;
/** An onboarding email of a customer with its delivery state (`PENDING`, `SENT`, `FAILED`). */
export type OutboxMessage = OutboxMessageFieldsFragment;
/** A user of a customer as the SDK returns it (with its Control Hub `roles`). */
export type CustomerUser = AssignCustomerAdminRolesPayload['users'][number];
/** What a successful `updateUsers` wrote: the customer and the users of the call as they are now, in input order. */
export type UpdateUsersResult = { customer: Customer; users: UpdateUsersPayload['users'] };
/** What a successful `setupCustomer` wrote: the customer and the locations and users of this call. */
export type SetupResult = Omit<SetupCustomerPayload, 'userErrors' | 'customer'> & { customer: Customer };

/**
 * What `createClient` takes: where the API is, whose token, and how patient to be (timeout, retries).
 *
 * @example
 * ```ts
 * const hub = createClient({
 *   url: 'http://localhost:4000/', token: process.env.HUB_TOKEN ?? '',
 *   timeoutMs: 30_000,          // per attempt
 *   maxRetries: 3,              // RATE_LIMITED, SERVICE_UNAVAILABLE, refused connections (default 2)
 *   retryBaseDelayMs: 250,      // backoff 125–250 ms, 250–500 ms, 500–1000 ms…, or the server's Retry-After
 *   onRetry: ({ operationName, attempt, delayMs, error }) => console.warn(operationName, attempt, error.message, delayMs),
 * });
 * ```
 */
export interface ClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/`. */
  url: string;
  /** An API token of a partner admin (sent as `Authorization: Bearer <token>`). */
  token: string;
  /** A fetch implementation; default the global `fetch` (Node 20+, browsers). */
  fetch?: typeof fetch;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /**
   * Give up on a request after this many milliseconds, counting until its answer is fully read
   * (default 120 000; a 10,000-user setup takes seconds): it then rejects with a `NetworkError`
   * whose `code` is `TIMEOUT`. Each attempt (see `maxRetries`) has its own timeout.
   */
  timeoutMs?: number;
  /**
   * How many times a failed request is sent again (default 2; 0 turns retries off). Retried, for any
   * operation: `RATE_LIMITED` and `SERVICE_UNAVAILABLE` (refused before anything was written) and a
   * connection that failed before the request was sent (`NetworkError` with `requestSent: false`).
   * Retried only when repeating it is harmless (a query, a `dryRun`, `createCustomer` with an
   * `externalId`): a connection that broke after sending, a `TIMEOUT`, a gateway's 502/503/504 page,
   * after which a mutation may or may not have been applied. Everything else rejects at once.
   */
  maxRetries?: number;
  /**
   * The backoff's first step in milliseconds (default 500): retry n waits about
   * `retryBaseDelayMs * 2^(n-1)`, jittered between half and all of it. When the server sends
   * `Retry-After` (seconds or an HTTP date), the client waits that long instead (never less).
   */
  retryBaseDelayMs?: number;
  /**
   * The longest wait before a retry in milliseconds (default 30 000): the backoff stops growing
   * there, and an error whose `Retry-After` asks for longer is not retried but rejected at once
   * (with `retryAfterSeconds`), for the caller to decide.
   */
  maxRetryDelayMs?: number;
  /** Called before each retry (for logging or metrics), with the failed attempt and the wait. */
  onRetry?: (event: RetryEvent) => void;
}

const printed = new WeakMap<DocumentNode, string>();

/** A template as `createTemplate` and `updateTemplate` resolve to it: the template, plus the payload's warnings. */
export type TemplateWithWarnings = Template & {
  /**
   * The payload's `warnings` (e.g. the PSTN advice for a template with a Cloud Connected PSTN
   * provider); empty when there are none. Not enumerable, so the object compares, spreads and
   * serialises exactly like the template `hub.template(id)` returns.
   */
  readonly warnings: string[];
};

/** Attaches `warnings` to the template without changing its enumerable shape (see TemplateWithWarnings). */
function withWarnings(template: Template, warnings: string[]): TemplateWithWarnings {
  return Object.defineProperty(template, 'warnings', { value: warnings, enumerable: false, writable: false, configurable: true }) as TemplateWithWarnings;
}

function printOnce(document: DocumentNode): string {
  let text = printed.get(document);
  if (!text) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

function operationName(document: DocumentNode): string | undefined {
  const op = document.definitions.find((d) => d.kind === 'OperationDefinition');
  return op && 'name' in op ? op.name?.value : undefined;
}

/**
 * Sends one GraphQL operation and returns its `data`, retrying what `maxRetries` allows, or rejects with a typed error:
 * `GraphQLRequestError` (with the server's code) or `NetworkError` (with its own code). The
 * timeout covers the whole exchange, the body included: a server that sends its headers and then
 * stalls is a `TIMEOUT`, not a hang.
 */
async function send<R, V>(options: ClientOptions, document: DocumentNode, variables?: V): Promise<R> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (!doFetch) throw new NetworkError('CONNECTION_FAILED', 'No fetch implementation: pass `fetch` to createClient.', { requestSent: false });
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
    maxDelayMs: options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
  };
  const idempotent = isIdempotent(document, variables);
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce<R, V>(options, doFetch, document, variables);
    } catch (error) {
      const delayMs = retryDelayMs(error, attempt, idempotent, policy);
      if (delayMs === null) throw error;
      options.onRetry?.({ operationName: operationName(document), attempt, delayMs, error: error as GraphQLRequestError | NetworkError });
      await sleep(delayMs);
    }
  }
}

/** One attempt of `send`: one request, its answer read within `timeoutMs`. */
async function sendOnce<R, V>(options: ClientOptions, doFetch: typeof fetch, document: DocumentNode, variables?: V): Promise<R> {
  const url = options.url;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const controller = new AbortController();
  // Rejects once the timer fires, even with a `fetch` that ignores the abort signal.
  const timedOut = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(new NetworkError('TIMEOUT', `${url} gave no complete answer within ${timeoutMs} ms.`)), { once: true });
  });
  timedOut.catch(() => undefined);
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    try {
      response = await Promise.race([doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${options.token}`,
          ...options.headers,
        },
        body: JSON.stringify({ query: printOnce(document), variables: variables ?? {}, operationName: operationName(document) }),
        signal: controller.signal,
      }), timedOut]);
    } catch (error) {
      if (controller.signal.aborted) throw new NetworkError('TIMEOUT', `${url} did not answer within ${timeoutMs} ms.`, { cause: error });
      throw new NetworkError('CONNECTION_FAILED', `Could not reach ${url}: ${messageOf(error)}`, { cause: error, requestSent: !failedBeforeSending(error) });
    }
    const status = response.status;
    let text: string;
    try {
      text = await Promise.race([response.text(), timedOut]);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new NetworkError('TIMEOUT', `${url} answered HTTP ${status} but sent no complete body within ${timeoutMs} ms.`, { status, cause: error });
      }
      throw new NetworkError('CONNECTION_FAILED', `The connection to ${url} broke while reading its HTTP ${status} answer: ${messageOf(error)}`, { status, cause: error });
    }
    const body = parseGraphQLBody<R>(text);
    if (!body) {
      const type = response.headers.get('content-type')?.split(';')[0] || 'no content type';
      throw new NetworkError('BAD_RESPONSE', `${url} answered HTTP ${status} (${type}) without a GraphQL JSON body.`, { status });
    }
    if (body.errors?.length) {
      throw new GraphQLRequestError(apiErrorCodeOf(body.errors[0]?.extensions?.code, status), status, body.errors,
        parseRetryAfter(response.headers.get('retry-after')));
    }
    if (!body.data) throw new NetworkError('BAD_RESPONSE', `${url} answered HTTP ${status} with neither data nor errors.`, { status });
    return body.data;
  } finally {
    clearTimeout(timer);
  }
}

/** The body as a GraphQL response (an object whose `errors`, if any, is a list), or null. */
function parseGraphQLBody<R>(text: string): { data?: R | null; errors?: GraphQLErrorEntry[] } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const errors = (body as { errors?: unknown }).errors;
  if (errors !== undefined && errors !== null && !Array.isArray(errors)) return null;
  return body as { data?: R | null; errors?: GraphQLErrorEntry[] };
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND…) in `cause`
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message;
}

/** An operation's text parsed (and cached), or a DocumentNode as given; anything else is a TypeError. */
const parsedTexts = new Map<string, DocumentNode>();
function toDocument(document: DocumentNode | string): DocumentNode {
  if (typeof document === 'string') {
    let parsed = parsedTexts.get(document);
    if (!parsed) {
      parsed = parse(document);
      if (parsedTexts.size >= 100) parsedTexts.clear();
      parsedTexts.set(document, parsed);
    }
    return parsed;
  }
  if (document && typeof document === 'object' && (document as { kind?: unknown }).kind === Kind.DOCUMENT) return document;
  throw new TypeError('request() takes a GraphQL operation: its text (a string) or a DocumentNode from graphql\'s parse().');
}

function unwrap<P extends { userErrors: UserError[] }>(operation: string, payload: P): P {
  if (payload.userErrors.length > 0) throw new ProvisioningError(operation, payload.userErrors);
  return payload;
}

/**
 * Creates a client for the provisioning API. Mutation methods resolve to what they created and
 * reject with a `ProvisioningError` carrying every `userErrors` entry; `payloads` gives the raw
 * payloads instead, for callers who treat user errors as data.
 *
 * @example
 * ```ts
 * import { createClient } from '@wholesale-provisioning/sdk';
 * const hub = createClient({ url: 'http://localhost:4000/', token: process.env.HUB_TOKEN! });
 * const { partner } = await hub.viewer();
 * const template = await hub.createTemplate({
 *   name: 'Benelux SMB', countryCode: 'NL', brandName: 'Acme Telecom',
 *   serviceProviderAdminId: partner.admins[0].id, subscriptionId: partner.subscriptions[0].id,
 * });
 * const customer = await hub.createCustomer({
 *   provisioningId: template.provisioningId, companyName: 'Bakkerij de Vries', adminEmail: 'it@devries.example',
 *   package: 'WEBEX_CALLING', supportedLocationConfirmed: true,
 *   headquarters: { name: 'Amsterdam', timeZone: 'Europe/Amsterdam',
 *     address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' } },
 * });
 * const setup = await hub.setupCustomer({ customerId: customer.id, users: [
 *   { firstName: 'Eva', lastName: 'de Vries', email: 'eva@devries.example', package: 'WEBEX_CALLING', phoneNumber: '+31 20 794 8000' },
 * ] });
 * ```
 */
export function createClient(options: ClientOptions): ProvisioningClient {
  // Refused at once: without these every call would fail later, far from the mistake (a request
  // sent with "Bearer undefined" answers UNAUTHENTICATED, a missing URL a confusing fetch error).
  if (typeof options?.url !== 'string' || options.url.trim() === '') {
    throw new TypeError('createClient needs `url`, the GraphQL endpoint, e.g. { url: "http://localhost:4000/", token }.');
  }
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new TypeError('createClient needs `token`, an API token of a partner admin (npm start prints one; `npm run cli -- create-token --admin-id <id>` makes one).');
  }
  for (const key of ['maxRetries', 'retryBaseDelayMs', 'maxRetryDelayMs', 'timeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (key === 'maxRetries' && !Number.isInteger(value)))) {
      throw new TypeError(`createClient's \`${key}\` must be a non-negative ${key === 'maxRetries' ? 'integer' : 'number of milliseconds'}.`);
    }
  }
  const sdk = getSdk(<R, V>(doc: DocumentNode, vars?: V) => send<R, V>(options, doc, vars));

  // Documented on ProvisioningPayloads and ProvisioningClient (provisioning-client.ts).
  const payloads: ProvisioningPayloads = {
    createTemplate: async (input: CreateTemplateInput) => (await sdk.CreateTemplate({ input })).createTemplate,
    createCustomer: async (input: CreateCustomerInput) => (await sdk.CreateCustomer({ input })).createCustomer,
    setupCustomer: async (input: SetupCustomerInput) => (await sdk.SetupCustomer({ input })).setupCustomer,
    updateTemplate: async (input: UpdateTemplateInput) => (await sdk.UpdateTemplate({ input })).updateTemplate,
    deleteTemplate: async (input: DeleteTemplateInput) => (await sdk.DeleteTemplate({ input })).deleteTemplate,
    assignCustomerAdminRoles: async (input: AssignCustomerAdminRolesInput) =>
      (await sdk.AssignCustomerAdminRoles({ input })).assignCustomerAdminRoles,
    updateUsers: async (input: UpdateUsersInput) => (await sdk.UpdateUsers({ input })).updateUsers,
    removeUsers: async (input: RemoveUsersInput) => (await sdk.RemoveUsers({ input })).removeUsers,
    requestSetupAssist: async (input: RequestSetupAssistInput) => (await sdk.RequestSetupAssist({ input })).requestSetupAssist,
    connectWebex: async (input: ConnectWebexInput) => (await sdk.ConnectWebex({ input })).connectWebex,
    retryWebexSync: async (input: { customerId: string }) => (await sdk.RetryWebexSync({ input })).retryWebexSync,
    updateCustomer: async (input: UpdateCustomerInput) => (await sdk.UpdateCustomer({ input })).updateCustomer,
    deleteCustomer: async (input: { id: string; dryRun?: boolean | null }) => (await sdk.DeleteCustomer({ input })).deleteCustomer,
    updateLocation: async (input: UpdateLocationInput) => (await sdk.UpdateLocation({ input })).updateLocation,
    removeLocation: async (input: { id: string; dryRun?: boolean | null }) => (await sdk.RemoveLocation({ input })).removeLocation,
    resendInvitation: async (input: { userId: string }) => (await sdk.ResendInvitation({ input })).resendInvitation,
  };

  return {
    payloads,

    async createTemplate(input: CreateTemplateInput): Promise<TemplateWithWarnings> {
      const { template, warnings } = unwrap('createTemplate', await payloads.createTemplate(input));
      return withWarnings(template!, warnings);
    },

    async createCustomer(input: CreateCustomerInput): Promise<Customer> {
      return unwrap('createCustomer', await payloads.createCustomer(input)).customer!;
    },

    async setupCustomer(input: SetupCustomerInput): Promise<SetupResult> {
      const { userErrors: _ignored, customer, ...rest } = unwrap('setupCustomer', await payloads.setupCustomer(input));
      return { ...rest, customer: customer! };
    },

    async updateTemplate(input: UpdateTemplateInput): Promise<TemplateWithWarnings> {
      const { template, warnings } = unwrap('updateTemplate', await payloads.updateTemplate(input));
      return withWarnings(template!, warnings);
    },

    async deleteTemplate(id: string): Promise<string> {
      return unwrap('deleteTemplate', await payloads.deleteTemplate({ id })).deletedTemplateId!;
    },

    async assignCustomerAdminRoles(input: AssignCustomerAdminRolesInput): Promise<CustomerUser[]> {
      return unwrap('assignCustomerAdminRoles', await payloads.assignCustomerAdminRoles(input)).users;
    },

    async updateUsers(input: UpdateUsersInput): Promise<UpdateUsersResult> {
      const { customer, users } = unwrap('updateUsers', await payloads.updateUsers(input));
      return { customer: customer!, users };
    },

    async removeUsers(input: RemoveUsersInput): Promise<string[]> {
      return unwrap('removeUsers', await payloads.removeUsers(input)).removedUserIds;
    },
    async requestSetupAssist(input: RequestSetupAssistInput): Promise<SetupAssistRequest> {
      return unwrap('requestSetupAssist', await payloads.requestSetupAssist(input)).request!;
    },

    async setupAssistRequests(customerId: string): Promise<SetupAssistRequest[] | null> {
      return (await sdk.SetupAssistRequests({ customerId })).customer?.setupAssistRequests ?? null;
    },

    async customerOutbox(customerId: string, args: PageArgs = {}) {
      return (await sdk.CustomerOutbox({ customerId, ...args })).customer?.outbox ?? null;
    },

    async connectWebex(input: ConnectWebexInput): Promise<WebexConnection> {
      return unwrap('connectWebex', await payloads.connectWebex(input)).connection!;
    },

    async webexConnection(): Promise<WebexConnection> {
      return (await sdk.WebexConnection()).viewer.partner.webexConnection;
    },

    async webexRemovals() {
      return (await sdk.WebexRemovals()).viewer.partner.webexRemovals;
    },

    async customerWebexSync(customerId: string, args: PageArgs = {}) {
      return (await sdk.CustomerWebexSync({ customerId, ...args })).customer ?? null;
    },

    async customerWebexUsers(customerId: string, args: CustomerUserListArgs = {}) {
      return (await sdk.CustomerWebexUsers({ customerId, ...args })).customer?.users ?? null;
    },

    async retryWebexSync(customerId: string): Promise<WebexSync> {
      return unwrap('retryWebexSync', await payloads.retryWebexSync({ customerId })).webex!;
    },

    async updateCustomer(input: UpdateCustomerInput): Promise<Customer> {
      return unwrap('updateCustomer', await payloads.updateCustomer(input)).customer!;
    },

    async deleteCustomer(id: string): Promise<string> {
      return unwrap('deleteCustomer', await payloads.deleteCustomer({ id })).deletedCustomerId!;
    },

    async updateLocation(input: UpdateLocationInput): Promise<CustomerLocation> {
      return unwrap('updateLocation', await payloads.updateLocation(input)).location!;
    },

    async removeLocation(id: string): Promise<string> {
      return unwrap('removeLocation', await payloads.removeLocation({ id })).removedLocationId!;
    },

    async resendInvitation(userId: string): Promise<OutboxMessage> {
      return unwrap('resendInvitation', await payloads.resendInvitation({ userId })).message!;
    },

    async viewer() {
      return (await sdk.Viewer()).viewer;
    },

    async packages() {
      return (await sdk.Packages()).packages;
    },

    async pstnProviders() {
      return (await sdk.PstnProviders()).pstnProviders;
    },

    async countries() {
      return (await sdk.Countries()).countries;
    },
    async languages() {
      return (await sdk.Languages()).languages;
    },

    async templates(args: PageArgs = {}) {
      return (await sdk.Templates(args)).templates;
    },

    async template(id: string) {
      return (await sdk.Template({ id })).template ?? null;
    },

    async templateByProvisioningId(provisioningId: string) {
      return (await sdk.TemplateByProvisioningId({ provisioningId })).templateByProvisioningId ?? null;
    },

    async customers(args: CustomerListArgs = {}) {
      return (await sdk.Customers(args)).customers;
    },

    async customer(id: string) {
      return (await sdk.Customer({ id })).customer ?? null;
    },

    async customerUsers(customerId: string, args: CustomerUserListArgs = {}) {
      return (await sdk.CustomerUsers({ customerId, ...args })).customer?.users ?? null;
    },

    async customerLocations(customerId: string, args: PageArgs = {}) {
      return (await sdk.CustomerLocations({ customerId, ...args })).customer?.locations ?? null;
    },

    async auditEvents(args: AuditEventListArgs = {}) {
      return (await sdk.AuditEvents(args)).auditEvents;
    },

    paginate,

    async request<R, V = Record<string, unknown>>(document: DocumentNode | string, variables?: V): Promise<R> {
      return send<R, V>(options, toDocument(document), variables);
    },
  };
}
