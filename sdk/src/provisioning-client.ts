import type { DocumentNode } from 'graphql';
import type {
  AssignCustomerAdminRolesPayload, ConnectWebexPayload, CreateCustomerPayload, CreateTemplatePayload, Customer,
  CustomerUser, DeleteTemplatePayload, RequestSetupAssistPayload, RetryWebexSyncPayload, SetupAssistRequest,
  SetupCustomerPayload, SetupResult, Template, TemplateWithWarnings, UpdateTemplatePayload, WebexConnection, WebexSync,
  UpdateCustomerPayload, DeleteCustomerPayload, UpdateLocationPayload, RemoveLocationPayload, ResendInvitationPayload, CustomerLocation, OutboxMessage,
  UpdateUsersPayload, RemoveUsersPayload, UpdateUsersResult,
} from './client.js';
import type {
  AssignCustomerAdminRolesInput, AuditEventsQuery, ConnectWebexInput, CountriesQuery, CreateCustomerInput, CreateTemplateInput,
  CustomerFilter, CustomerLocationsQuery, CustomerOutboxQuery, CustomerUserFilter, CustomerUsersQuery, CustomersQuery,
  CustomerWebexSyncQuery, CustomerWebexUsersQuery, WebexRemovalsQuery, DeleteTemplateInput, LanguagesQuery, LocationFieldsFragment, PackagesQuery, PageInfoFieldsFragment, PstnProvidersQuery,
  RequestSetupAssistInput, RetryWebexSyncInput, SetupCustomerInput, TemplatesQuery, UpdateTemplateInput, ViewerQuery,
  UpdateCustomerInput, UpdateLocationInput, UpdateUsersInput, RemoveUsersInput,
} from './generated/graphql.js';
import type { ListMethod, PageIterator } from './paginate.js';

/*
 * The SDK's contract, declared: every method of the client with its arguments and a named result
 * type, so a caller can import what `hub.viewer()` resolves to (`Viewer`) instead of writing
 * `Awaited<ReturnType<…>>`. createClient implements this interface: a method added there without
 * an entry here fails to compile (an object literal may not have properties its declared type lacks).
 */

/**
 * The page arguments every list takes: `first` (1–100, default 20) items after the cursor `after`
 * (a `pageInfo.endCursor` of the previous page). To walk a whole list, use `hub.paginate`.
 *
 * @example
 * ```ts
 * const args: PageArgs = { first: 50 };
 * const page = await hub.templates(args);
 * const next = page.pageInfo.hasNextPage ? await hub.templates({ ...args, after: page.pageInfo.endCursor! }) : null;
 * ```
 */
export interface PageArgs {
  /** How many items (1–100; the server's default is 20). */
  first?: number;
  /** The cursor to continue after: the previous page's `pageInfo.endCursor`. */
  after?: string;
}

/** `customers`' arguments: a page, and optionally a filter (search, status, externalId). */
export interface CustomerListArgs extends PageArgs {
  filter?: CustomerFilter;
}

/** `auditEvents`' arguments: a page, and how many of each event's `targetIds` to read. */
export interface AuditEventListArgs extends PageArgs {
  /** How many of each event's ids `targetIds` holds (1–10,000, default 100); `targetCount` says how many there are. */
  targetIdsFirst?: number;
}

/** `customerUsers`' arguments: a page, and optionally a filter (search, package, location). */
export interface CustomerUserListArgs extends PageArgs {
  filter?: CustomerUserFilter;
}

/** Where a page ends: `hasNextPage`, and `endCursor` to pass as `after` for the next one. */
export type PageInfo = PageInfoFieldsFragment;

/**
 * A page of any list (a GraphQL connection): its `edges` (`cursor`, `node`), `pageInfo` and the
 * list's `totalCount`. Every `…Connection` type below is one of these.
 */
export interface Connection<N> {
  edges: ReadonlyArray<{ cursor: string; node: N }>;
  pageInfo: PageInfo;
  totalCount: number;
}

