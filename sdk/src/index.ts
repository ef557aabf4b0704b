/**
 * Typed client for the Webex for Wholesale provisioning API.
 * Start with {@link createClient}; errors are {@link ProvisioningError} (user errors),
 * {@link GraphQLRequestError} (coded GraphQL errors) and {@link NetworkError}.
 */
export { createClient } from './client.js';
export type {
  ClientOptions, Template, TemplateWithWarnings, Customer, SetupResult,
  CreateTemplatePayload, CreateCustomerPayload, SetupCustomerPayload, UpdateTemplatePayload, DeleteTemplatePayload,
  AssignCustomerAdminRolesPayload, CustomerUser, RequestSetupAssistPayload, SetupAssistRequest, OutboxMessage,
  ConnectWebexPayload, RetryWebexSyncPayload, WebexConnection, WebexSync,
  UpdateCustomerPayload, DeleteCustomerPayload, UpdateLocationPayload, RemoveLocationPayload, ResendInvitationPayload, CustomerLocation,
  UpdateUsersPayload, RemoveUsersPayload, UpdateUsersResult,
} from './client.js';
export type {
  ProvisioningClient, ProvisioningPayloads, PageArgs, AuditEventListArgs, CustomerListArgs, CustomerUserListArgs, PageInfo, Connection,
  Viewer, PackageInfo, PstnProvider, Country, Language, Location, TemplateConnection, CustomerConnection, CustomerUserConnection,
  LocationConnection, OutboxConnection, AuditEventConnection, AuditEvent, CustomerWebexState, WebexUserConnection, WebexRemoval,
} from './provisioning-client.js';
export { paginate, TooManyItemsError, NotFoundError, DEFAULT_PAGE_SIZE } from './paginate.js';
export type { PageIterator, ListMethod } from './paginate.js';
export type { RetryEvent } from './retry.js';
export { API_ERROR_CODES, apiErrorCodeOf } from './error-codes.js';
export type { ApiErrorCode } from './error-codes.js';
export { HubError, ProvisioningError, GraphQLRequestError, NetworkError } from './errors.js';
export type { UserError, GraphQLErrorEntry, NetworkErrorCode } from './errors.js';
export type * from './generated/graphql.js';
export {
  CreateTemplateDocument, CreateCustomerDocument, SetupCustomerDocument, CustomersDocument, CustomerDocument,
} from './generated/graphql.js';
export { importUsersFromCsv, parseCsvChunks, runCsvImport, CsvSyntaxError, CSV_HEADERS, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from './csv-import.js';
export type {
  CsvSource, CsvImportError, CsvImportOptions, CsvImportProgress, CsvImportResult, CsvRecord, CsvUserInput,
} from './csv-import.js';
