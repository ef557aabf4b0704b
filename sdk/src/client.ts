import { Kind, parse, print, type DocumentNode } from 'graphql';
import {
  getSdk,
  type CreateCustomerInput,
  type CreateCustomerMutation,
  type CreateTemplateInput,
  type CreateTemplateMutation,
  type CustomerFieldsFragment,
  type CustomerFilter,
  type CustomerUserFilter,
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
} from './generated/graphql.js';
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
   * whose `code` is `TIMEOUT`.
   */
  timeoutMs?: number;
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
 * Sends one GraphQL operation and returns its `data`, or rejects with a typed error:
 * `GraphQLRequestError` (with the server's code) or `NetworkError` (with its own code). The
 * timeout covers the whole exchange, the body included: a server that sends its headers and then
 * stalls is a `TIMEOUT`, not a hang.
 */
async function send<R, V>(options: ClientOptions, document: DocumentNode, variables?: V): Promise<R> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (!doFetch) throw new NetworkError('CONNECTION_FAILED', 'No fetch implementation: pass `fetch` to createClient.');
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
      throw new NetworkError('CONNECTION_FAILED', `Could not reach ${url}: ${messageOf(error)}`, { cause: error });
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
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new GraphQLRequestError(String(body.errors[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), status, body.errors,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
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
export function createClient(options: ClientOptions) {
  // Refused at once: without these every call would fail later, far from the mistake (a request
  // sent with "Bearer undefined" answers UNAUTHENTICATED, a missing URL a confusing fetch error).
  if (typeof options?.url !== 'string' || options.url.trim() === '') {
    throw new TypeError('createClient needs `url`, the GraphQL endpoint, e.g. { url: "http://localhost:4000/", token }.');
  }
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new TypeError('createClient needs `token`, an API token of a partner admin (npm start prints one; `npm run cli -- create-token --admin-id <id>` makes one).');
  }
  const sdk = getSdk(<R, V>(doc: DocumentNode, vars?: V) => send<R, V>(options, doc, vars));

  /**
   * The mutations as data: each resolves to the raw payload (the written object or null,
   * `userErrors`, `warnings` where the mutation has them) and never rejects with
   * `ProvisioningError`, for callers who show user errors next to form fields. Thrown GraphQL and
   * transport errors still reject (`GraphQLRequestError`, `NetworkError`).
   */
  const payloads = {
    /**
     * `createTemplate` as data: `{ template, userErrors, warnings }`.
     * @example
     * ```ts
     * const { template, userErrors, warnings } = await hub.payloads.createTemplate({ name: 'Benelux SMB',
     *   countryCode: 'NL', brandName: 'Acme', serviceProviderAdminId: adminId, subscriptionId, dryRun: true });
     * for (const e of userErrors) console.log(e.field.join('.'), e.code, e.message);
     * ```
     */
    createTemplate: async (input: CreateTemplateInput) => (await sdk.CreateTemplate({ input })).createTemplate,
    /**
     * `createCustomer` as data: `{ customer, userErrors }`.
     * @example
     * ```ts
     * const { customer, userErrors } = await hub.payloads.createCustomer({ provisioningId, companyName: 'Bakkerij de Vries',
     *   adminEmail: 'it@devries.example', package: 'WEBEX_CALLING', supportedLocationConfirmed: true, headquarters });
     * if (!customer) console.log(userErrors.map((e) => `${e.field.join('.')}: ${e.code}`));
     * ```
     */
    createCustomer: async (input: CreateCustomerInput) => (await sdk.CreateCustomer({ input })).createCustomer,
    /**
     * `setupCustomer` as data: `{ customer, locations, users, userErrors }`.
     * @example
     * ```ts
     * const { users, userErrors } = await hub.payloads.setupCustomer({ customerId: customer.id, dryRun: true, users: [
     *   { firstName: 'Eva', lastName: 'de Vries', email: 'eva@devries.example', package: 'WEBEX_CALLING', extension: '2001' },
     * ] });
     * const badRows = new Set(userErrors.map((e) => e.field[2]));
     * ```
     */
    setupCustomer: async (input: SetupCustomerInput) => (await sdk.SetupCustomer({ input })).setupCustomer,
    /**
     * `updateTemplate` as data: `{ template, userErrors, warnings }`.
     * @example
     * ```ts
     * const { template: preview, userErrors } = await hub.payloads.updateTemplate({ id: template.id, name: 'Benelux SMB 2025', dryRun: true });
     * ```
     */
    updateTemplate: async (input: UpdateTemplateInput) => (await sdk.UpdateTemplate({ input })).updateTemplate,
    /**
     * `deleteTemplate` as data: `{ deletedTemplateId, userErrors }` (`IN_USE` while customers use it).
     * @example
     * ```ts
     * const { deletedTemplateId, userErrors } = await hub.payloads.deleteTemplate({ id: template.id });
     * if (userErrors.some((e) => e.code === 'IN_USE')) console.log('Customers were created from this template.');
     * ```
     */
    deleteTemplate: async (input: DeleteTemplateInput) => (await sdk.DeleteTemplate({ input })).deleteTemplate,
    /**
     * `assignCustomerAdminRoles` as data: `{ users, userErrors }`.
     * @example
     * ```ts
     * const { users, userErrors } = await hub.payloads.assignCustomerAdminRoles({ customerId: customer.id,
     *   assignments: [{ userId, roles: ['USER_ADMIN'] }] });
     * ```
     */
    assignCustomerAdminRoles: async (input: AssignCustomerAdminRolesInput) =>
      (await sdk.AssignCustomerAdminRoles({ input })).assignCustomerAdminRoles,
    /**
     * `updateUsers` as data: `{ customer, users, userErrors }` (errors on `["input", "users", "<row>", "<field>"]`).
     * @example
     * ```ts
     * const { userErrors } = await hub.payloads.updateUsers({ customerId: customer.id, dryRun: true, users: [
     *   { id: eva.id, phoneNumber: '+31 20 794 8001' },
     * ] });
     * const badRows = new Set(userErrors.map((e) => e.field[2]));
     * ```
     */
    updateUsers: async (input: UpdateUsersInput) => (await sdk.UpdateUsers({ input })).updateUsers,
    /**
     * `removeUsers` as data: `{ removedUserIds, userErrors }` (errors on `["input", "userIds", "<i>"]`).
     * @example
     * ```ts
     * const { removedUserIds, userErrors } = await hub.payloads.removeUsers({ customerId: customer.id, userIds: [eva.id], dryRun: true });
     * ```
     */
    removeUsers: async (input: RemoveUsersInput) => (await sdk.RemoveUsers({ input })).removeUsers,
    /**
     * `requestSetupAssist` as data: `{ request, userErrors }`.
     * @example
     * ```ts
     * const { request, userErrors } = await hub.payloads.requestSetupAssist({ customerId: customer.id,
     *   locationId: customer.headquarters.id, contactName: 'Eva de Vries', contactEmail: 'eva@devries.example' });
     * ```
     */
    requestSetupAssist: async (input: RequestSetupAssistInput) => (await sdk.RequestSetupAssist({ input })).requestSetupAssist,
    /**
     * `connectWebex` as data: `{ connection, userErrors }` (`INVALID` on `accessToken` when Webex refuses it).
     * @example
     * ```ts
     * const { connection, userErrors } = await hub.payloads.connectWebex({ accessToken, refreshToken });
     * ```
     */
    connectWebex: async (input: ConnectWebexInput) => (await sdk.ConnectWebex({ input })).connectWebex,
    /**
     * `retryWebexSync` as data: `{ customer, userErrors }` (`NOT_ALLOWED` while the partner is not connected
     * or the template has no `webexProvisioningId`).
     * @example
     * ```ts
     * const { customer, userErrors } = await hub.payloads.retryWebexSync({ customerId });
     * ```
     */
    retryWebexSync: async (input: { customerId: string }) => (await sdk.RetryWebexSync({ input })).retryWebexSync,
  };

  return {
    payloads,

    /**
     * Step 1: creates an onboarding template and resolves to it (with its `provisioningId`).
     * The payload's `warnings` (e.g. the PSTN advice) are on the result as `template.warnings`, a
     * non-enumerable property (see TemplateWithWarnings): the template otherwise is exactly the
     * object `hub.template(id)` returns.
     * @example
     * ```ts
     * const template = await hub.createTemplate({ name: 'Benelux SMB', countryCode: 'NL', brandName: 'Acme',
     *   serviceProviderAdminId: adminId, subscriptionId });
     * console.log(template.provisioningId);
     * for (const warning of template.warnings) console.warn(warning);
     * ```
     */
    async createTemplate(input: CreateTemplateInput): Promise<TemplateWithWarnings> {
      const { template, warnings } = unwrap('createTemplate', await payloads.createTemplate(input));
      return withWarnings(template!, warnings);
    },

    /**
     * Step 2: creates a customer organization from a template (`templateId` or `provisioningId`).
     * @example
     * ```ts
     * const customer = await hub.createCustomer({ provisioningId, companyName: 'Bakkerij de Vries',
     *   adminEmail: 'it@devries.example', package: 'WEBEX_CALLING', supportedLocationConfirmed: true, headquarters });
     * ```
     */
    async createCustomer(input: CreateCustomerInput): Promise<Customer> {
      return unwrap('createCustomer', await payloads.createCustomer(input)).customer!;
    },

    /**
     * Step 3: adds locations and users (all or nothing) and resolves to what was written.
     * @example
     * ```ts
     * const { users } = await hub.setupCustomer({ customerId: customer.id, users: [
     *   { firstName: 'Eva', lastName: 'de Vries', email: 'eva@devries.example', package: 'WEBEX_CALLING', extension: '2001' },
     * ] });
     * ```
     */
    async setupCustomer(input: SetupCustomerInput): Promise<SetupResult> {
      const { userErrors: _ignored, customer, ...rest } = unwrap('setupCustomer', await payloads.setupCustomer(input));
      return { ...rest, customer: customer! };
    },

    /**
     * Edits a template: only the fields given change (the provisioning ID never does). Customers
     * created earlier keep their settings. `dryRun: true` validates without writing.
     * @example
     * ```ts
     * const updated = await hub.updateTemplate({ id: template.id, brandName: 'Acme Business' });
     * console.log(updated.brandName, updated.provisioningId === template.provisioningId); // Acme Business true
     * ```
     */
    async updateTemplate(input: UpdateTemplateInput): Promise<TemplateWithWarnings> {
      const { template, warnings } = unwrap('updateTemplate', await payloads.updateTemplate(input));
      return withWarnings(template!, warnings);
    },

    /**
     * Deletes a template no customer uses; rejects with `ProvisioningError` (`IN_USE`) otherwise.
     * @example
     * ```ts
     * const deletedId = await hub.deleteTemplate(template.id);
     * ```
     */
    async deleteTemplate(id: string): Promise<string> {
      return unwrap('deleteTemplate', await payloads.deleteTemplate({ id })).deletedTemplateId!;
    },

    /**
     * Sets Control Hub roles of a customer's users (each assignment replaces that user's roles)
     * and resolves to the users. Role holders must hold the organization's package; the full
     * administrator keeps `FULL_ADMIN`.
     * @example
     * ```ts
     * const { users: [eva] } = await hub.setupCustomer({ customerId: customer.id, users: [
     *   { firstName: 'Eva', lastName: 'de Vries', email: 'eva@devries.example', package: customer.package, extension: '2001' },
     * ] });
     * const [admin] = await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [
     *   { userId: eva.id, roles: ['USER_ADMIN', 'SUPPORT_ADMIN'] },
     * ] });
     * console.log(admin.roles); // ['USER_ADMIN', 'SUPPORT_ADMIN']
     * ```
     */
    async assignCustomerAdminRoles(input: AssignCustomerAdminRolesInput): Promise<CustomerUser[]> {
      return unwrap('assignCustomerAdminRoles', await payloads.assignCustomerAdminRoles(input)).users;
    },

    /**
     * Changes up to 10,000 users of a customer in one call, all or nothing, and resolves to the
     * customer and the users as they are now (in input order). A field left out keeps its value;
     * `phoneNumber: null` or `extension: null` clears it. Uniqueness is judged on the state after
     * the call, so two users may swap numbers. Rejects with `ProvisioningError` carrying every
     * user error (on `["input", "users", "<row>", "<field>"]`). `dryRun: true` validates without writing.
     * @example
     * ```ts
     * // Eva and Piet swap numbers; Jan moves to Rotterdam and loses his extension.
     * const { users } = await hub.updateUsers({ customerId: customer.id, users: [
     *   { id: eva.id, phoneNumber: piet.phoneNumber },
     *   { id: piet.id, phoneNumber: eva.phoneNumber },
     *   { id: jan.id, locationName: 'Rotterdam', extension: null },
     * ] });
     * ```
     */
    async updateUsers(input: UpdateUsersInput): Promise<UpdateUsersResult> {
      const { customer, users } = unwrap('updateUsers', await payloads.updateUsers(input));
      return { customer: customer!, users };
    },

    /**
     * Removes up to 10,000 users of a customer in one call, all or nothing (never the full
     * administrator), and resolves to the removed ids in input order. Rejects with
     * `ProvisioningError` (`NOT_FOUND`, `NOT_ALLOWED` on `["input", "userIds", "<i>"]`).
     * @example
     * ```ts
     * const removed = await hub.removeUsers({ customerId: customer.id, userIds: [eva.id, piet.id] });
     * console.log(removed.length); // 2
     * ```
     */
    async removeUsers(input: RemoveUsersInput): Promise<string[]> {
      return unwrap('removeUsers', await payloads.removeUsers(input)).removedUserIds;
    },

    /**
     * Asks for Wholesale Setup Assist for one location of a customer and resolves to the request
     * (status `REQUESTED`).
     * @example
     * ```ts
     * const request = await hub.requestSetupAssist({ customerId: customer.id, locationId: customer.headquarters.id,
     *   contactName: 'Eva de Vries', contactEmail: 'eva@devries.example', contactPhone: '+31 20 794 8000' });
     * ```
     */
    async requestSetupAssist(input: RequestSetupAssistInput): Promise<SetupAssistRequest> {
      return unwrap('requestSetupAssist', await payloads.requestSetupAssist(input)).request!;
    },

    /** A customer's Setup Assist requests, newest first (null when the customer is not yours). @example `const requests = await hub.setupAssistRequests(customer.id);` */
    async setupAssistRequests(customerId: string): Promise<SetupAssistRequest[] | null> {
      return (await sdk.SetupAssistRequests({ customerId })).customer?.setupAssistRequests ?? null;
    },

    /**
     * A page of a customer's onboarding emails (admin invitation, welcome emails), newest first;
     * null when the customer is not yours.
     * @example
     * ```ts
     * const outbox = await hub.customerOutbox(customer.id, { first: 100 });
     * for (const { node } of outbox!.edges) console.log(node.kind, node.to, node.status);
     * ```
     */
    async customerOutbox(customerId: string, args: { first?: number; after?: string } = {}) {
      return (await sdk.CustomerOutbox({ customerId, ...args })).customer?.outbox ?? null;
    },

    /**
     * Connects your partner to Cisco's Webex APIs (full admins): the token is checked with one call to
     * Webex, stored encrypted and never shown again. Customers created afterwards from a template with
     * a `webexProvisioningId` are provisioned in Webex in the background. Rejects with a
     * `ProvisioningError` on userErrors.
     * @example
     * ```ts
     * const connection = await hub.connectWebex({ accessToken, refreshToken });
     * console.log(connection.connected, connection.connectedAt);
     * ```
     */
    async connectWebex(input: ConnectWebexInput): Promise<WebexConnection> {
      return unwrap('connectWebex', await payloads.connectWebex(input)).connection!;
    },

    /** Your partner's Webex connection (`connected`, `connectedAt`, `lastError`). @example `const { connected, lastError } = await hub.webexConnection();` */
    async webexConnection(): Promise<WebexConnection> {
      return (await sdk.WebexConnection()).viewer.partner.webexConnection;
    },

    /**
     * Where a customer, its locations and a page of its users stand in Webex (null when the customer is
     * not yours). `status` goes QUEUED → IN_PROGRESS → PROVISIONED; FAILED and ON_HOLD carry Cisco's
     * words in `errors` / `webexStatus`.
     * @example
     * ```ts
     * const sync = await hub.customerWebexSync(customer.id, { first: 100 });
     * console.log(sync!.webex.status, sync!.users.edges.filter((e) => e.node.webex.status === 'FAILED').length);
     * ```
     */
    async customerWebexSync(customerId: string, args: { first?: number; after?: string } = {}) {
      return (await sdk.CustomerWebexSync({ customerId, ...args })).customer ?? null;
    },

    /**
     * Re-drives a customer's FAILED objects in Webex (or queues a NOT_SYNCED customer once the partner is
     * connected and its template has a `webexProvisioningId`); resolves to the customer's sync state.
     * @example
     * ```ts
     * const webex = await hub.retryWebexSync(customer.id);
     * ```
     */
    async retryWebexSync(customerId: string): Promise<WebexSync> {
      return unwrap('retryWebexSync', await payloads.retryWebexSync({ customerId })).customer!.webex;
    },

    /** The signed-in admin and their partner (admins, subscriptions). @example `const { partner } = await hub.viewer();` */
    async viewer() {
      return (await sdk.Viewer()).viewer;
    },

    /** The packages table, for dropdowns. @example `const packages = await hub.packages();` */
    async packages() {
      return (await sdk.Packages()).packages;
    },

    /** The Cloud Connected PSTN provider catalog. @example `const providers = await hub.pstnProviders();` */
    async pstnProviders() {
      return (await sdk.PstnProviders()).pstnProviders;
    },

    /** Every country the API accepts, with its default data region. @example `const countries = await hub.countries();` */
    async countries() {
      return (await sdk.Countries()).countries;
    },

    /** A page of templates, newest first. @example `const { edges, pageInfo } = await hub.templates({ first: 50 });` */
    async templates(args: { first?: number; after?: string } = {}) {
      return (await sdk.Templates(args)).templates;
    },

    /** A template by id, or null. @example `const template = await hub.template(id);` */
    async template(id: string) {
      return (await sdk.Template({ id })).template ?? null;
    },

    /** A template by provisioning ID, or null. @example `const template = await hub.templateByProvisioningId(pid);` */
    async templateByProvisioningId(provisioningId: string) {
      return (await sdk.TemplateByProvisioningId({ provisioningId })).templateByProvisioningId ?? null;
    },

    /** A page of customers, newest first. @example `const page = await hub.customers({ filter: { search: 'bakkerij' } });` */
    async customers(args: { first?: number; after?: string; filter?: CustomerFilter } = {}) {
      return (await sdk.Customers(args)).customers;
    },

    /** A customer by id, or null. @example `const customer = await hub.customer(id);` */
    async customer(id: string) {
      return (await sdk.Customer({ id })).customer ?? null;
    },

    /** A page of a customer's users (null when the customer is not yours). @example `const page = await hub.customerUsers(id, { first: 100 });` */
    async customerUsers(customerId: string, args: { first?: number; after?: string; filter?: CustomerUserFilter } = {}) {
      return (await sdk.CustomerUsers({ customerId, ...args })).customer?.users ?? null;
    },

    /** A page of a customer's locations (null when the customer is not yours). @example `const page = await hub.customerLocations(id);` */
    async customerLocations(customerId: string, args: { first?: number; after?: string } = {}) {
      return (await sdk.CustomerLocations({ customerId, ...args })).customer?.locations ?? null;
    },

    /**
     * A page of your partner's audit trail, newest first: one event per successful mutation, with
     * who (`admin`), what (`operation`, `targetIds`) and when (`at`). Dry runs and failed calls leave none.
     * @example
     * ```ts
     * const page = await hub.auditEvents({ first: 50 });
     * for (const { node } of page.edges) console.log(node.at, node.admin.email, node.operation, node.targetIds);
     * const next = page.pageInfo.hasNextPage ? await hub.auditEvents({ first: 50, after: page.pageInfo.endCursor! }) : null;
     * ```
     */
    async auditEvents(args: { first?: number; after?: string } = {}) {
      return (await sdk.AuditEvents(args)).auditEvents;
    },

    /**
     * Runs any operation (e.g. one with fewer fields) with the client's URL and token: a document
     * parsed with graphql's `parse`, or the operation's text, which is parsed here (a syntax error
     * rejects with graphql's `GraphQLError` before anything is sent). Anything else is a `TypeError`.
     * @example
     * ```ts
     * const data = await hub.request<{ customers: { totalCount: number } }>('{ customers { totalCount } }');
     * ```
     */
    async request<R, V = Record<string, unknown>>(document: DocumentNode | string, variables?: V): Promise<R> {
      return send<R, V>(options, toDocument(document), variables);
    },
  };
}

/** The client `createClient` returns. */
export type ProvisioningClient = ReturnType<typeof createClient>;
