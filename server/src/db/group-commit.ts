import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager, QueryRunner } from 'typeorm';
import { failpoint, FAILPOINTS } from './failpoints';
import { currentRequestStats, withoutRequestStats, type RequestStats } from './request-stats';

/** Most writes that share one COMMIT, and the longest a group stays open for more (from its BEGIN). */
export const GROUP_COMMIT_MAX_WRITES = 64;
export const GROUP_COMMIT_MAX_MS = 10;

/** How many writes one COMMIT may carry, and how long a group may stay open collecting them. */
export interface GroupCommitLimits {
  maxWrites: number;
  maxMs: number;
}

export const DEFAULT_GROUP_COMMIT_LIMITS: GroupCommitLimits = { maxWrites: GROUP_COMMIT_MAX_WRITES, maxMs: GROUP_COMMIT_MAX_MS };

export interface GroupedWrite<T> {
  work: (tx: EntityManager) => Promise<T>;
  dryRun: boolean;
  /** The write changes a few rows whatever its input and the database's size (see WriteOptions.small). */
  small?: boolean;
}

interface Pending {
  work: (tx: EntityManager) => Promise<unknown>;
  dryRun: boolean;
  small: boolean;
  /** Runs in the enqueuing request's async context (its statement counter and armed failpoint). */
  inContext: <R>(fn: () => R) => R;
  stats: RequestStats | undefined;
  /** performance.now() when it was queued: its wait for the writer is measured from here. */
  queuedAt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface GroupCommitDriver {
  /** A query runner on the single writer connection. */
  createRunner(): QueryRunner;
  /** BEGIN IMMEDIATE, waiting out another process's lock; throws SERVICE_UNAVAILABLE past the busy timeout. */
  begin(runner: QueryRunner): Promise<void>;
  /**
   * Where the transactions begun from now on keep their savepoints' page copies: in memory (true)
   * or SQLite's default, in memory up to 64 KiB and then in a temporary file (false). Called between
   * transactions only, and only when the answer changes (see GroupCommitWriter).
   */
  savepointsInMemory?(inMemory: boolean): void;
  /** Whether the connection still has the transaction open (SQLite rolls back by itself on some errors). */
  inTransaction(): boolean;
  translate(error: unknown): unknown;
  /** Told how long each write waited for the writer (queue, and another process's lock), in ms (GET /metrics). */
  waited?(ms: number): void;
  /**
   * Work for the whole group, run once before its COMMIT when something is to be committed (the
   * search indexing of the rows the group wrote). It runs in its own savepoint: should it fail, it
   * is rolled back alone and the group still commits.
   */
  beforeCommit?(runner: QueryRunner): Promise<void>;
  /**
   * Called after each COMMIT, outside any transaction, before the group's writes are answered and
   * the next group begins (the WAL's bound: see Database).
   */
  afterCommit?(): void | Promise<void>;
}

/**
 * SQLite's single writer with group commit. A WAL commit writes every B-tree page its transaction
 * dirtied (about 10 µs a page; a createCustomer dirties 19), so writers queued behind one another
 * share one transaction and one COMMIT instead of paying for it each:
 *
 * - each write runs inside its own SAVEPOINT, so its error (a userError abort, an internal fault,
 *   a constraint) or its dry run rolls back its own statements only, and later writes of the group
 *   never see them;
 * - a successful write's promise settles only after the shared COMMIT, so nobody reads or answers
 *   a row before it is durable in the WAL, exactly as with one transaction per write;
 * - when the queue runs dry, the group waits one turn of the event loop (setImmediate) for
 *   requests that are being parsed and resolved to join, bounded by GROUP_COMMIT_MAX_WRITES and
 *   GROUP_COMMIT_MAX_MS;
 * - a failed COMMIT, or an error after which SQLite dropped the whole transaction, fails every
 *   write of the group that had not settled: nothing is ever answered as written that was not.
 *
 * Writes still run one at a time in arrival order, each seeing the ones before it, so every rule
 * checked inside a write (uniqueness, replays) holds as before.
 *
 * A savepoint makes SQLite copy each page the write changes (that existed when it began) aside, so
 * that ROLLBACK TO can restore it. Past 64 KiB those copies go to a temporary file: a createCustomer
 * changes about 30 such pages (a leaf of each table and index it inserts into, the counters, the
 * search queues), so each write of a group paid about 60 pwrite() calls and a temporary file per
 * group, about 0.09 ms of CPU per createCustomer (a third of its SQL time). A group whose writes are
 * all `small` keeps the copies in memory (a few hundred KiB at most, freed at each RELEASE); any
 * other write (a 10,000-user setup, deleting a customer with all its users, changes megabytes of
 * pages) starts a group of its own with SQLite's default, so memory never follows a write's size.
 */
export class GroupCommitWriter {
  private readonly pending: Pending[] = [];
  private draining: Promise<void> | null = null;
  /** Where the current (or next) transaction keeps its savepoints' page copies (see savepointsInMemory). */
  private inMemory = false;
  /** Since start: COMMITs, and the writes they made durable (their ratio is the mean group size). */
  readonly counters = { commits: 0, committedWrites: 0 };

  constructor(private readonly driver: GroupCommitDriver, private readonly limits: GroupCommitLimits = DEFAULT_GROUP_COMMIT_LIMITS) {}

