import type { GraphQLFormattedError } from 'graphql';

const GENERIC_MESSAGE = 'Internal server error';
/** Extensions that may reach a client; anything else a library attached (stack traces, echoed input) is dropped. */
const ALLOWED_EXTENSIONS = new Set(['code', 'limit', 'max', 'argument', 'retryAfterSeconds']);

/**
 * The last word on every error a client sees: a code always, no stack trace in any mode, and in
 * production a generic message for internal faults (their detail is in the log).
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, original?: unknown): GraphQLFormattedError => {
    let code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : 'INTERNAL_SERVER_ERROR';
    // Apollo and graphql-js refuse some requests without a code (a persisted-query hash that does
    // not match, "Too many errors processing variables"): the client's fault, never an internal error.
    if (code === 'INTERNAL_SERVER_ERROR' && isCodelessRequestError(original)) code = 'BAD_REQUEST';
    const extensions: Record<string, unknown> = { code };
    for (const [key, value] of Object.entries(formatted.extensions ?? {})) {
      if (ALLOWED_EXTENSIONS.has(key)) extensions[key] = value;
    }
    extensions.code = code;
    const internal = code === 'INTERNAL_SERVER_ERROR';
    let message = internal && production ? GENERIC_MESSAGE : plainWords(formatted.message, production);
    // graphql-js adds "Did you mean …?" hints that reveal the schema; production keeps them out.
    if (production) message = message.replace(/ ?Did you mean [^?]*\?/g, '');
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  };
}

export const INTROSPECTION_OFF = 'Introspection is turned off in production (NODE_ENV=production), so __schema and __type '
  + 'are refused. The schema is schema/schema.graphql in the repository (the SDK is typed from it); to explore it '
  + 'interactively, run a server without NODE_ENV=production.';

export const CSRF_REFUSED = 'Refused as a possible cross-site request forgery. Send the operation as a POST with '
  + 'Content-Type: application/json (and Authorization: Bearer <token>); a GET query also needs the header '
  + 'apollo-require-preflight: true.';

/**
 * Apollo's own refusals speak to the server's developer ("pass introspection: true to
 * ApolloServer"); a client needs to read what to do instead.
 */
function plainWords(message: string, production: boolean): string {
  if (production && message.startsWith('GraphQL introspection is not allowed')) return INTROSPECTION_OFF;
  if (message.startsWith('This operation has been blocked as a potential Cross-Site Request Forgery')) return CSRF_REFUSED;
  return message;
}

/**
 * A GraphQLError raised by the request pipeline itself: no code, and either a 4xx status or neither a
 * resolver path nor a wrapped exception (every thrown fault inside the server carries one of those).
 */
function isCodelessRequestError(error: unknown): boolean {
  const e = error as { extensions?: { code?: unknown; http?: { status?: unknown } }; path?: unknown; originalError?: unknown } | undefined;
  if (!e || e.extensions?.code !== undefined) return false;
  const status = e.extensions?.http?.status;
  if (typeof status === 'number') return status >= 400 && status < 500;
  return e.path === undefined && (e.originalError === undefined || e.originalError === null);
}
