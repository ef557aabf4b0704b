/**
 * The background loop of a leased queue (the outbox sender, the Webex worker; both claim with
 * lease-claims.ts): one round, then the next at once when the round was full (more is probably
 * due) or after the poll interval. A failed round is reported and the loop goes on. stop() is the
 * SIGTERM drain: no new round starts, and it resolves once the round in flight has finished (the
 * round itself reads `stopped` to hand back what it has not started).
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private halted = false;

  /**
   * @param round one pass; resolves to true when it was full and the next pass should follow at once.
   * @param intervalMs the wait after a pass that was not full.
   * @param onError told about a pass that threw (the loop goes on).
   */
  constructor(
    private readonly round: () => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True once stop() was called: a round in flight stops taking new work. */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.schedule(0);
  }

  /** No further round; resolves when the one in flight (if any) is done. */
  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.halted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, delayMs);
    // Never what keeps the process alive.
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    let full = false;
    try {
      full = await this.round();
    } catch (error) {
      this.onError(error);
    }
    this.schedule(full ? 0 : this.intervalMs);
  }
}
