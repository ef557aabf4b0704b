import type { ApiErrorCode } from './error-codes.js';
import type { UserErrorFieldsFragment } from './generated/graphql.js';

/** One user-fixable problem, with the path of the input field it concerns. */
export type UserError = UserErrorFieldsFragment;

/**
 * Base class of every error the SDK rejects with: `ProvisioningError` (user errors),
 * `GraphQLRequestError` (coded GraphQL errors) and `NetworkError` (no GraphQL answer).
 *
 * @example
 * ```ts
 * try {
 *   await hub.setupCustomer({ customerId, users });
 * } catch (error) {
 *   if (!(error instanceof HubError)) throw error; // a bug in the caller's code, not the API's answer
 *   console.error(error.name, error.message);
 * }
 * ```
 */
export class HubError extends Error {
  override name = 'HubError';
}

/**
 * The server refused the input: `userErrors` lists every problem at once, each with its field path
 * (e.g. `["input", "users", "17", "phoneNumber"]`), ready for a form or a CSV report. Nothing was written.
 *
 * @example
 * ```ts
 * try {
 *   await hub.setupCustomer({ customerId, users });
 * } catch (error) {
 *   if (error instanceof ProvisioningError) {
 *     for (const e of error.userErrors) console.log(e.field.join('.'), e.code, e.message);
 *   }
 * }
 * ```
 */
export class ProvisioningError extends HubError {
  override name = 'ProvisioningError';
  constructor(
    /** The mutation that refused its input, e.g. `setupCustomer`. */
    readonly operation: string,
    /** Every problem of the input at once, each with its `code`, `field` path and `message`. */
    readonly userErrors: UserError[],
  ) {
    super(`${operation} refused its input: ${userErrors.slice(0, 3).map((e) => `${e.field.join('.')}: ${e.code} (${e.message})`).join('; ')}${userErrors.length > 3 ? `; and ${userErrors.length - 3} more` : ''}`);
  }

  /**
   * The errors at or below one input path, e.g. `errorsAt('input', 'users', 3)` for row 3 (numbers
   * match the path's string segments).
   *
   * @example
   * ```ts
   * try {
   *   await hub.setupCustomer({ customerId, users });
   * } catch (error) {
   *   if (!(error instanceof ProvisioningError)) throw error;
   *   users.forEach((user, i) => {
   *     for (const e of error.errorsAt('input', 'users', i)) console.log(user.email, e.field.at(-1), e.code);
   *   });
   * }
   * ```
   */
  errorsAt(...path: Array<string | number>): UserError[] {
    const prefix = path.map(String);
    return this.userErrors.filter((e) => prefix.every((p, i) => e.field[i] === p));
  }
}

/** One error of a GraphQL response, as the server sent it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * The server answered with GraphQL errors (not user errors): `code` is the first error's
 * `extensions.code`, one of the server's codes (`ApiErrorCode`: `UNAUTHENTICATED`, `FORBIDDEN`,
 * `BAD_USER_INPUT`, `QUERY_TOO_COMPLEX`, `RATE_LIMITED`, `SERVICE_UNAVAILABLE`, …). A code the SDK
 * does not know (an answer from another server version) is reported as the code of its HTTP status
 * (see `apiErrorCodeOf`); the code as sent stays in `errors[0].extensions.code`.
 *
 * @example
 * ```ts
 * try {
 *   await hub.viewer();
 * } catch (error) {
 *   if (error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED') {
 *     console.error('The API token is missing, unknown or revoked.'); // error.status is 401
 *   } else throw error;
 * }
 * ```
 */
export class GraphQLRequestError extends HubError {
  override name = 'GraphQLRequestError';
  constructor(
    /** The first error's `extensions.code`. */
    readonly code: ApiErrorCode,
    /** The HTTP status of the answer (401, 403, 429, 503…). */
    readonly status: number,
    /** Every error of the answer, as the server sent it. */
    readonly errors: GraphQLErrorEntry[],
    /** Seconds to wait before retrying (RATE_LIMITED, SERVICE_UNAVAILABLE), from Retry-After (seconds or an HTTP date). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`${code}: ${errors[0]?.message ?? `HTTP ${status}`}`);
  }

  /**
   * True for the errors worth retrying after `retryAfterSeconds` (`RATE_LIMITED`,
   * `SERVICE_UNAVAILABLE`): the request was refused before anything was written. The client already
   * retries these `maxRetries` times (default 2); an error that reaches you has exhausted them.
   *
   * @example
   * ```ts
   * try {
   *   await hub.setupCustomer({ customerId, users });
   * } catch (error) {
   *   if (error instanceof GraphQLRequestError && error.retryable) {
   *     console.error(`Still busy after the client's retries: try again in ${error.retryAfterSeconds ?? 1} s.`);
   *   } else throw error;
   * }
   * ```
   */
  get retryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'SERVICE_UNAVAILABLE';
  }
}

/**
 * Why a request got no GraphQL answer:
 * - `CONNECTION_FAILED`: no connection (refused, DNS, TLS, no `fetch`), or it broke mid-answer;
 * - `TIMEOUT`: no complete answer within `timeoutMs` (headers and body both count);
 * - `BAD_RESPONSE`: an answer that is not a GraphQL response, e.g. a proxy's HTML 502 page.
 */
export type NetworkErrorCode = 'CONNECTION_FAILED' | 'TIMEOUT' | 'BAD_RESPONSE';

/**
 * The request never got a GraphQL answer: see `code`, and `status` when an HTTP answer arrived.
 * After a `TIMEOUT` or a `CONNECTION_FAILED` with `requestSent` a mutation may still have been applied:
 * read before writing again (or send an `externalId`, which makes createCustomer safe to replay, and
 * which the client's own retries rely on).
 *
 * @example
 * ```ts
 * const hub = createClient({ url: 'http://localhost:4000/', token, timeoutMs: 30_000 });
 * try {
 *   await hub.viewer();
 * } catch (error) {
 *   if (!(error instanceof NetworkError)) throw error;
 *   if (error.code === 'CONNECTION_FAILED') console.error('Is the server running?', error.message);
 *   else if (error.code === 'TIMEOUT') console.error('No answer within 30 s.');
 *   else console.error(`Not a GraphQL answer (HTTP ${error.status}): a proxy in between?`);
 * }
 * ```
 */
export class NetworkError extends HubError {
  override name = 'NetworkError';
  /** The HTTP status of the answer, when one arrived (always for `BAD_RESPONSE`). */
  readonly status?: number;
  /**
   * False only when the request certainly never reached the server (connection refused, unknown
   * host): nothing was written, and the client retries it whatever the operation. True when it may
   * have arrived, so a mutation's outcome is unknown.
   */
  readonly requestSent: boolean;
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    options: { status?: number; cause?: unknown; requestSent?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    this.requestSent = options.requestSent ?? true;
  }
}
