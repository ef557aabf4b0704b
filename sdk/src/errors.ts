import type { UserErrorFieldsFragment } from './generated/graphql.js';

/** One user-fixable problem, with the path of the input field it concerns. */
export type UserError = UserErrorFieldsFragment;

/** Base class of every error the SDK rejects with. */
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
    readonly userErrors: UserError[],
  ) {
    super(`${operation} refused its input: ${userErrors.slice(0, 3).map((e) => `${e.field.join('.')}: ${e.code} (${e.message})`).join('; ')}${userErrors.length > 3 ? `; and ${userErrors.length - 3} more` : ''}`);
  }

  /** The errors on one input path prefix, e.g. `errorsAt('input', 'users', 3)`. */
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
 * `extensions.code`, e.g. `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, `QUERY_TOO_COMPLEX`,
 * `RATE_LIMITED`, `SERVICE_UNAVAILABLE`, `INTERNAL_SERVER_ERROR`.
 */
export class GraphQLRequestError extends HubError {
  override name = 'GraphQLRequestError';
  constructor(
    readonly code: string,
    readonly status: number,
    readonly errors: GraphQLErrorEntry[],
    /** Seconds to wait before retrying (RATE_LIMITED, SERVICE_UNAVAILABLE), from Retry-After. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`${code}: ${errors[0]?.message ?? `HTTP ${status}`}`);
  }

  /** True for the errors worth retrying after `retryAfterSeconds`. */
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

/** The request never got a GraphQL answer: see `code`, and `status` when an HTTP answer arrived. */
export class NetworkError extends HubError {
  override name = 'NetworkError';
  /** The HTTP status of the answer, when one arrived (always for `BAD_RESPONSE`). */
  readonly status?: number;
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
  }
}
