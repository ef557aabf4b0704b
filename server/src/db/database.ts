import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { DataSource, EntityManager, MigrationExecutor, QueryRunner } from 'typeorm';
import type { DatabaseTarget } from '../config';
import { DatabaseBusyError } from './database-busy-error';
import { ENTITIES } from './entities';
import { failpoint, FAILPOINTS } from './failpoints';
import { MIGRATIONS } from './migrations';
import { Checkpointer, JOURNAL_SIZE_LIMIT_BYTES, startCheckpointer } from './checkpointer';
import { CountingLogger, currentRequestStats } from './request-stats';
import { DEFAULT_GROUP_COMMIT_LIMITS, GroupCommitLimits, GroupCommitWriter } from './group-commit';
import { indexPendingSearchRows, SEARCH_INDEX_BATCH } from './search-indexer';

export interface WriteOptions {
  /** Run everything, then roll back: the answer of a real call, nothing kept. */
  dryRun?: boolean;
  /**
   * SQLite: the write changes a few rows whatever its input and the database's size (createCustomer:
   * three rows, its email, its Webex job, its audit event). Such writes share groups whose
   * savepoints keep their page copies in memory instead of a temporary file (see GroupCommitWriter).
   * Leave it out for any write whose size follows its input or a customer's size.
   */
  small?: boolean;
  /**
   * PostgreSQL only (SQLite writers are serial): REPEATABLE READ gives every statement of an
   * attempt one snapshot, for writes whose checks must agree with each other (a replay lookup and
   * a uniqueness check seeing different commits would contradict). Only for insert-only writes: a
   * concurrent update of the same row fails such a transaction, and it is retried.
   */
  isolation?: 'READ COMMITTED' | 'REPEATABLE READ';
}

export interface DatabaseOptions {
  target: DatabaseTarget;
  logger: Logger;
  /** How long a write waits for another process's SQLite write lock before SERVICE_UNAVAILABLE. */
  busyTimeoutMs?: number;
  /** PostgreSQL connection pool size per process (default 10). */
  poolSize?: number;
  /** SQLite's group commit bounds (default GROUP_COMMIT_MAX_WRITES / GROUP_COMMIT_MAX_MS); tests of its semantics widen the time bound so a loaded machine cannot split their group. */
  groupCommit?: Partial<GroupCommitLimits>;
}

/** Thrown inside `write()` to roll back a dry run after its answer is built. */
class DryRunRollback extends Error {
  constructor(readonly value: unknown) {
    super('dry run');
  }
}

const RETRY_AFTER_SECONDS = 1;
const WAL_TRUNCATE_ATTEMPTS = 200;

/** Attempts of one PostgreSQL write transaction before its conflict is reported (see writePostgres). */
const POSTGRES_WRITE_ATTEMPTS = 3;

/** Any constant: the key of the advisory lock that serialises migrations and seeding across processes. */
const STARTUP_LOCK_KEY = 7_310_442_001;

function postgresCode(error: unknown): string | undefined {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.driverError?.code ?? e?.code;
}

/**
 * Conflicts with a concurrent transaction that a fresh attempt resolves: a unique violation (the
 * other writer committed first: the retry's checks now see its rows and report TAKEN on the exact
 * field), a deadlock between two multi-row inserts, a serialization failure.
 */
function isRetryableConflict(error: unknown): boolean {
  const code = postgresCode(error);
  return code === '23505' || code === '40P01' || code === '40001';
}

function isSqliteBusy(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}

/** The part of a better-sqlite3 handle that `prepareDatabase` uses. */
interface SqliteHandle {
  pragma(source: string): unknown;
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}

/**
 * The application's view of its database: reads on one connection, writes through `write()`.
 * On SQLite, writes run one at a time on a second connection (GroupCommitWriter: writes queued
 * together share one BEGIN IMMEDIATE … COMMIT, each in its own savepoint), and readers never see
 * an uncommitted (or dry-run) write. On PostgreSQL the database's transactions and unique indexes
 * decide; no queue.
 */
