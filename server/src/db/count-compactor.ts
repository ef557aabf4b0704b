import type { Logger } from 'pino';
import type { Database } from './database';
import { PollingLoop } from './polling-loop';

/** A partner's count is folded once it spans more rows than this (migration 1733300000001). */
export const COMPACT_ABOVE_ROWS = 16;
/** Partners' counts folded per round at most; a full round is followed by the next at once. */
const GROUPS_PER_ROUND = 100;
/** How often the compactor looks. Between rounds a count sums the rows written since. */
export const COMPACT_INTERVAL_MS = 2000;

/**
 * PostgreSQL: folds the "partner_count_delta" rows of every (table, partner) holding more than
 * COMPACT_ABOVE_ROWS into one row with their sum, one READ COMMITTED transaction per partner and
 * table. A row inserted meanwhile by a transaction not yet committed is invisible to the DELETE and
 * stays, so nothing is lost or counted twice; two processes folding the same rows at once wait on
 * each other's row locks, and the second finds them gone. Returns how many counts it folded.
 */
export async function compactPartnerCounts(db: Database, aboveRows = COMPACT_ABOVE_ROWS): Promise<number> {
  if (db.kind !== 'postgres') return 0;
  const groups = await db.manager.query(`SELECT "kind", "parentId" FROM "partner_count_delta"
    GROUP BY "kind", "parentId" HAVING COUNT(*) > $1 LIMIT $2`, [aboveRows, GROUPS_PER_ROUND]) as Array<{ kind: string; parentId: string }>;
  for (const { kind, parentId } of groups) {
    await db.write((tx) => tx.query(`WITH "gone" AS (
        DELETE FROM "partner_count_delta" WHERE "kind" = $1 AND "parentId" = $2 RETURNING "n")
      INSERT INTO "partner_count_delta" ("kind", "parentId", "n")
        SELECT $1, $2, SUM("n") FROM "gone" HAVING COUNT(*) > 0`, [kind, parentId]));
  }
  return groups.length;
}

/** The compactor's background loop (PostgreSQL only; null on SQLite, whose counts are single rows). */
export function startCountCompactor(db: Database, log: Logger, intervalMs = COMPACT_INTERVAL_MS): PollingLoop | null {
  if (db.kind !== 'postgres') return null;
  const loop = new PollingLoop(async () => (await compactPartnerCounts(db)) >= GROUPS_PER_ROUND, intervalMs,
    (error) => log.warn({ err: error }, 'folding partner counts failed; retrying next round'));
  loop.start();
  return loop;
}
