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

/** Rows of `table` with `status`, counted up to QUEUE_COUNT_CAP (a scalar subquery). */
function cappedCount(table: string, status: string): string {
  return `(SELECT COUNT(*) FROM (SELECT 1 FROM "${table}" WHERE "status" = '${status}' LIMIT ${QUEUE_COUNT_CAP}) AS capped)`;
}

/**
 * The earliest `nextAttemptAt` of the PENDING rows: one seek on the (status, nextAttemptAt) index
 * both tables have. For a row never attempted, nextAttemptAt is its creation, so its distance from
 * now is the age of the oldest email (or job) waiting for its first attempt.
 */
function earliestDue(table: string): string {
  return `(SELECT MIN("nextAttemptAt") FROM "${table}" WHERE "status" = 'PENDING')`;
}

/** Seconds since `due` (epoch ms; PostgreSQL returns bigints as strings), 0 when nothing is due yet. */
function secondsSince(due: number | string | null | undefined, now: number): number {
  if (due === null || due === undefined) return 0;
  return Math.max(0, (now - Number(due)) / 1000);
}

/** One statement (one round trip, one pooled connection on PostgreSQL) for every queue gauge of a scrape. */
export async function queueSnapshot(db: Database): Promise<QueueSnapshot> {
  const now = Date.now();
  const rows: Array<Record<string, number | string | null>> = await db.reader.query(`SELECT
    ${cappedCount('outbox_message', 'PENDING')} AS "outboxPending",
    ${earliestDue('outbox_message')} AS "outboxDue",
    ${cappedCount('webex_job', 'PENDING')} AS "webexPending",
    ${cappedCount('webex_job', 'HELD')} AS "webexHeld",
    ${earliestDue('webex_job')} AS "webexDue"`);
  const row = rows[0] ?? {};
  return {
    outboxPending: Number(row.outboxPending ?? 0),
    outboxOldestDueSeconds: secondsSince(row.outboxDue, now),
    webexPending: Number(row.webexPending ?? 0),
    webexHeld: Number(row.webexHeld ?? 0),
    webexOldestDueSeconds: secondsSince(row.webexDue, now),
  };
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
