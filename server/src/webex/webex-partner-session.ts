import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { decryptToken, encryptToken } from './webex-crypto';
import {
  rawRequest, RawRequest, retryAfterMs, WebexDeferredError, WebexResponse, WebexStoppingError, WebexTokenRefusedError,
  WebexTransientError, webexErrorOf,
} from './webex-api';
import type { WebexConfig } from './webex.config';
import { WebexConnectionRow } from './webex.entities';

/** How many 429/423 answers one request waits out before its object is retried later instead. */
const MAX_THROTTLED_RETRIES = 5;

export type WebexCall = Omit<RawRequest, 'token' | 'timeoutMs'>;

/**
 * Everything this process does with one partner's token: it is used for that partner's objects
 * only (the session is looked up by the job's partnerId). It holds the token's Retry-After (no
 * request with the token before it passes, whichever job asks), caps the requests in flight with
 * it (WEBEX_CONCURRENCY), and refreshes it once on a 401.
 */
export class PartnerSession {
  private accessToken = '';
  private refreshToken: string | null = null;
  /** Epoch ms before which no request goes out with this token (the latest Retry-After). */
  private retryAfterUntil = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private refreshing: Promise<void> | null = null;
  /** Token bucket of WEBEX_REQUESTS_PER_SECOND: tokens left and when they were counted. */
  private bucket = { tokens: 0, at: 0 };

  constructor(
    readonly partnerId: string,
    private readonly config: WebexConfig,
    private readonly db: Database,
    private readonly log: Logger,
    private readonly stopping: () => boolean,
  ) {}

  /** Takes the stored connection (tokens decrypted) and its Retry-After; false when the tokens cannot be decrypted. */
  load(row: WebexConnectionRow): boolean {
    const key = this.config.tokenKey;
    const access = key ? decryptToken(key, this.partnerId, row.accessToken) : null;
    if (access === null) return false;
    this.accessToken = access;
    this.refreshToken = key && row.refreshToken ? decryptToken(key, this.partnerId, row.refreshToken) : null;
    this.retryAfterUntil = Math.max(this.retryAfterUntil, row.retryAfterUntil?.getTime() ?? 0);
    return true;
  }

  /**
   * Sends one request with the partner's token. Answers 2xx and the 4xx the caller must judge
   * (other than 401, 423 and 429, handled here); throws WebexTransientError on a connection error,
   * a timeout or a 5xx, WebexTokenRefusedError when the token was refused twice (once refreshed).
   */
  async call(request: WebexCall): Promise<WebexResponse> {
    let refreshed = false;
    for (let throttled = 0; ; throttled++) {
      let token = this.accessToken;
      const response = await this.limited(async () => {
        await this.takeRateToken();
        // Checked inside the slot, right before sending: a request that waited for a slot while
        // another was answered 429 must not go out before that Retry-After. The last check runs in
        // the same synchronous step as the send (rawRequest calls fetch before its first await), so
        // a 429 handled while this request resumed from its wait still holds it back.
        do await this.waitForRetryAfter(); while (this.retryAfterUntil > Date.now());
        token = this.accessToken;
        // Recorded the moment the headers arrive (synchronously, before the body is read and the slot
        // handed on), so no request of another slot slips out after Cisco said to wait.
        const onHeaders = (status: number, headers: Headers) => {
          if (status !== 429 && status !== 423) return;
          const wait = retryAfterMs(headers) ?? this.config.retryBaseMs * 2 ** Math.min(throttled, 8);
          this.retryAfterUntil = Math.max(this.retryAfterUntil, Date.now() + wait);
        };
        return rawRequest(this.config.apiUrl, { ...request, token, timeoutMs: this.config.requestTimeoutMs, onHeaders });
      });
      if (response.status === 401) {
        if (refreshed) throw new WebexTokenRefusedError('Webex refused the partner’s token (401) even after a refresh; connect again with connectWebex.');
        await this.refresh(token);
        refreshed = true;
        continue;
      }
      if (response.status === 429 || response.status === 423) {
        // At least the Retry-After (Cisco: "should be present" on 429, "may be" on 423); without one, a backoff.
        await this.persistRetryAfter();
        if (throttled + 1 >= MAX_THROTTLED_RETRIES) throw new WebexDeferredError(this.retryAfterUntil);
        continue;
      }
      if (response.status >= 500) {
        const error = webexErrorOf(response);
        throw new WebexTransientError(`${request.method} ${request.path}: HTTP ${response.status}`, error);
      }
      return response;
    }
  }