/** The signed-in admin (`id`, `email`, `displayName`, `role`) and their partner with its admins and subscriptions. */
export type Viewer = ViewerQuery['viewer'];
/** One row of the packages table (`package`, `customerLevel`, `userAssignable`, `calling`, `meetings`, `includes`). */
export type PackageInfo = PackagesQuery['packages'][number];
/** A language the API accepts (`code`, English `name`, `replacedBy` for a former code): `code` or `code_CC` with CC a country's code. */
export type Language = LanguagesQuery['languages'][number];
/** A Cloud Connected PSTN provider of the catalog, with the countries it serves. */
export type PstnProvider = PstnProvidersQuery['pstnProviders'][number];
/** A country the API accepts, with its default data region. */
export type Country = CountriesQuery['countries'][number];
/** A location of a customer (the headquarters included). */
export type Location = LocationFieldsFragment;
/** A page of templates, newest first. */
export type TemplateConnection = TemplatesQuery['templates'];
/** A page of customers, newest first. */
export type CustomerConnection = CustomersQuery['customers'];
/** A page of a customer's users. */
export type CustomerUserConnection = NonNullable<CustomerUsersQuery['customer']>['users'];
/** A page of a customer's locations. */
export type LocationConnection = NonNullable<CustomerLocationsQuery['customer']>['locations'];
/** A page of a customer's onboarding emails, newest first. */
export type OutboxConnection = NonNullable<CustomerOutboxQuery['customer']>['outbox'];
/** A page of the partner's audit trail, newest first. */
export type AuditEventConnection = AuditEventsQuery['auditEvents'];
/** One audited change: who (`admin`), what (`operation`, `targetIds`) and when (`at`). */
export type AuditEvent = AuditEventConnection['edges'][number]['node'];
/** Where a customer, its locations and a page of its users stand in Webex. */
export type CustomerWebexState = NonNullable<CustomerWebexSyncQuery['customer']>;
/** A page of a customer's users with where each stands in Webex (`id`, `email`, `package`, `webex`). */
export type WebexUserConnection = NonNullable<CustomerWebexUsersQuery['customer']>['users'];
/** A deleted customer whose removal at Webex is not done yet (`customerId`, and `webex` with Cisco's words when it failed). */
export type WebexRemoval = WebexRemovalsQuery['viewer']['partner']['webexRemovals'][number];

/**
 * The mutations as data: each resolves to the raw payload (the written object or null,
 * `userErrors`, `warnings` where the mutation has them) and never rejects with
 * `ProvisioningError`, for callers who show user errors next to form fields. Thrown GraphQL and
 * transport errors still reject (`GraphQLRequestError`, `NetworkError`). Each method is documented, with
 * its rules and an example, on the {@link ProvisioningClient} method of the same name.
 * @example
 * ```ts
 * const { customer: created, userErrors } = await hub.payloads.createCustomer({ provisioningId, companyName: 'Bakkerij de Vries',
 *   adminEmail: 'it@devries.example', package: 'WEBEX_CALLING', supportedLocationConfirmed: true, headquarters });
 * for (const e of userErrors) console.log(e.field.join('.'), e.code, e.message);
 * ```
 */
export interface ProvisioningPayloads {
  /**
   * `createTemplate` as data: `{ template, userErrors, warnings }`.
   * @see {@link ProvisioningClient.createTemplate}: what it does, its rules and an example.
   */
  createTemplate(input: CreateTemplateInput): Promise<CreateTemplatePayload>;

  /**
   * `createCustomer` as data: `{ customer, userErrors }`.
   * @see {@link ProvisioningClient.createCustomer}: what it does, its rules and an example.
   */
  createCustomer(input: CreateCustomerInput): Promise<CreateCustomerPayload>;

  /**
   * `setupCustomer` as data: `{ customer, locations, users, userErrors }`.
   * @see {@link ProvisioningClient.setupCustomer}: what it does, its rules and an example.
   */
  setupCustomer(input: SetupCustomerInput): Promise<SetupCustomerPayload>;

  /**
   * `updateTemplate` as data: `{ template, userErrors, warnings }`.
   * @see {@link ProvisioningClient.updateTemplate}: what it does, its rules and an example.
   */
  updateTemplate(input: UpdateTemplateInput): Promise<UpdateTemplatePayload>;

  /**
   * `deleteTemplate` as data: `{ deletedTemplateId, userErrors }` (`IN_USE` while customers use it).
   * @see {@link ProvisioningClient.deleteTemplate}: what it does, its rules and an example.
   */
  deleteTemplate(input: DeleteTemplateInput): Promise<DeleteTemplatePayload>;

  /**
   * `assignCustomerAdminRoles` as data: `{ users, userErrors }`.
   * @see {@link ProvisioningClient.assignCustomerAdminRoles}: what it does, its rules and an example.
   */
  assignCustomerAdminRoles(input: AssignCustomerAdminRolesInput): Promise<AssignCustomerAdminRolesPayload>;

