import type { Logger } from 'pino';
import type { Database } from './database';
import { PollingLoop } from './polling-loop';

/**
 * A table is analyzed once more rows than this changed since its last ANALYZE, plus a tenth of
 * the rows it holds (autovacuum's rule, with a floor high enough that the small writes of
 * createCustomer do not re-analyze the small tables every round).
 */
export const ANALYZE_BASE_ROWS = 1000;
export const ANALYZE_SCALE = 0.1;
/** How often the keeper looks: one query over the statistics views when nothing is due. */
export const ANALYZE_INTERVAL_MS = 2000;

/**
 * PostgreSQL: ANALYZE the tables a write changed by a tenth or more, within seconds of the write,
 * and flush their GIN indexes' pending lists.
 *
 * The planner picks a page's plan from the table's statistics. Right after a large import they
 * still describe the table as it was: after 100,000 users went into a customer that the last
 * ANALYZE saw empty, `customerId = ? AND id < ? ORDER BY id DESC LIMIT 101` was estimated at 76 rows,
 * so PostgreSQL fetched all 99,901 through a bitmap and sorted them (80–90 ms) instead of walking
 * the (customerId, id) index for one page (a few ms). Autovacuum fixes the statistics, but only
 * after its naptime (a minute by default) and not at all where it is turned off; PostgreSQL's own
 * advice after a bulk load is to run ANALYZE. `SKIP_LOCKED`: when another process is analyzing the
 * same table, this one leaves it. ANALYZE takes a lock that blocks neither reads nor writes.
 * Returns the tables analyzed.
 */
export async function analyzeChangedTables(db: Database): Promise<string[]> {
  if (db.kind !== 'postgres') return [];
  const due = await db.manager.query(`SELECT s."relname" AS "table", s."relid" AS "oid" FROM pg_stat_user_tables s
      JOIN pg_class c ON c."oid" = s."relid"
      WHERE s."schemaname" = current_schema() AND pg_has_role(c."relowner", 'USAGE')
        AND s."n_mod_since_analyze" > $1 + $2 * greatest(c."reltuples", 0)
      ORDER BY s."relname"`, [ANALYZE_BASE_ROWS, ANALYZE_SCALE]) as Array<{ table: string; oid: number }>;
  for (const { table, oid } of due) {
    await db.manager.query(`ANALYZE (SKIP_LOCKED) "${table.replace(/"/g, '""')}"`);
    // What autovacuum's ANALYZE also does, and a manual one does not: move the rows waiting in each
    // GIN index's pending list (fastupdate) into the index. Every search reads the whole pending
    // list; after a 100,000-user import its 444 pages cost each user search about 10 ms.
    await db.manager.query(`SELECT gin_clean_pending_list(i."indexrelid"::regclass) FROM pg_index i
        JOIN pg_class ic ON ic."oid" = i."indexrelid" JOIN pg_am am ON am."oid" = ic."relam"
        WHERE i."indrelid" = $1 AND am."amname" = 'gin'`, [oid]);
  }
  return due.map((row) => row.table);
}

/** The keeper's background loop (PostgreSQL only; null on SQLite, whose planner reads no statistics we keep). */
export function startStatisticsKeeper(db: Database, log: Logger, intervalMs = ANALYZE_INTERVAL_MS): PollingLoop | null {
  if (db.kind !== 'postgres') return null;
  const loop = new PollingLoop(async () => {
    const tables = await analyzeChangedTables(db);
    if (tables.length) log.debug({ tables }, 'table statistics refreshed after large writes');
    return false;
  }, intervalMs, (error) => log.warn({ err: error }, 'refreshing table statistics failed; retrying next round'));
  loop.start();
  return loop;
}