  run<T>(write: GroupedWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stats = currentRequestStats();
      this.pending.push({
        work: write.work, dryRun: write.dryRun, small: write.small === true, stats, queuedAt: performance.now(), resolve: resolve as (value: unknown) => void, reject,
        // Only a counted request (tests, EXPOSE_SQL_STATS) has a context worth carrying.
        inContext: stats ? AsyncLocalStorage.snapshot() : (fn) => fn(),
      });
      this.kick();
    });
  }

  /** Starts the loop unless it runs; the loop belongs to no request (a group's BEGIN and COMMIT count for none). */
  private kick(): void {
    if (this.draining) return;
    this.draining = withoutRequestStats(() => this.drain()).finally(() => {
      this.draining = null;
      // A write queued between the loop's last look and now (its caller resumed from our COMMIT
      // before the loop ended) would otherwise wait forever.
      if (this.pending.length > 0) this.kick();
    });
  }

  /** Resolves once every queued write has settled (for shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) await this.group();
  }

  /** One transaction: as many queued writes as join in time, then one COMMIT. */
  private async group(): Promise<void> {
    // The first write decides: a group of small writes only, or SQLite's default for anything.
    const inMemory = this.pending[0].small && this.driver.savepointsInMemory !== undefined;
    const runner = this.driver.createRunner();
    try {
      if (inMemory !== this.inMemory) {
        this.driver.savepointsInMemory!(inMemory);
        this.inMemory = inMemory;
      }
      await this.driver.begin(runner);
    } catch (error) {
      // Another process held the lock past the busy timeout: the first write gets the retryable
      // error, the others try again in turn.
      this.pending.shift()!.reject(error);
      await runner.release();
      return;
    }
    const startedAt = Date.now();
    const toCommit: { write: Pending; value: unknown }[] = [];
    let lost: unknown = null;
    // In a group of small writes, a write that is not small waits for the next group.
    const takeNext = () => (inMemory && this.pending.length > 0 && !this.pending[0].small ? undefined : this.pending.shift());
    while (lost === null) {
      let next = takeNext();
      if (!next && this.pending.length === 0 && toCommit.length < this.limits.maxWrites && Date.now() - startedAt < this.limits.maxMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        next = takeNext();
      }
      if (!next) break;
      const write = next;
      this.driver.waited?.(performance.now() - write.queuedAt);
      try {
        const value = await write.inContext(async () => {
          await runner.query('SAVEPOINT grouped_write');
          const result = await write.work(runner.manager);
          failpoint(FAILPOINTS.beforeCommit);
          if (write.dryRun) await runner.query('ROLLBACK TO grouped_write');
          await runner.query('RELEASE grouped_write');
          return result;
        });
        if (write.dryRun) write.resolve(value);
        else toCommit.push({ write, value });
      } catch (error) {
        lost = await write.inContext(() => this.undo(runner, error));
        write.reject(lost === null ? error : this.driver.translate(error));
      }
      if (toCommit.length >= this.limits.maxWrites || Date.now() - startedAt >= this.limits.maxMs) break;
    }
    await this.finish(runner, toCommit, lost);
  }

  /**
   * Rolls one write back to its savepoint. Returns null when the group can go on, or the error that
   * ended the whole transaction (SQLite dropped it, or the rollback itself failed).
   */
  private async undo(runner: QueryRunner, error: unknown): Promise<unknown> {
    if (!this.driver.inTransaction()) return error;
    try {
      await runner.query('ROLLBACK TO grouped_write');
      await runner.query('RELEASE grouped_write');
      return null;
    } catch (rollbackError) {
      return rollbackError;
    }
  }

  private async groupWork(runner: QueryRunner, work: (runner: QueryRunner) => Promise<void>): Promise<void> {
    await runner.query('SAVEPOINT group_work');
    try {
      await work(runner);
    } catch {
      // Whatever it left is undone; the writes of the group are not affected (see beforeCommit).
      if (!this.driver.inTransaction()) throw new Error('the transaction ended during the group work');
      await runner.query('ROLLBACK TO group_work');
    }
    await runner.query('RELEASE group_work');
  }

  private async finish(runner: QueryRunner, toCommit: { write: Pending; value: unknown }[], lost: unknown): Promise<void> {
    try {
      if (lost !== null) throw lost;
      if (toCommit.length === 0) {
        await runner.query('ROLLBACK');
      } else {
        if (this.driver.beforeCommit) await this.groupWork(runner, this.driver.beforeCommit);
        await runner.query('COMMIT');
      }
    } catch (error) {
      if (this.driver.inTransaction()) await runner.query('ROLLBACK').catch(() => undefined);
      const failure = this.driver.translate(error);
      for (const { write } of toCommit) write.reject(failure);
      return;
    } finally {
      markTransactionClosed(runner);
      await runner.release();
    }
    if (toCommit.length === 0) return; // rolled back: only dry runs and failures in this group
    await this.driver.afterCommit?.();
    this.counters.commits += 1;
    this.counters.committedWrites += toCommit.length;
    for (const { write, value } of toCommit) {
      if (write.stats) write.stats.commits += 1;
      write.resolve(value);
    }
  }
}

/** TypeORM's runner thinks a transaction is open (begin() told it so); it is over now. */
function markTransactionClosed(runner: QueryRunner): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = false;
  state.transactionDepth = 0;
}
