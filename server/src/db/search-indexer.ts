import type { EntityManager } from 'typeorm';
import { applyPendingUserGrams } from './search-grams';

/**
 * SQLite's trigram search tables (migration 1733200000001) are filled per transaction: triggers
 * only note a written row's rowid in "<fts>_pending", and indexPendingSearchRows, which the writer
 * runs before each group's COMMIT (db/group-commit.ts: beforeCommit), moves those rows into the
 * FTS5 table in one statement per table once SEARCH_INDEX_BATCH of them have gathered. One FTS5 row written per statement cost 70–120 µs (FTS5
 * flushes an index segment at each statement's savepoint): createCustomer's two rows took its CPU
 * from 0.4 to 0.7 ms. A search also reads the pending rows (db/text-search.ts), so a row whose
 * indexing failed (its savepoint rolled back) is still found.
 */
export const SEARCH_TABLES = [
  { table: 'customer_user', fts: 'customer_user_search', columns: ['firstName', 'lastName', 'email'] },
  { table: 'customer', fts: 'customer_search', columns: ['companyName', 'adminEmail', 'externalId'] },
] as const;

/**
 * Rows a table's "_pending" list may gather before the writer indexes them. Indexing per group
 * commit (a few createCustomer calls) cost each createCustomer 0.28 ms of CPU on top of its 0.34
 * (2,000 calls in groups of 8, in-process, same run): every indexing statement writes an FTS5
 * segment, and the segments merge again and again. Gathered 256 at a time the cost vanished
 * in the same measurement (0.33–0.37 ms). Searches stay exact meanwhile, since they check the
 * pending rows as well (db/text-search.ts); what they pay is bounded by this figure, and a large
 * write (a setupCustomer) reaches it and is indexed at its own commit.
 */
export const SEARCH_INDEX_BATCH = 256;

/**
 * Runs inside a write transaction: indexes the pending rows of every table holding at least
 * `minimum` of them (the writer passes SEARCH_INDEX_BATCH; 1 indexes whatever is pending), and
 * likewise folds the pending users into the short-term counts (db/search-grams.ts).
 * Returns how many rows it indexed.
 */
export async function indexPendingSearchRows(tx: EntityManager, minimum = 1): Promise<number> {
  // One cheap read first (a count of a small table per search table, and of the users whose grams
  // wait: db/search-grams.ts): most commits index nothing.
  const [counts] = await tx.query(`SELECT ${SEARCH_TABLES.map(({ fts }, i) => `(SELECT COUNT(*) FROM "${fts}_pending") AS n${i}`).join(', ')},
    (SELECT COUNT(*) FROM "customer_user_gram_pending") AS grams`) as Record<string, number | string>[];
  let indexed = 0;
  const grams = Number(counts.grams);
  if (grams > 0 && grams >= minimum) indexed += await applyPendingUserGrams(tx);
  for (const [i, { table, fts, columns }] of SEARCH_TABLES.entries()) {
    const pending = Number(counts[`n${i}`]);
    if (pending === 0 || pending < minimum) continue;
    const list = columns.map((c) => `"${c}"`).join(', ');
    await tx.query(`INSERT INTO "${fts}" ("rowid", ${list})
      SELECT t."rowid", ${columns.map((c) => `t."${c}"`).join(', ')} FROM "${table}" t JOIN "${fts}_pending" p ON p."rowid" = t."rowid"`);
    await tx.query(`DELETE FROM "${fts}_pending"`);
    indexed += pending;
  }
  return indexed;
}
