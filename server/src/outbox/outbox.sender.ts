import nodemailer, { type Transporter, type TransportOptions } from 'nodemailer';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { newId } from '../db/ids';
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

/** A claimed batch: the claim token and when its lease ends (epoch ms, as stored in the rows). */
interface Claim {
  token: string;
  leaseUntil: number;
  messages: OutboxMessage[];
}

/**
 * Delivers pending outbox messages over SMTP. Several processes may share one database: a batch
 * is claimed with a conditional UPDATE (status PENDING, no live lease) that stamps a claim token
 * and a lease, so each message is claimed by one process at a time. On SQLite the claim runs
 * through db.write (the single writer, BEGIN IMMEDIATE), on PostgreSQL in a transaction whose
 * UPDATE re-checks the condition on rows another process claimed meanwhile.
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly batchSize: number;
  /** The longest one delivery may take (connection, handshake and the message): a third of the lease. */
  private readonly sendDeadlineMs: number;

  constructor(private readonly db: Database, private readonly options: OutboxSenderOptions, private readonly log: Logger) {
    this.batchSize = options.batchSize ?? 50;
    this.sendDeadlineMs = Math.floor(options.leaseMs / 3);
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
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    let handled = 0;
    try {
      handled = await this.runOnce();
    } catch (error) {
      this.log.error({ err: error }, 'outbox: delivery round failed');
    }
    // A full batch suggests more are due: go on at once; otherwise wait for the next poll.
    this.schedule(handled >= this.batchSize ? 0 : this.options.pollIntervalMs);
  }

  /** Claims one batch of due messages and tries each once; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const claim = await this.claim();
    let held: Set<string> | null = null;
    for (const message of claim.messages) {
      if (this.stopped) break;
      if (claim.leaseUntil - Date.now() < 2 * this.sendDeadlineMs) held = await this.renew(claim);
      // Not renewed: the lease has held since the claim (or the last renewal), so the message is still ours.
      if (held && !held.has(message.id)) continue;
      await this.deliver(message);
    }
    // Stopping mid-batch: hand the rest back at once rather than keep them from every other
    // process until the lease runs out (five minutes by default, across a routine restart).
    if (this.stopped) await this.unclaim(claim);
    return claim.messages.length;
  }

  /** Gives up the claim's messages still PENDING under its token (those delivered were released one by one). */
  private async unclaim(claim: Claim): Promise<void> {
    if (claim.messages.length === 0) return;
    await this.db.write((tx) => tx.createQueryBuilder()
      .update(OutboxMessage)
      .set({ claimToken: null, leaseUntil: null })
      .where('"claimToken" = :token', { token: claim.token })
      .andWhere('status = :pending', { pending: OutboxStatus.PENDING })
      .execute());
  }

  private async claim(): Promise<Claim> {
    const token = newId();
    const now = new Date();
    const leaseUntil = now.getTime() + this.options.leaseMs;
    const messages = await this.db.write(async (tx) => {
      const due = await tx.createQueryBuilder(OutboxMessage, 'm')
        .select('m.id', 'id')
        .where('m.status = :pending', { pending: OutboxStatus.PENDING })
        .andWhere('m.nextAttemptAt <= :now', { now: now.getTime() })
        .andWhere('(m.leaseUntil IS NULL OR m.leaseUntil < :now)', { now: now.getTime() })
        .orderBy('m.id', 'ASC')
        .limit(this.batchSize)
        .getRawMany<{ id: string }>();
      if (due.length === 0) return [];
      await tx.createQueryBuilder()
        .update(OutboxMessage)
        .set({ claimToken: token, leaseUntil: new Date(leaseUntil) })
        .where('id IN (:...ids)', { ids: due.map((d) => d.id) })
        .andWhere('status = :pending', { pending: OutboxStatus.PENDING })
        .andWhere('("leaseUntil" IS NULL OR "leaseUntil" < :now)', { now: now.getTime() })
        .execute();
      return tx.find(OutboxMessage, { where: { claimToken: token }, order: { id: 'ASC' } });
    });
    return { token, leaseUntil, messages };
  }

  /**
   * Extends the lease of the claim's messages that still carry its token and are still PENDING
   * (one conditional UPDATE), and returns their ids: those this process may still send.
   */
  private async renew(claim: Claim): Promise<Set<string>> {
    return this.db.write(async (tx) => {
      const leaseUntil = Date.now() + this.options.leaseMs;
      await tx.createQueryBuilder()
        .update(OutboxMessage)
        .set({ leaseUntil: new Date(leaseUntil) })
        .where('"claimToken" = :token', { token: claim.token })
        .andWhere('status = :pending', { pending: OutboxStatus.PENDING })
        .execute();
      const rows = await tx.createQueryBuilder(OutboxMessage, 'm')
        .select('m.id', 'id')
        .where('m.claimToken = :token', { token: claim.token })
        .andWhere('m.status = :pending', { pending: OutboxStatus.PENDING })
        .getRawMany<{ id: string }>();
      claim.leaseUntil = leaseUntil;
      return new Set(rows.map((r) => r.id));
    });
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
    const result = await this.db.write((tx) => tx.update(OutboxMessage, { id: message.id, claimToken: message.claimToken! },
      { ...changes, claimToken: null, leaseUntil: null }));
    if (result.affected === 0) {
      // Recording the outcome took longer than the lease had left and another process claimed the
      // message meanwhile (or the clocks of the processes disagree by a third of the lease).
      this.log.warn({ messageId: message.id, status: changes.status }, 'outbox: claim lapsed before the outcome was recorded');
    }
  }

  /** Stops polling and waits for the round in flight (the database must still be open). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.transport.close();
  }
}
