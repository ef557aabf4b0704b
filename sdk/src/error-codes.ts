/**
 * The codes a `GraphQLRequestError` carries (`extensions.code` of the server's thrown errors), with
 * the HTTP status each comes with. A mirror of the server's one list (its `ErrorCode`): the SDK runs
 * in browsers and must not import server code, so the list is copied here and a test
 * (test/sdk-contract.test.ts) fails when the two differ.
 */
export const API_ERROR_CODES = {
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  QUERY_TOO_COMPLEX: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

/**
 * A code of a thrown GraphQL error, e.g. `UNAUTHENTICATED`, `FORBIDDEN`, `RATE_LIMITED`.
 *
 * @example
 * ```ts
 * function describe(code: ApiErrorCode): string {
 *   switch (code) {
 *     case 'UNAUTHENTICATED': return 'Sign in again.';
 *     case 'RATE_LIMITED': case 'SERVICE_UNAVAILABLE': return 'Busy: try again shortly.';
 *     default: return `Failed (${code}).`;
 *   }
 * }
 * ```
 */
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/**
 * The code of an error answer as the SDK reports it: the server's code when it is one of
 * `API_ERROR_CODES`; otherwise (an answer from a proxy or another server version, or no code at
 * all) the code the server uses for that HTTP status, or `INTERNAL_SERVER_ERROR`. The code as sent
 * stays in `error.errors[0].extensions.code`.
 *
 * @example
 * ```ts
 * apiErrorCodeOf('FORBIDDEN', 403);                   // 'FORBIDDEN'
 * apiErrorCodeOf('PERSISTED_QUERY_NOT_FOUND', 400);   // 'BAD_REQUEST'
 * apiErrorCodeOf(undefined, 502);                     // 'INTERNAL_SERVER_ERROR'
 * ```
 */
export function apiErrorCodeOf(code: unknown, status: number): ApiErrorCode {
  if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(API_ERROR_CODES, code)) return code as ApiErrorCode;
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 429: return 'RATE_LIMITED';
    case 503: return 'SERVICE_UNAVAILABLE';
    default: return 'INTERNAL_SERVER_ERROR';
  }
}
