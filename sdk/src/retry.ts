import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { GraphQLRequestError, NetworkError } from './errors.js';

/** How the client retries (ClientOptions' `maxRetries`, `retryBaseDelayMs`, `maxRetryDelayMs`, `onRetry`). */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * One retry about to happen, as `onRetry` sees it: which attempt failed, why, and how long the
 * client waits before the next one.
 *
 * @example
 * ```ts
 * const hub = createClient({ url, token, onRetry: ({ operationName, attempt, delayMs, error }) =>
 *   console.warn(`${operationName}: attempt ${attempt} failed (${error.message}); retrying in ${delayMs} ms`) });
 * ```
 */
export interface RetryEvent {
  /** The operation's name, e.g. `CreateCustomer`. */
  operationName: string | undefined;
  /** The attempt that failed: 1 for the first request. */
  attempt: number;
  /** How long the client waits before sending it again. */
  delayMs: number;
  /** Why the attempt failed. */
  error: GraphQLRequestError | NetworkError;
}

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

/**
 * A `Retry-After` header's wait in whole seconds: delta-seconds (`"2"`) or an HTTP date (a date in
 * the past is 0); null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function operationOf(document: DocumentNode): OperationDefinitionNode | undefined {
  return document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

/**
 * Whether sending the operation twice does what sending it once does, so it may be repeated when
 * its first outcome is unknown: a query; a mutation whose every field takes `input: $input` with
 * `dryRun: true` (it writes nothing); `createCustomer` with an `externalId` (the server answers a
 * replay with the customer it created). Anything else is not, whatever its name.
 */
export function isIdempotent(document: DocumentNode, variables: unknown): boolean {
  const operation = operationOf(document);
  if (!operation) return false;
  if (operation.operation === 'query') return true;
  if (operation.operation !== 'mutation') return false;
  const input = (variables as { input?: { dryRun?: unknown; externalId?: unknown } } | undefined)?.input;
  return operation.selectionSet.selections.every((selection) => {
    if (selection.kind !== Kind.FIELD) return false;
    const argument = selection.arguments?.find((a) => a.name.value === 'input');
    // Only `input: $input` reads the variables checked here; an inline input is not inspected.
    if (argument?.value.kind !== Kind.VARIABLE || argument.value.name.value !== 'input' || !input) return false;
    if (input.dryRun === true) return true;
    return selection.name.value === 'createCustomer' && typeof input.externalId === 'string' && input.externalId.trim() !== '';
  });
}

/**
 * How long to wait before retrying after `error` (attempt `attempt`, 1-based), or null for "do not
 * retry". Retried: errors that wrote nothing (RATE_LIMITED, SERVICE_UNAVAILABLE, a connection that
 * failed before the request was sent), for any operation; errors whose outcome is unknown (a
 * connection that broke after sending, a TIMEOUT, a gateway's 502/503/504 page) only for an
 * idempotent operation. The wait is the server's `Retry-After` when it gave one (plus a little
 * jitter, never less), else an exponential backoff with jitter; a `Retry-After` longer than
 * `maxDelayMs` is not waited for.
 */
export function retryDelayMs(error: unknown, attempt: number, idempotent: boolean, policy: RetryPolicy, random = Math.random): number | null {
  if (attempt > policy.maxRetries) return null;
  let retryAfterSeconds: number | null = null;
  if (error instanceof GraphQLRequestError) {
    if (!error.retryable) return null;
    retryAfterSeconds = error.retryAfterSeconds;
  } else if (error instanceof NetworkError) {
    const wroteNothing = error.code === 'CONNECTION_FAILED' && !error.requestSent;
    const unknownOutcome = error.code === 'TIMEOUT' || (error.code === 'CONNECTION_FAILED' && error.requestSent)
      || (error.code === 'BAD_RESPONSE' && (error.status === 502 || error.status === 503 || error.status === 504));
    if (!wroteNothing && !(unknownOutcome && idempotent)) return null;
  } else {
    return null;
  }
  if (retryAfterSeconds !== null) {
    const asked = retryAfterSeconds * 1000;
    if (asked > policy.maxDelayMs) return null;
    // Never earlier than asked; the jitter keeps clients told the same second from arriving together.
    return Math.round(asked + random() * policy.baseDelayMs);
  }
  // "Equal jitter": half the exponential step fixed, half random.
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Whether a failed fetch certainly sent nothing: the connection itself was never made (refused,
 * unknown host, unreachable network, connect timeout). Anything else, a browser's opaque "Failed to
 * fetch" included, may have reached the server.
 */
export function failedBeforeSending(error: unknown): boolean {
  const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
  const seen = new Set<unknown>();
  const codes: string[] = [];
  const visit = (e: unknown) => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    visit((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) errors.forEach(visit);
  };
  visit(error);
  return codes.length > 0 && codes.every((code) => NOT_CONNECTED.has(code));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
