import { stat } from 'node:fs/promises';
import type { Database } from '../db/database';

/**
 * The queue counts stop at this many rows: a count walks the status index row by row, and on
 * SQLite it runs on the event loop. 100,000 bounds a scrape's cost to a few milliseconds; the
 * gauge then reads "at least 100,000", which says the same to an operator.
 */
export const QUEUE_COUNT_CAP = 100_000;

export interface QueueSnapshot {
  outboxPending: number;
  /** Seconds since the most overdue PENDING email became due (0: none is due). */
  outboxOldestDueSeconds: number;
  webexPending: number;
  webexHeld: number;
  webexOldestDueSeconds: number;
}

/** Rows of `table` with `status`, counted up to QUEUE_COUNT_CAP. */
async function cappedCount(db: Database, table: string, status: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await db.reader.query(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "${table}" WHERE "status" = '${status}' LIMIT ${QUEUE_COUNT_CAP}) AS capped`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Seconds since the earliest `nextAttemptAt` of the PENDING rows, 0 when none is due yet. One seek
 * on the (status, nextAttemptAt) index both tables have; for a row never attempted, nextAttemptAt
 * is its creation, so this is the age of the oldest email (or job) waiting for its first attempt.
 */
async function oldestDueSeconds(db: Database, table: string, now: number): Promise<number> {
  const rows: Array<{ due: number | string | null }> = await db.reader.query(
    `SELECT MIN("nextAttemptAt") AS due FROM "${table}" WHERE "status" = 'PENDING'`);
  const due = rows[0]?.due;
  if (due === null || due === undefined) return 0;
  return Math.max(0, (now - Number(due)) / 1000);
}

export async function queueSnapshot(db: Database): Promise<QueueSnapshot> {
  const now = Date.now();
  const [outboxPending, outboxOldestDueSeconds, webexPending, webexHeld, webexOldestDueSeconds] = await Promise.all([
    cappedCount(db, 'outbox_message', 'PENDING'),
    oldestDueSeconds(db, 'outbox_message', now),
    cappedCount(db, 'webex_job', 'PENDING'),
    cappedCount(db, 'webex_job', 'HELD'),
    oldestDueSeconds(db, 'webex_job', now),
  ]);
  return { outboxPending, outboxOldestDueSeconds, webexPending, webexHeld, webexOldestDueSeconds };
}

/** Bytes on disk: SQLite's file and its WAL (the WAL grows between checkpoints); PostgreSQL's pg_database_size. */
export async function databaseSize(db: Database, sqliteFile: string | null): Promise<Record<string, number>> {
  if (db.kind === 'postgres') {
    const rows: Array<{ size: string | number }> = await db.reader.query('SELECT pg_database_size(current_database()) AS size');
    return { database: Number(rows[0]?.size ?? 0) };
  }
  if (!sqliteFile || sqliteFile === ':memory:') return {};
  const size = (file: string) => stat(file).then((s) => s.size, () => 0);
  const [main, wal] = await Promise.all([size(sqliteFile), size(`${sqliteFile}-wal`)]);
  return { main, wal };
}
