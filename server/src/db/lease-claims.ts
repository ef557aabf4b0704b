import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database } from './database';
import { newId } from './ids';

/** The columns a leased queue row needs (the outbox's messages, the Webex connector's jobs). */
export interface LeasedRow extends ObjectLiteral {
  id: string;
  status: string;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  claimToken: string | null;
}

/** A claimed batch: the claim token and when its lease ends (epoch ms, as stored in the rows). */
export interface Claim<T> {
  token: string;
  leaseUntil: number;
  rows: T[];
}

export interface LeaseClaimsOptions {
  /** The status of a row waiting for work; only such rows are claimed, renewed and handed back. */
  pendingStatus: string;
  leaseMs: number;
  batchSize: number;
}

/**
 * Claims under leases, shared by every background worker that drains a table several processes
 * may share. A batch is claimed with a conditional UPDATE (status pending, due, no live lease)
 * that stamps a claim token and a lease, so each row is claimed by one process at a time. On
 * SQLite the claim runs through db.write (the single writer, BEGIN IMMEDIATE), on PostgreSQL in a
 * transaction whose UPDATE re-checks the condition on rows another process claimed meanwhile.
 * A crashed process's rows come back once their lease ends. Work that may outlive the lease renews
 * it (`renew`), and records its outcome only while it still holds the claim (`release`).
 */
export class LeaseClaims<T extends LeasedRow> {
  constructor(private readonly db: Database, private readonly target: EntityTarget<T>, private readonly options: LeaseClaimsOptions) {}

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  async claim(): Promise<Claim<T>> {
    const token = newId();
    const now = new Date();
    const leaseUntil = now.getTime() + this.options.leaseMs;
    const pending = this.options.pendingStatus;
    const rows = await this.db.write(async (tx) => {
      const due = await tx.createQueryBuilder(this.target, 'm')
        .select('m.id', 'id')
        .where('m.status = :pending', { pending })
        .andWhere('m.nextAttemptAt <= :now', { now: now.getTime() })
        .andWhere('(m.leaseUntil IS NULL OR m.leaseUntil < :now)', { now: now.getTime() })
        .orderBy('m.id', 'ASC')
        .limit(this.options.batchSize)
        .getRawMany<{ id: string }>();
      if (due.length === 0) return [];
      await tx.createQueryBuilder()
        .update(this.target)
        .set({ claimToken: token, leaseUntil: new Date(leaseUntil) } as never)
        .where('id IN (:...ids)', { ids: due.map((d) => d.id) })
        .andWhere('status = :pending', { pending })
        .andWhere('("leaseUntil" IS NULL OR "leaseUntil" < :now)', { now: now.getTime() })
        .execute();
      return tx.find(this.target, { where: { claimToken: token } as never, order: { id: 'ASC' } as never });
    });
    return { token, leaseUntil, rows };
  }

  /**
   * Extends the lease of the claim's rows that still carry its token and are still pending (one
   * conditional UPDATE), and returns their ids: those this process may still work on.
   */
  async renew(claim: Claim<T>): Promise<Set<string>> {
    const pending = this.options.pendingStatus;
    return this.db.write(async (tx) => {
      const leaseUntil = Date.now() + this.options.leaseMs;
      await tx.createQueryBuilder()
        .update(this.target)
        .set({ leaseUntil: new Date(leaseUntil) } as never)
        .where('"claimToken" = :token', { token: claim.token })
        .andWhere('status = :pending', { pending })
        .execute();
      const rows = await tx.createQueryBuilder(this.target, 'm')
        .select('m.id', 'id')
        .where('m.claimToken = :token', { token: claim.token })
        .andWhere('m.status = :pending', { pending })
        .getRawMany<{ id: string }>();
      claim.leaseUntil = leaseUntil;
      return new Set(rows.map((r) => r.id));
    });
  }

  /** Gives up the claim's rows still pending under its token (those done were released one by one). */
  async unclaim(claim: Claim<T>): Promise<void> {
    if (claim.rows.length === 0) return;
    await this.db.write((tx) => tx.createQueryBuilder()
      .update(this.target)
      .set({ claimToken: null, leaseUntil: null } as never)
      .where('"claimToken" = :token', { token: claim.token })
      .andWhere('status = :pending', { pending: this.options.pendingStatus })
      .execute());
  }

  /** Records a row's outcome and ends its claim, only while this process still holds it; false when the claim had lapsed. */
  async release(row: T, changes: Partial<T>): Promise<boolean> {
    const result = await this.db.write((tx) => tx.update(this.target, { id: row.id, claimToken: row.claimToken! } as never,
      { ...changes, claimToken: null, leaseUntil: null } as never));
    return (result.affected ?? 0) > 0;
  }
}
