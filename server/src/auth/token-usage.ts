import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { ApiToken } from '../partners/api-token.entity';
import { TOKEN_TOUCH_INTERVAL_MS } from './caller';

/**
 * Records when API tokens were last used without a write in any request: requests note their token
 * here (only when its stored `lastUsedAt` is older than TOKEN_TOUCH_INTERVAL_MS), and a background
 * flush writes the noted instants in one transaction every `flushMs` (default that same interval)
 * and once more when the app stops. A read stays a read (its SQL counts, its latency), and a busy
 * token costs one UPDATE per interval, not one per request. `list-tokens` shows it to within that.
 */
export class TokenUsage {
  private readonly pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database, private readonly log: Logger, private readonly flushMs = TOKEN_TOUCH_INTERVAL_MS) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Notes a use of the token (the newest instant wins). */
  note(tokenId: string, at = Date.now()): void {
    this.pending.set(tokenId, at);
  }

  /** Writes what was noted (one transaction); a failure is logged and the uses are kept for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending];
      this.pending.clear();
      try {
        await this.db.write(async (tx) => {
          for (const [id, at] of batch) await tx.update(ApiToken, { id }, { lastUsedAt: new Date(at) });
        });
      } catch (error) {
        for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
        this.log.warn({ err: error, tokens: batch.length }, 'token usage: lastUsedAt not recorded');
      }
    });
    return this.flushing;
  }

  /** Stops the timer and writes what is still noted (the database must still be open). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
