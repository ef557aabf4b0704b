import nodemailer, { type Transporter, type TransportOptions } from 'nodemailer';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { PollingLoop } from '../db/polling-loop';
import { LeaseClaims } from '../db/lease-claims';
import { OutboxMessage, OutboxStatus } from './outbox-message.entity';

export interface OutboxSenderOptions {
  smtpUrl: string;
  from: string;
  pollIntervalMs: number;
  /** First retry after this long; each further retry waits twice as long (capped at an hour). */
  retryBaseMs: number;
  maxAttempts: number;
  /**
   * How long a claim keeps other processes away. One delivery may take at most a third of it;
   * the sender renews the claim while it works through a batch (see runOnce).
   */
  leaseMs: number;
  batchSize?: number;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * Delivers pending outbox messages over SMTP. Several processes may share one database: batches
 * are claimed under leases (db/lease-claims.ts, shared with the Webex connector's jobs), so each
 * message is claimed by one process at a time.
 *
 * A batch is sent one message after another, which may take longer than the lease. So no message
 * is ever sent outside a live lease: each delivery is cut off after a third of the lease (an abort
 * signal, whatever the server's pace), and before each one the sender renews the claim of the
 * batch's remaining messages (a conditional UPDATE on the claim token) whenever less than two
 * thirds of the lease are left. A delivery therefore ends with at least a third of the lease to
 * spare for recording its outcome, and a message whose lease lapsed and which another process
 * claimed meanwhile no longer carries this claim's token: the renewal leaves it out and it is
 * skipped. A message is marked SENT right after the SMTP server accepted it; only a crash between
 * the two (or a delivery cut off after the server took it) resends it, the usual at-least-once
 * edge of an outbox.
 */
export class OutboxSender {
  private readonly transport: Transporter;
  private readonly loop: PollingLoop;
  private readonly batchSize: number;
  /** The longest one delivery may take (connection, handshake and the message): a third of the lease. */
  private readonly sendDeadlineMs: number;
  private readonly claims: LeaseClaims<OutboxMessage>;

  constructor(private readonly db: Database, private readonly options: OutboxSenderOptions, private readonly log: Logger) {
    this.batchSize = options.batchSize ?? 50;
    this.sendDeadlineMs = Math.floor(options.leaseMs / 3);
    this.claims = new LeaseClaims(db, OutboxMessage, { pendingStatus: OutboxStatus.PENDING, leaseMs: options.leaseMs, batchSize: this.batchSize });
    // A full batch suggests more are due: go on at once; otherwise wait for the next poll.
    this.loop = new PollingLoop(async () => (await this.runOnce()) >= this.batchSize, options.pollIntervalMs,
      (error) => this.log.error({ err: error }, 'outbox: delivery round failed'));
    const timeout = Math.min(30_000, this.sendDeadlineMs);
    // A pooled connection: one SMTP handshake for many messages, not one per message. The pool
    // would re-send a message on its own when a connection closes mid-send (maxRequeues, default 5),
    // possibly twice and outside our lease: retries belong to the outbox, which records each attempt.
    this.transport = nodemailer.createTransport({
      url: options.smtpUrl, pool: true, maxConnections: 1, maxRequeues: 0,
      connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
    } as TransportOptions);
  }

  start(): void {
    this.loop.start();
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  /** Claims one batch of due messages and tries each once; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const claim = await this.claims.claim();
    let held: Set<string> | null = null;
    for (const message of claim.rows) {
      if (this.stopped) break;
      if (claim.leaseUntil - Date.now() < 2 * this.sendDeadlineMs) held = await this.claims.renew(claim);
      // Not renewed: the lease has held since the claim (or the last renewal), so the message is still ours.
      if (held && !held.has(message.id)) continue;
      await this.deliver(message);
    }
    // Stopping mid-batch: hand the rest back at once rather than keep them from every other
    // process until the lease runs out (five minutes by default, across a routine restart).
    if (this.stopped) await this.claims.unclaim(claim);
    return claim.rows.length;
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const attempts = message.attempts + 1;
    try {
      await this.transport.sendMail({
        from: this.options.from, to: message.to, subject: message.subject, text: message.body,
        messageId: `<${message.id}@outbox.provisioning>`, headers: { 'X-Outbox-Id': message.id },
        // Cut off a delivery that would outlive the lease (a server trickling its replies defeats
        // socket timeouts): it fails like a connection error and is retried after the backoff.
        signal: AbortSignal.timeout(this.sendDeadlineMs),
      });
    } catch (error) {
      const e = error as { responseCode?: number; message?: string };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      const status = permanent || attempts >= this.options.maxAttempts ? OutboxStatus.FAILED : OutboxStatus.PENDING;
      const backoff = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      this.log.warn({ messageId: message.id, attempts, status, err: e.message }, 'outbox: delivery failed');
      await this.release(message, {
        status, attempts, lastError: String(e.message ?? error).slice(0, 1000), nextAttemptAt: new Date(Date.now() + backoff),
      });
      return;
    }
    await this.release(message, { status: OutboxStatus.SENT, attempts, lastError: null, sentAt: new Date() });
  }

  /** Records the outcome, only while this process still holds the claim. */
  private async release(message: OutboxMessage, changes: Partial<OutboxMessage>): Promise<void> {
    if (!(await this.claims.release(message, changes))) {
      // Recording the outcome took longer than the lease had left and another process claimed the
      // message meanwhile (or the clocks of the processes disagree by a third of the lease).
      this.log.warn({ messageId: message.id, status: changes.status }, 'outbox: claim lapsed before the outcome was recorded');
    }
  }

  /** Stops polling and waits for the round in flight (the database must still be open). */
  async stop(): Promise<void> {
    await this.loop.stop();
    this.transport.close();
  }
}