  /**
   * `requestSetupAssist` as data: `{ request, userErrors }`.
   * @see {@link ProvisioningClient.requestSetupAssist}: what it does, its rules and an example.
   */
  requestSetupAssist(input: RequestSetupAssistInput): Promise<RequestSetupAssistPayload>;

  /**
   * `connectWebex` as data: `{ connection, userErrors }` (`INVALID` on `accessToken` when Webex refuses it).
   * @see {@link ProvisioningClient.connectWebex}: what it does, its rules and an example.
   */
  connectWebex(input: ConnectWebexInput): Promise<ConnectWebexPayload>;

  /**
   * `retryWebexSync` as data: `{ customer, deletedCustomerId, webex, userErrors }` (`NOT_ALLOWED` while the partner
   * is not connected or the template has no `webexProvisioningId`). For a deleted customer whose removal at Webex
   * was refused, `customer` is null and `deletedCustomerId` names the removal that goes again.
   * @see {@link ProvisioningClient.retryWebexSync}: what it does, its rules and an example.
   */
  retryWebexSync(input: RetryWebexSyncInput): Promise<RetryWebexSyncPayload>;

  /**
   * `updateCustomer` as data: `{ customer, userErrors }` (a refused package change says how many users block it and
   * who).
   * @see {@link ProvisioningClient.updateCustomer}: what it does, its rules and an example.
   */
  updateCustomer(input: UpdateCustomerInput): Promise<UpdateCustomerPayload>;

  /**
   * `deleteCustomer` as data: `{ deletedCustomerId, userErrors }`.
   * @see {@link ProvisioningClient.deleteCustomer}: what it does, its rules and an example.
   */
  deleteCustomer(input: { id: string; dryRun?: boolean | null }): Promise<DeleteCustomerPayload>;

  /**
   * `updateLocation` as data: `{ location, userErrors }`.
   * @see {@link ProvisioningClient.updateLocation}: what it does, its rules and an example.
   */
  updateLocation(input: UpdateLocationInput): Promise<UpdateLocationPayload>;

  /**
   * `removeLocation` as data: `{ removedLocationId, userErrors }` (`IN_USE` while users are there, `NOT_ALLOWED` for
   * the headquarters).
   * @see {@link ProvisioningClient.removeLocation}: what it does, its rules and an example.
   */
  removeLocation(input: { id: string; dryRun?: boolean | null }): Promise<RemoveLocationPayload>;

  /**
   * `resendInvitation` as data: `{ message, userErrors }`.
   * @see {@link ProvisioningClient.resendInvitation}: what it does, its rules and an example.
   */
  resendInvitation(input: { userId: string }): Promise<ResendInvitationPayload>;

  /**
   * `updateUsers` as data: `{ customer, users, userErrors }` (errors on `["input", "users", "<row>", "<field>"]`).
   * @see {@link ProvisioningClient.updateUsers}: what it does, its rules and an example.
   */
  updateUsers(input: UpdateUsersInput): Promise<UpdateUsersPayload>;

  /**
   * `removeUsers` as data: `{ removedUserIds, userErrors }` (errors on `["input", "userIds", "<i>"]`).
   * @see {@link ProvisioningClient.removeUsers}: what it does, its rules and an example.
   */
  removeUsers(input: RemoveUsersInput): Promise<RemoveUsersPayload>;
}

/**
 * The client `createClient` returns. Mutation methods resolve to what they created and reject with
 * a `ProvisioningError` carrying every `userErrors` entry; `payloads` gives the raw payloads instead.
 * Queries resolve to their result, `null` for an object that is missing or another partner's.
 */
export interface ProvisioningClient {
  /**
   * The mutations as data (see ProvisioningPayloads).
   * @example
   * ```ts
   * const { userErrors } = await hub.payloads.setupCustomer({ customerId, users, dryRun: true });
   * ```
   */
  readonly payloads: ProvisioningPayloads;

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
  createTemplate(input: CreateTemplateInput): Promise<TemplateWithWarnings>;

  /**
   * Step 2: creates a customer organization from a template (`templateId` or `provisioningId`).
   * @example
   * ```ts
   * const customer = await hub.createCustomer({ provisioningId, companyName: 'Bakkerij de Vries',
   *   adminEmail: 'it@devries.example', package: 'WEBEX_CALLING', supportedLocationConfirmed: true, headquarters });
   * ```
   */
  createCustomer(input: CreateCustomerInput): Promise<Customer>;

