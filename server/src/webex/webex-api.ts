import type { WebexError } from './webex.entities';

/** What Cisco answered (any status); `json` is null when the body was empty or not JSON. */
export interface WebexResponse {
  status: number;
  headers: Headers;
  json: any;
}

/** The request never got an answer we can trust (connection error, timeout, 5xx): it may or may not have been carried out. */
export class WebexTransientError extends Error {
  constructor(message: string, readonly error: WebexError) {
    super(message);
  }
}

/** Cisco refused this request for this object (a 4xx other than 401/423/429): retrying it as is will not help. */
export class WebexRefusedError extends Error {
  constructor(readonly error: WebexError, readonly status: number) {
    super(error.description);
  }
}

/** The partner's token was refused (401) and could not be refreshed: the partner's jobs wait for connectWebex. */
export class WebexTokenRefusedError extends Error {}

/** A Retry-After too long to wait for inside this round: the job comes back at `until`. */
export class WebexDeferredError extends Error {
  constructor(readonly until: number) {
    super('deferred by Retry-After');
  }
}

/** The process is stopping: the job is handed back before the next request. */
export class WebexStoppingError extends Error {}

/** Cisco's error body ({ message, errors: [{ description }], trackingId }) as our WebexError, never with a token in it. */
export function webexErrorOf(response: WebexResponse): WebexError {
  const body = response.json ?? {};
  const described = Array.isArray(body.errors) ? body.errors.map((e: any) => e?.description).filter((d: unknown) => typeof d === 'string') : [];
  const description = described.length > 0 ? described.join('; ')
    : typeof body.message === 'string' && body.message ? body.message : `Webex answered HTTP ${response.status}.`;
  const trackingId = typeof body.trackingId === 'string' ? body.trackingId : response.headers.get('trackingid');
  const code = Array.isArray(body.errors) && body.errors[0]?.errorCode !== undefined ? String(body.errors[0].errorCode) : String(response.status);
  return { code, description: description.slice(0, 2000), trackingId: trackingId ?? null };
}

/** Retry-After in seconds or as an HTTP date; missing or unreadable: null. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const raw = headers.get('retry-after');
  if (raw === null) return null;
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export interface RawRequest {
  method: string;
  /** Path under the base URL, e.g. /wholesale/customers. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** application/x-www-form-urlencoded (the token endpoint). */
  form?: Record<string, string>;
  token?: string;
  timeoutMs: number;
  /**
   * Called as soon as the status line and headers arrive, before the body is read: a Retry-After
   * must hold back the token's other requests from that moment, not only once the body is in.
   */
  onHeaders?: (status: number, headers: Headers) => void;
}

export function urlOf(baseUrl: string, path: string, query?: RawRequest['query']): string {
  const url = new URL(baseUrl + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/**
 * One HTTP exchange with Cisco. A connection error or a timeout becomes WebexTransientError; any
 * HTTP answer is returned as is (the caller decides). Error texts never include the token.
 */
export async function rawRequest(baseUrl: string, request: RawRequest): Promise<WebexResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(urlOf(baseUrl, request.path, request.query), {
      method: request.method, headers, body, signal: AbortSignal.timeout(request.timeoutMs), redirect: 'manual',
    });
    request.onHeaders?.(response.status, response.headers);
    text = await response.text();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const what = e.name === 'TimeoutError' ? `no answer within ${request.timeoutMs} ms` : (e.cause?.code ?? e.name ?? 'connection error');
    throw new WebexTransientError(`${request.method} ${request.path}: ${what}`, {
      code: null, description: `Webex could not be reached (${what}); the request will be retried.`, trackingId: null,
    });
  }
  let json: any = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, headers: response.headers, json };
}
