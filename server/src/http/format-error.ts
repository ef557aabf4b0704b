import type { GraphQLFormattedError } from 'graphql';

const GENERIC_MESSAGE = 'Internal server error';
/** Extensions that may reach a client; anything else a library attached (stack traces, echoed input) is dropped. */
const ALLOWED_EXTENSIONS = new Set(['code', 'limit', 'max', 'argument', 'retryAfterSeconds']);

/**
 * The last word on every error a client sees: a code always, no stack trace in any mode, and in
 * production a generic message for internal faults (their detail is in the log).
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : 'INTERNAL_SERVER_ERROR';
    const extensions: Record<string, unknown> = { code };
    for (const [key, value] of Object.entries(formatted.extensions ?? {})) {
      if (ALLOWED_EXTENSIONS.has(key)) extensions[key] = value;
    }
    extensions.code = code;
    const internal = code === 'INTERNAL_SERVER_ERROR';
    let message = internal && production ? GENERIC_MESSAGE : formatted.message;
    // graphql-js adds "Did you mean …?" hints that reveal the schema; production keeps them out.
    if (production) message = message.replace(/ ?Did you mean [^?]*\?/g, '');
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  };
}