export class Database {
  readonly kind: DatabaseTarget['kind'];
  readonly reader: DataSource;
  private readonly writer: DataSource;
  private readonly grouped: GroupCommitWriter;
  private readonly busyTimeoutMs: number;
  private checkpointer: Checkpointer | null = null;
  private statementCounter: CountingLogger | null = null;
  /**
   * Told, in seconds, how long each write waited before its work began (GET /metrics): on SQLite
   * the single writer's queue (and another process's lock); on PostgreSQL a pool connection and BEGIN.
   */
  onWriterWait: ((seconds: number) => void) | null = null;

  private constructor(
    kind: DatabaseTarget['kind'], reader: DataSource, writer: DataSource, busyTimeoutMs: number,
    groupCommit: Partial<GroupCommitLimits> = {},
  ) {
    this.kind = kind;
    this.reader = reader;
    this.writer = writer;
    this.busyTimeoutMs = busyTimeoutMs;
    this.grouped = new GroupCommitWriter({
      createRunner: () => writer.createQueryRunner(),
      begin: (runner) => this.beginImmediate(runner),
      // temp_store decides where a transaction's savepoint journal lives (SQLite reads it when the
      // transaction begins); DEFAULT is the build's default, a file once past 64 KiB. The writer
      // connection has no temporary tables for the switch to drop.
      savepointsInMemory: kind === 'sqlite'
        ? (inMemory) => { (writer.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection.pragma(`temp_store = ${inMemory ? 'MEMORY' : 'DEFAULT'}`); }
        : undefined,
      inTransaction: () => kind === 'sqlite' && (writer.driver as unknown as { databaseConnection: { inTransaction: boolean } }).databaseConnection.inTransaction,
      translate: (error) => this.translate(error),
      waited: (ms) => this.onWriterWait?.(ms / 1000),
      // The rows written go into the trigram search tables in one statement per table once
      // SEARCH_INDEX_BATCH of them have gathered, not one FTS5 flush per row or per group (db/search-indexer.ts).
      beforeCommit: kind === 'sqlite' ? async (runner) => { await indexPendingSearchRows(runner.manager, SEARCH_INDEX_BATCH); } : undefined,
      afterCommit: kind === 'sqlite' ? () => this.boundWal() : undefined,
    }, { ...DEFAULT_GROUP_COMMIT_LIMITS, ...groupCommit });
  }

  /**
   * SQL that lower-cases `expression` beyond ASCII, for case-insensitive comparisons and searches:
   * PostgreSQL's lower() does; on SQLite it is the `casefold` function registered on every connection.
   */
  caseFold(expression: string): string {
    return this.kind === 'postgres' ? `lower(${expression})` : `casefold(${expression})`;
  }

  /**
   * caseFold(expression) for a `LIKE` against `term` (already lower-cased), without a call into
   * JavaScript per row where SQLite's own functions decide the same: when the term is ASCII, an
   * ASCII substring of the case-folded text is one of the text itself under SQLite's LIKE (which
   * folds ASCII letters), once the only two characters whose JavaScript lower case holds an ASCII
   * letter are mapped as toLowerCase() maps them (U+212A KELVIN SIGN → "k", U+0130 → "i" + U+0307;
   * checked over every code point). A search with a term shorter than a trigram scans the
   * customer's users for its totalCount, and casefold() per row made that scan 5–6 times dearer.
   * Only for LIKE: the result keeps the text's case, which LIKE ignores for ASCII.
   */
  caseFoldForLike(expression: string, term: string): string {
    if (this.kind === 'postgres' || !/^[\x00-\x7f]*$/.test(term)) return this.caseFold(expression);
    return `replace(replace(${expression}, char(8490), 'k'), char(304), 'i' || char(775))`;
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
        extra: { max: options.poolSize ?? 10 },
      });
      await ds.initialize();
      const db = new Database('postgres', ds, ds, busyTimeoutMs);
      db.statementCounter = typeormLogger;
      try {
        // Several processes may start on one empty database at once: one migrates, the others wait
        // and then find nothing pending. The migrations share the lock's transaction.
        await db.underStartupLock(async (runner) => {
          const executor = new MigrationExecutor(ds, runner);
          executor.transaction = 'all';
          await executor.executePendingMigrations();
        });
      } catch (error) {
        await ds.destroy().catch(() => undefined);
        throw error;
      }
      return db;
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
          // SQLite's lower() folds ASCII only; case-insensitive names and searches must treat
          // "Ö" and "ö" alike, as PostgreSQL's lower() does. See Database.caseFold.
          (db as SqliteHandle).function('casefold', { deterministic: true }, (value) => (typeof value === 'string' ? value.toLowerCase() : value));
          db.pragma('journal_mode = WAL');
          // WAL + NORMAL: a commit is durable once the WAL is checkpointed or synced; a power loss
          // can drop the last transactions but never corrupts the file (README, Performance).
          db.pragma('synchronous = NORMAL');
          // A WAL that a big import grew is cut back to this size once a checkpoint lets it restart (checkpointer.ts).
          db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
          // Checkpoints run on a worker thread (checkpointer.ts), not inside a request's commit.
          if (offThread) db.pragma('wal_autocheckpoint = 0');
        },
      });
    const offThread = file !== ':memory:';
    const writer = sqlite('writer');
    await writer.initialize();
    await Database.retryWhileBusy(() => writer.runMigrations(), busyTimeoutMs);
    const reader = sqlite('reader');
    await reader.initialize();
    const database = new Database('sqlite', reader, writer, busyTimeoutMs, options.groupCommit);
    database.statementCounter = typeormLogger;
    if (offThread) {
      database.checkpointer = startCheckpointer(file, options.logger, () => {
        for (const ds of [writer, reader]) {
          if (ds.isInitialized) (ds.driver as unknown as { databaseConnection: { pragma(s: string): unknown } }).databaseConnection.pragma('wal_autocheckpoint = 1000');
        }
      });
    }
    return database;
  }

  /**
   * SQLite: a WAL past JOURNAL_SIZE_LIMIT_BYTES after a commit is checkpointed and truncated right
   * there, on the writer's connection, between two transactions. The checkpointer thread cannot
   * always: back-to-back imports keep the write lock, and its TRUNCATE gave up (the WAL reached
   * 136 MB while ten 10,000-user setups ran back to back). Rare (only past 64 MB), so the commit
   * that crosses it pays the copy once.
   */
  private async boundWal(): Promise<void> {
    const file = (this.writer.options as { database?: string }).database;
    if (!file || file === ':memory:') return;
    let size = 0;
    try {
      size = statSync(`${file}-wal`).size;
    } catch {
      return;
    }
    if (size <= JOURNAL_SIZE_LIMIT_BYTES) return;
    const connection = (this.writer.driver as unknown as { databaseConnection: { pragma(s: string): unknown } }).databaseConnection;
    // A checkpoint already running on the checkpointer thread makes this one answer busy at once
    // (the WAL then stayed at 80-100 MB until a later commit): wait for it and try again, up to about
    // a second, without blocking the event loop; the writer starts no other transaction meanwhile.
    // Only a commit that crossed 64 MB (a big import) pays for it.
    for (let attempt = 0; attempt < WAL_TRUNCATE_ATTEMPTS; attempt++) {
      let busy: boolean;
      try {
        const [result] = connection.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
        busy = result?.busy === 1;
      } catch {
        busy = true;
      }
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Still busy (another process reads an old snapshot): the checkpointer thread or a later commit tries again.
  }

  /** Indexes any search rows still pending (tests; SQLite only, a no-op on PostgreSQL). */
  async flushSearchIndex(): Promise<void> {
    if (this.kind === 'sqlite') await this.write((tx) => indexPendingSearchRows(tx, 1));
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

  /**
   * Runs `fn` while holding a database-wide lock on PostgreSQL, so start-up work (migrations, the
   * demo partner) happens once when several API processes start together. The lock is a
   * transaction-scoped advisory lock (released by commit or rollback, also through PgBouncer in
   * transaction mode); `fn` gets that transaction's query runner. SQLite serialises such work
   * through its own write lock.
   */
  async underStartupLock<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.writer.createQueryRunner();
    if (this.kind !== 'postgres') {
      try {
        return await fn(runner);
      } finally {
        await runner.release();
      }
    }
    try {
      await runner.startTransaction();
      await runner.query('SELECT pg_advisory_xact_lock($1)', [STARTUP_LOCK_KEY]);
      const value = await fn(runner);
      await runner.commitTransaction();
      return value;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** SQL statements this process ran on this database since it opened (migrations included). */
  get statements(): number {
    return this.statementCounter?.statements ?? 0;
  }

  /** SQLite: COMMITs and the writes they carried since start (group commit); null on PostgreSQL. */
  get groupCommitCounters(): { commits: number; committedWrites: number } | null {
    return this.kind === 'sqlite' ? { ...this.grouped.counters } : null;
  }

  get manager(): EntityManager {
    return this.reader.manager;
  }

  /**
   * Runs `work` in one write transaction: commits when it resolves, rolls back when it throws or
   * when `dryRun` is set (the value is still returned). The promise settles once the commit is
   * done; on SQLite that commit may be shared with the writes queued beside this one (each rolled
   * back alone on its own error: see GroupCommitWriter).
   *
   * On PostgreSQL `work` may run more than once: a transaction that lost a race to a concurrent one
   * (unique violation, deadlock, serialization failure) is rolled back and run again from scratch,
   * so `work` must do its checks inside the transaction and keep no state between attempts other
   * than what it derived before the first write. After the last attempt the error is thrown.
   */
  async write<T>(work: (tx: EntityManager) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    if (this.kind === 'postgres') return this.writePostgres(work, options);
    return this.grouped.run({ work, dryRun: options.dryRun ?? false, small: options.small });
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

  /**
   * One transaction at READ COMMITTED: the checks inside `work` read committed rows, the unique
   * indexes are the final arbiter. A unique violation aborts a PostgreSQL transaction, so a
   * loser cannot continue: it is retried whole, and the retry's checks see the winner's rows.
   */
  private async writePostgres<T>(work: (tx: EntityManager) => Promise<T>, options: WriteOptions): Promise<T> {
    const queuedAt = performance.now();
    let waited = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.writer.transaction(options.isolation ?? 'READ COMMITTED', async (tx) => {
          if (!waited) {
            waited = true;
            this.onWriterWait?.((performance.now() - queuedAt) / 1000);
          }
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
        if (attempt >= POSTGRES_WRITE_ATTEMPTS || !isRetryableConflict(error)) throw error;
        // A short, jittered pause, so two losers of the same race do not collide again at once.
        await sleep(Math.random() * 5 * attempt);
      }
    }
  }

  /**
   * Maps a lock that outlived the busy timeout (SQLite), or a conflict that outlived the retries
   * (PostgreSQL deadlock or serialization failure), to a DatabaseBusyError (retryable: domain.md §8).
   */
  translate(error: unknown): unknown {
    const code = this.kind === 'postgres' ? postgresCode(error) : undefined;
    if (isSqliteBusy(error) || code === '40P01' || code === '40001') return new DatabaseBusyError(RETRY_AFTER_SECONDS, error);
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

  /**
   * Whether the database answers `SELECT 1` within `timeoutMs` (readiness, GET /readyz). On
   * PostgreSQL a query waits for a free pool connection: a pool exhausted for that long counts as
   * not answering. A late answer is dropped (the timer only decides what the probe is told).
   */
  async answers(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    try {
      return await Promise.race([this.ping(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
    await this.grouped.idle();
    if (this.writer.isInitialized) await this.writer.destroy();
  }
}