  private async waitForRetryAfter(): Promise<void> {
    for (;;) {
      if (this.stopping()) throw new WebexStoppingError();
      const wait = this.retryAfterUntil - Date.now();
      if (wait <= 0) return;
      // A long Retry-After is not waited out while holding the job's lease: the job comes back then.
      if (wait > this.config.leaseMs / 3) throw new WebexDeferredError(this.retryAfterUntil);
      await new Promise((resolve) => setTimeout(resolve, wait + 1));
    }
  }

  /** Stores the token's Retry-After in the database too: other processes read it when they pick up a job. */
  private async persistRetryAfter(): Promise<void> {
    const until = this.retryAfterUntil;
    this.log.info({ partnerId: this.partnerId, retryAfterMs: until - Date.now() }, 'webex: throttled by Cisco, waiting for Retry-After');
    await this.db.write((tx) => tx.createQueryBuilder().update(WebexConnectionRow)
      .set({ retryAfterUntil: new Date(until) })
      .where('"partnerId" = :partnerId', { partnerId: this.partnerId })
      .andWhere('("retryAfterUntil" IS NULL OR "retryAfterUntil" < :until)', { until })
      .execute());
  }

  /** Waits for a token of the partner's bucket (WEBEX_REQUESTS_PER_SECOND; none when 0). */
  private async takeRateToken(): Promise<void> {
    const rate = this.config.requestsPerSecond;
    if (rate <= 0) return;
    for (;;) {
      const now = Date.now();
      if (this.bucket.at === 0) this.bucket = { tokens: rate, at: now };
      this.bucket.tokens = Math.min(rate, this.bucket.tokens + ((now - this.bucket.at) / 1000) * rate);
      this.bucket.at = now;
      if (this.bucket.tokens >= 1) {
        this.bucket.tokens -= 1;
        return;
      }
      if (this.stopping()) throw new WebexStoppingError();
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.bucket.tokens) / rate) * 1000)));
    }
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.active >= this.config.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** One refresh for every request that saw the same token refused (they share it). */
  private async refresh(refusedToken: string): Promise<void> {
    if (this.accessToken !== refusedToken) return; // another request refreshed it meanwhile
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const { clientId, clientSecret, tokenKey } = this.config;
    // Another process may have refreshed it already: its token is in the database.
    const row = await this.db.manager.findOneBy(WebexConnectionRow, { partnerId: this.partnerId });
    if (row && tokenKey) {
      const stored = decryptToken(tokenKey, this.partnerId, row.accessToken);
      if (stored && stored !== this.accessToken) {
        this.accessToken = stored;
        this.refreshToken = row.refreshToken ? decryptToken(tokenKey, this.partnerId, row.refreshToken) : null;
        return;
      }
    }
    if (!clientId || !clientSecret || !this.refreshToken || !tokenKey) {
      throw new WebexTokenRefusedError('Webex refused the partner’s token (401) and it cannot be refreshed '
        + '(no refresh token, or WEBEX_CLIENT_ID/WEBEX_CLIENT_SECRET unset); connect again with connectWebex.');
    }
    const response = await this.limited(() => rawRequest(this.config.apiUrl, {
      method: 'POST', path: '/access_token', timeoutMs: this.config.requestTimeoutMs,
      form: { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: this.refreshToken! },
    }));
    const body = response.json ?? {};
    if (response.status !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
      // Cisco's words only (webexErrorOf never quotes the request): no token reaches the log or lastError.
      throw new WebexTokenRefusedError(`Webex refused to refresh the partner’s token (HTTP ${response.status}: ${webexErrorOf(response).description}); connect again with connectWebex.`);
    }
    this.accessToken = body.access_token;
    if (typeof body.refresh_token === 'string' && body.refresh_token) this.refreshToken = body.refresh_token;
    await this.db.write((tx) => tx.update(WebexConnectionRow, { partnerId: this.partnerId }, {
      accessToken: encryptToken(tokenKey, this.partnerId, this.accessToken),
      refreshToken: this.refreshToken ? encryptToken(tokenKey, this.partnerId, this.refreshToken) : null,
      updatedAt: new Date(),
    }));
    this.log.info({ partnerId: this.partnerId }, 'webex: access token refreshed');
  }
}