  /**
   * Step 3: adds locations and users (all or nothing) and resolves to what was written.
   * @example
   * ```ts
   * const { users } = await hub.setupCustomer({ customerId: customer.id, users: [
   *   { firstName: 'Eva', lastName: 'de Vries', email: 'eva@devries.example', package: 'WEBEX_CALLING', extension: '2001' },
   * ] });
   * ```
   */
  setupCustomer(input: SetupCustomerInput): Promise<SetupResult>;

  /**
   * Edits a template: only the fields given change (the provisioning ID never does). Customers
   * created earlier keep their settings. `dryRun: true` validates without writing.
   * @example
   * ```ts
   * const updated = await hub.updateTemplate({ id: template.id, brandName: 'Acme Business' });
   * console.log(updated.brandName, updated.provisioningId === template.provisioningId); // Acme Business true
   * ```
   */
  updateTemplate(input: UpdateTemplateInput): Promise<TemplateWithWarnings>;

  /**
   * Deletes a template no customer uses; rejects with `ProvisioningError` (`IN_USE`) otherwise.
   * @example
   * ```ts
   * const deletedId = await hub.deleteTemplate(template.id);
   * ```
   */
  deleteTemplate(id: string): Promise<string>;

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
  assignCustomerAdminRoles(input: AssignCustomerAdminRolesInput): Promise<CustomerUser[]>;

  /**
   * Asks for Wholesale Setup Assist for one location of a customer and resolves to the request
   * (status `REQUESTED`).
   * @example
   * ```ts
   * const request = await hub.requestSetupAssist({ customerId: customer.id, locationId: customer.headquarters.id,
   *   contactName: 'Eva de Vries', contactEmail: 'eva@devries.example', contactPhone: '+31 20 794 8000' });
   * ```
   */
  requestSetupAssist(input: RequestSetupAssistInput): Promise<SetupAssistRequest>;

  /** A customer's Setup Assist requests, newest first (null when the customer is not yours). @example `const requests = await hub.setupAssistRequests(customer.id);` */
  setupAssistRequests(customerId: string): Promise<SetupAssistRequest[] | null>;

  /**
   * A page of a customer's onboarding emails (admin invitation, welcome emails), newest first;
   * null when the customer is not yours.
   * @example
   * ```ts
   * const outbox = await hub.customerOutbox(customer.id, { first: 100 });
   * for (const { node } of outbox!.edges) console.log(node.kind, node.to, node.status);
   * ```
   */
  customerOutbox(customerId: string, args?: PageArgs): Promise<OutboxConnection | null>;

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
  connectWebex(input: ConnectWebexInput): Promise<WebexConnection>;

  /** Your partner's Webex connection (`connected`, `connectedAt`, `lastError`). @example `const { connected, lastError } = await hub.webexConnection();` */
  webexConnection(): Promise<WebexConnection>;

  /**
   * Customers deleted here whose removal at Webex is not done yet: pending, being retried, or
   * `FAILED` because Cisco refused it (`webex.errors` says why). Newest first, at most 100. Send a
   * refused one again with `retryWebexSync(customerId)`.
   * @example
   * ```ts
   * for (const removal of await hub.webexRemovals()) {
   *   if (removal.webex.status === 'FAILED') await hub.retryWebexSync(removal.customerId);
   * }
   * ```
   */
  webexRemovals(): Promise<WebexRemoval[]>;

  /**
   * Where a customer, its locations and a page of its users stand in Webex (null when the customer is
   * not yours). `status` goes QUEUED → IN_PROGRESS → PROVISIONED; FAILED and ON_HOLD carry Cisco's
   * words in `errors` / `webexStatus`.
   * @example
   * ```ts
   * const sync = await hub.customerWebexSync(customer.id, { first: 100 });
   * console.log(sync!.webex.status, sync!.webexUserCounts.find((c) => c.status === 'FAILED')?.count ?? 0);
   * ```
   */
  customerWebexSync(customerId: string, args?: PageArgs): Promise<CustomerWebexState | null>;

