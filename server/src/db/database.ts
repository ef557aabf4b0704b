import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { DatabaseTarget } from '../config';
import { apiError } from '../errors/error-codes';
import { ENTITIES } from './entities';
import { failpoint, FAILPOINTS } from './failpoints';
import { MIGRATIONS } from './migrations';
import { CountingLogger, currentRequestStats } from './request-stats';
import { WriteQueue } from './write-queue';

export interface WriteOptions {
  /** Run everything, then roll back: the answer of a real call, nothing kept. */
  dryRun?: boolean;
}

export interface DatabaseOptions {
  target: DatabaseTarget;
  logger: Logger;
  /** How long a write waits for another process's SQLite write lock before SERVICE_UNAVAILABLE. */
  busyTimeoutMs?: number;
}

/** Thrown inside `write()` to roll back a dry run after its answer is built. */
class DryRunRollback extends Error {
  constructor(readonly value: unknown) {
    super('dry run');
  }
}

const RETRY_AFTER_SECONDS = 1;

function isSqliteBusy(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}

/**
 * The application's view of its database: reads on one connection, writes through `write()`.
 * On SQLite, writes are serialised by a queue on a second connection that starts each
 * transaction with BEGIN IMMEDIATE, and readers never see an uncommitted (or dry-run) write.
 * On PostgreSQL the database's transactions and unique indexes decide; no queue.
 */
export class Database {
  readonly kind: DatabaseTarget['kind'];
  readonly reader: DataSource;
  private readonly writer: DataSource;
  private readonly queue = new WriteQueue();
  private readonly busyTimeoutMs: number;

  private constructor(kind: DatabaseTarget['kind'], reader: DataSource, writer: DataSource, busyTimeoutMs: number) {
    this.kind = kind;
    this.reader = reader;
    this.writer = writer;
    this.busyTimeoutMs = busyTimeoutMs;
  }

  /** Opens (creating the SQLite file if needed) and runs pending migrations. */
  static async open(options: DatabaseOptions): Promise<Database> {
    const typeormLogger = new CountingLogger(options.logger);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (options.target.kind === 'postgres') {
      const ds = new DataSource({
        type: 'postgres',
        url: options.target.url,
        entities: ENTITIES,
        migrations: MIGRATIONS,
        migrationsTransactionMode: 'all',
        logger: typeormLogger,
        extra: { max: 10 },
      });
      await ds.initialize();
      await ds.runMigrations();
      return new Database('postgres', ds, ds, busyTimeoutMs);
    }
    const file = options.target.file;
    const sqlite = (role: 'reader' | 'writer') =>
      new DataSource({
        type: 'better-sqlite3',
        database: file,
        entities: ENTITIES,
        migrations: MIGRATIONS,
        migrationsTransactionMode: 'all',
        logger: typeormLogger,
        statementCacheSize: 500,
        // The writer waits for locks in JavaScript (see write()), so the event loop never blocks
        // inside SQLite's busy handler for long: its handler sleeps synchronously, and 50 ms per
        // attempt stalled every other request for most of the wait (reads took 10× longer).
        timeout: role === 'writer' ? 5 : busyTimeoutMs,
        prepareDatabase: (db: { pragma(s: string): unknown }) => {
          db.pragma('journal_mode = WAL');
          // WAL + NORMAL: a commit is durable once the WAL is checkpointed or synced; a power loss
          // can drop the last transactions but never corrupts the file (README, Performance).
          db.pragma('synchronous = NORMAL');
        },
      });
    const writer = sqlite('writer');
    await writer.initialize();
    await Database.retryWhileBusy(() => writer.runMigrations(), busyTimeoutMs);
    const reader = sqlite('reader');
    await reader.initialize();
    return new Database('sqlite', reader, writer, busyTimeoutMs);
  }

  private static async retryWhileBusy<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
        await sleep(Math.min(5 * 2 ** attempt, 100));
      }
    }
  }

  get manager(): EntityManager {
    return this.reader.manager;
  }

  /**
   * Runs `work` in one write transaction: commits when it resolves, rolls back when it throws or
   * when `dryRun` is set (the value is still returned).
   */
  async write<T>(work: (tx: EntityManager) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    if (this.kind === 'postgres') return this.writePostgres(work, options);
    return this.queue.run(() => this.writeSqlite(work, options));
  }

  private async writeSqlite<T>(work: (tx: EntityManager) => Promise<T>, options: WriteOptions): Promise<T> {
    const runner = this.writer.createQueryRunner();
    await this.beginImmediate(runner);
    let value: T;
    try {
      value = await work(runner.manager);
      failpoint(FAILPOINTS.beforeCommit);
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
    if (options.dryRun) {
      await runner.rollbackTransaction();
    } else {
      try {
        await runner.commitTransaction();
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw this.translate(error);
      }
      const stats = currentRequestStats();
      if (stats) stats.commits += 1;
    }
    return value;
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front (a deferred BEGIN could fail half-way on lock
   * upgrade). Another process holding the lock is waited for without blocking the event loop; past
   * the busy timeout the caller gets the retryable SERVICE_UNAVAILABLE.
   */
  private async beginImmediate(runner: QueryRunner): Promise<void> {
    try {
      await Database.retryWhileBusy(() => runner.query('BEGIN IMMEDIATE'), this.busyTimeoutMs);
    } catch (error) {
      throw this.translate(error);
    }
    // Tell TypeORM a transaction is open, so it neither nests one nor issues its own BEGIN.
    const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    state.isTransactionActive = true;
    state.transactionDepth = 1;
  }

  private async writePostgres<T>(work: (tx: EntityManager) => Promise<T>, options: WriteOptions): Promise<T> {
    try {
      const value = await this.writer.transaction(async (tx) => {
        const result = await work(tx);
        failpoint(FAILPOINTS.beforeCommit);
        if (options.dryRun) throw new DryRunRollback(result);
        return result;
      });
      const stats = currentRequestStats();
      if (stats) stats.commits += 1;
      return value;
    } catch (error) {
      if (error instanceof DryRunRollback) return error.value as T;
      throw error;
    }
  }

  /** Maps a lock that outlived the busy timeout to the retryable error of domain.md §8. */
  translate(error: unknown): unknown {
    if (isSqliteBusy(error)) {
      return apiError('SERVICE_UNAVAILABLE', 'The database is busy; retry shortly.', {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    return error;
  }

  async ping(): Promise<boolean> {
    try {
      await this.reader.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
    if (this.writer.isInitialized) await this.queue.run(() => this.writer.destroy());
  }
}
