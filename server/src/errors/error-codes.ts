import { GraphQLError } from 'graphql';
import { DatabaseBusyError } from '../db/database-busy-error';

/**
 * The codes of thrown errors (`extensions.code`), each with its HTTP status. User-fixable problems
 * are never thrown: they are `userErrors` in the payload.
 */
export const ErrorCode = {
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  QUERY_TOO_COMPLEX: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /** A path other than `/` and `/healthz` (answered before GraphQL runs). */
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCode;

export function httpStatusOf(code: ErrorCode): number {
  return ErrorCode[code];
}

/** A GraphQLError whose HTTP status follows from its code. */
export function apiError(
  code: ErrorCode,
  message: string,
  options: { retryAfterSeconds?: number; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  const headers = new Map<string, string>();
  if (options.retryAfterSeconds !== undefined) headers.set('retry-after', String(options.retryAfterSeconds));
  return new GraphQLError(message, {
    extensions: {
      ...options.extensions,
      code,
      ...(options.retryAfterSeconds !== undefined ? { retryAfterSeconds: options.retryAfterSeconds } : {}),
      http: { status: httpStatusOf(code), headers },
    },
  });
}

/** The JSON body of an error answered before GraphQL runs (body too large, bad content type, rate limit). */
export function errorBody(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

/** An error of the layers below GraphQL as the client sees it: a busy database is SERVICE_UNAVAILABLE (503, Retry-After). */
export function asApiError(error: unknown): unknown {
  if (error instanceof DatabaseBusyError) {
    return apiError('SERVICE_UNAVAILABLE', error.message, { retryAfterSeconds: error.retryAfterSeconds });
  }
  return error;
}