  /**
   * A page of a customer's users with where each stands in Webex (null when the customer is not
   * yours): the list `customerWebexSync` gives one page of, on its own so `paginate` can walk it.
   * `filter.webexStatus` keeps the users in one status (e.g. every `FAILED` one of a large customer);
   * `customerWebexSync`'s `webexUserCounts` says how many stand in each.
   * @example
   * ```ts
   * for await (const user of hub.paginate(hub.customerWebexUsers, customerId, { filter: { webexStatus: 'FAILED' } })) {
   *   console.log(user.email, user.webex.errors.map((e) => e.trackingId));
   * }
   * ```
   */
  customerWebexUsers(customerId: string, args?: CustomerUserListArgs): Promise<WebexUserConnection | null>;

  /**
   * Re-drives a customer's FAILED objects in Webex (or queues a NOT_SYNCED customer once the partner is
   * connected and its template has a `webexProvisioningId`); resolves to the customer's sync state. Given the id
   * of a customer deleted here whose removal at Webex was refused, it sends that removal again and resolves to its state.
   * @example
   * ```ts
   * const webex = await hub.retryWebexSync(customer.id);
   * ```
   */
  retryWebexSync(customerId: string): Promise<WebexSync>;

  /** The signed-in admin and their partner (admins, subscriptions). @example `const { partner } = await hub.viewer();` */
  viewer(): Promise<Viewer>;

  /** The packages table, for dropdowns. @example `const packages = await hub.packages();` */
  packages(): Promise<PackageInfo[]>;

  /** The Cloud Connected PSTN provider catalog. @example `const providers = await hub.pstnProviders();` */
  pstnProviders(): Promise<PstnProvider[]>;

  /** Every country the API accepts, with its default data region. @example `const countries = await hub.countries();` */
  countries(): Promise<Country[]>;

  /**
   * Every language a `language` field accepts (a customer's, a location's, a template's
   * `defaultEmailLanguage`): each `code` is accepted alone or with a country of {@link countries},
   * `nl` or `nl_NL`. A former code (`iw`) is still accepted and names its successor in `replacedBy`.
   * @example
   * ```ts
   * const languages = await hub.languages();
   * const dutch = languages.find((l) => l.name === 'Dutch')!;
   * await hub.updateCustomer({ id: customerId, language: `${dutch.code}_NL` });
   * ```
   */
  languages(): Promise<Language[]>;

  /** A page of templates, newest first. @example `const { edges, pageInfo } = await hub.templates({ first: 50 });` */
  templates(args?: PageArgs): Promise<TemplateConnection>;

  /** A template by id, or null. @example `const template = await hub.template(id);` */
  template(id: string): Promise<Template | null>;

  /** A template by provisioning ID, or null. @example `const template = await hub.templateByProvisioningId(pid);` */
  templateByProvisioningId(provisioningId: string): Promise<Template | null>;

  /** A page of customers, newest first. @example `const page = await hub.customers({ filter: { search: 'bakkerij' } });` */
  customers(args?: CustomerListArgs): Promise<CustomerConnection>;

  /** A customer by id, or null. @example `const customer = await hub.customer(id);` */
  customer(id: string): Promise<Customer | null>;

  /** A page of a customer's users (null when the customer is not yours). @example `const page = await hub.customerUsers(id, { first: 100 });` */
  customerUsers(customerId: string, args?: CustomerUserListArgs): Promise<CustomerUserConnection | null>;

  /** A page of a customer's locations (null when the customer is not yours). @example `const page = await hub.customerLocations(id);` */
  customerLocations(customerId: string, args?: PageArgs): Promise<LocationConnection | null>;

  /**
   * A page of your partner's audit trail, newest first: one event per successful mutation, with
   * who (`admin`), what (`operation`, `targetIds`) and when (`at`). Dry runs and failed calls leave none.
   * `targetIds` holds each event's first 100 ids (`targetIdsFirst` for up to 10,000); `targetCount`
   * says how many there are. An import's thousands can also be paged with
   * `targetIds(first, offset)` in a query of your own (`hub.request`).
   * @example
   * ```ts
   * const page = await hub.auditEvents({ first: 50 });
   * for (const { node } of page.edges) console.log(node.at, node.admin.email, node.operation, node.targetIds);
   * const next = page.pageInfo.hasNextPage ? await hub.auditEvents({ first: 50, after: page.pageInfo.endCursor! }) : null;
   * const imports = await hub.auditEvents({ first: 5, targetIdsFirst: 10_000 }); // every id of up to five imports
   * ```
   */
  auditEvents(args?: AuditEventListArgs): Promise<AuditEventConnection>;

