/** The connector's settings (domain.md §11). None of them is needed to run without Webex. */
export interface WebexConfig {
  /** Base URL of Cisco's API (WEBEX_API_URL), without a trailing slash. */
  apiUrl: string;
  /** WEBEX_TOKEN_KEY (≥ 32 characters): partners' tokens are encrypted with a key derived from it. Null: no connection can be made. */
  tokenKey: string | null;
  /** WEBEX_CLIENT_ID / WEBEX_CLIENT_SECRET: the OAuth integration; without them a 401 cannot be refreshed. */
  clientId: string | null;
  clientSecret: string | null;
  /** WEBEX_POLL_INTERVAL_MS: the first wait before polling an asynchronous status; later polls back off. */
  pollIntervalMs: number;
  /** WEBEX_RETRY_BASE_MS: first wait after a 5xx, a timeout or a connection error; doubles per attempt, with jitter. */
  retryBaseMs: number;
  /** WEBEX_MAX_BACKOFF_MS: the longest wait between two polls or retries of one object. */
  maxBackoffMs: number;
  /** WEBEX_LEASE_MS: how long a process's claim on a customer's sync job keeps other processes away (renewed while it works). */
  leaseMs: number;
  /** WEBEX_REQUEST_TIMEOUT_MS: one request to Cisco is cut off after this long (at most a third of the lease). */
  requestTimeoutMs: number;
  /** WEBEX_WORKER_INTERVAL_MS: how often an idle worker looks for due jobs. */
  workerIntervalMs: number;
  /** WEBEX_CONCURRENCY: requests in flight at once per partner (users of a customer go in parallel up to this). */
  concurrency: number;
  /** WEBEX_REQUESTS_PER_SECOND: requests per second per partner and process (a token bucket, one second of burst); 0: no cap beyond WEBEX_CONCURRENCY. */
  requestsPerSecond: number;
}

export const WEBEX_TOKEN_KEY_MIN = 32;

export function webexConfigFromEnv(
  env: NodeJS.ProcessEnv,
  int: (name: string, fallback: number, min: number) => number,
  fail: (message: string) => never,
): WebexConfig {
  const key = env.WEBEX_TOKEN_KEY ?? '';
  if (key !== '' && key.length < WEBEX_TOKEN_KEY_MIN) {
    fail(`WEBEX_TOKEN_KEY must be at least ${WEBEX_TOKEN_KEY_MIN} characters (it was ${key.length})`);
  }
  const leaseMs = int('WEBEX_LEASE_MS', 120_000, 1000);
  return {
    apiUrl: (env.WEBEX_API_URL?.trim() || 'https://webexapis.com/v1').replace(/\/+$/, ''),
    tokenKey: key === '' ? null : key,
    clientId: env.WEBEX_CLIENT_ID?.trim() || null,
    clientSecret: env.WEBEX_CLIENT_SECRET?.trim() || null,
    pollIntervalMs: int('WEBEX_POLL_INTERVAL_MS', 5000, 1),
    retryBaseMs: int('WEBEX_RETRY_BASE_MS', 2000, 1),
    maxBackoffMs: int('WEBEX_MAX_BACKOFF_MS', 10 * 60_000, 1),
    leaseMs,
    requestTimeoutMs: Math.min(int('WEBEX_REQUEST_TIMEOUT_MS', 30_000, 100), Math.floor(leaseMs / 3)),
    workerIntervalMs: int('WEBEX_WORKER_INTERVAL_MS', 1000, 10),
    concurrency: int('WEBEX_CONCURRENCY', 4, 1),
    requestsPerSecond: int('WEBEX_REQUESTS_PER_SECOND', 0, 0),
  };
}