  /**
   * Every item of a list, fetched page by page as you iterate: pass a list method of this client
   * (`hub.customers`, `hub.templates`, `hub.customerUsers`, `hub.customerLocations`,
   * `hub.customerOutbox`, `hub.customerWebexUsers`, `hub.auditEvents`) and its own arguments. Pages are 100 items unless the
   * arguments give `first`. `toArray({ limit })` collects them, and rejects with a
   * `TooManyItemsError` rather than load more than `limit`; a list of a customer that is missing or
   * another partner's rejects with a `NotFoundError` (the list method itself resolves to null).
   * @example
   * ```ts
   * for await (const user of hub.paginate(hub.customerUsers, customerId, { filter: { search: 'jansen' } })) {
   *   console.log(user.email, user.phoneNumber);
   * }
   * const templates = await hub.paginate(hub.templates).toArray({ limit: 500 });
   * ```
   */
  paginate<A extends unknown[], N>(list: ListMethod<A, N>, ...args: NoInfer<A>): PageIterator<N>;

  /**
   * Runs any operation (e.g. one with fewer fields) with the client's URL and token: a document
   * parsed with graphql's `parse`, or the operation's text, which is parsed here (a syntax error
   * rejects with graphql's `GraphQLError` before anything is sent). Anything else is a `TypeError`.
   * @example
   * ```ts
   * const data = await hub.request<{ customers: { totalCount: number } }>('{ customers { totalCount } }');
   * ```
   */
  request<R, V = Record<string, unknown>>(document: DocumentNode | string, variables?: V): Promise<R>;

  /**
   * Changes a customer (company name, package, add-ons, language, externalId; a field left out keeps
   * its value) and resolves to it. A new package moves the full administrator and the admin-role
   * holders with it; a package that would leave other users with one it does not cover rejects with a
   * `ProvisioningError` (`NOT_ALLOWED` on `["input","package"]`, saying how many users block it and who).
   * @example
   * ```ts
   * const upgraded = await hub.updateCustomer({ id: customer.id, package: 'WEBEX_SUITE', addOns: ['CISCO_CALLING_PLAN'] });
   * console.log(upgraded.package, upgraded.addOns); // WEBEX_SUITE ['CISCO_CALLING_PLAN']
   * ```
   */
  updateCustomer(input: UpdateCustomerInput): Promise<Customer>;

  /**
   * Deletes a customer with its locations, users and Setup Assist requests, and resolves to its id.
   * Its emails, numbers, extensions and externalId become free; unsent emails are `CANCELLED`; audit
   * events stay. With Webex connected the customer is deleted there too.
   * @example
   * ```ts
   * const deletedId = await hub.deleteCustomer(customer.id);
   * console.log(await hub.customer(deletedId)); // null
   * ```
   */
  deleteCustomer(id: string): Promise<string>;

  /**
   * Changes a location (name, the whole address, time zone, language, emergency location identifier;
   * a field left out keeps its value) and resolves to it. A new country must fit the numbers of the
   * location's users (`INVALID` on `["input","address","countryCode"]`).
   * @example
   * ```ts
   * const location = await hub.updateLocation({ id: customer.headquarters.id, name: 'Amsterdam Centraal',
   *   timeZone: 'Europe/Amsterdam' });
   * ```
   */
  updateLocation(input: UpdateLocationInput): Promise<CustomerLocation>;

  /**
   * Removes a location and resolves to its id; never the headquarters (`NOT_ALLOWED`), never while
   * users are there (`IN_USE` with their count: move them first).
   * @example
   * ```ts
   * const removedId = await hub.removeLocation(branch.id);
   * ```
   */
  removeLocation(id: string): Promise<string>;

  /**
   * Queues a user's onboarding email again (`ADMIN_INVITATION` for the full administrator, `WELCOME`
   * for others) and resolves to it; while one is still unsent, resolves to that one instead of a second.
   * @example
   * ```ts
   * const message = await hub.resendInvitation(user.id);
   * console.log(message.kind, message.to, message.status); // WELCOME eva@devries.example PENDING
   * ```
   */
  resendInvitation(userId: string): Promise<OutboxMessage>;

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
  updateUsers(input: UpdateUsersInput): Promise<UpdateUsersResult>;

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
  removeUsers(input: RemoveUsersInput): Promise<string[]>;
}
