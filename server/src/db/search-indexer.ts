import type { EntityManager } from 'typeorm';

/**
 * SQLite's trigram search tables (migration 1733200000001) are filled per transaction: triggers
 * only note a written row's rowid in "<fts>_pending", and indexPendingSearchRows, which the writer
 * runs once before each group's COMMIT (db/group-commit.ts: beforeCommit), moves those rows into the
 * FTS5 table in one statement per table. One FTS5 row written per statement cost 70–120 µs (FTS5
 * flushes an index segment at each statement's savepoint): createCustomer's two rows took its CPU
 * from 0.4 to 0.7 ms. A search also reads the pending rows (db/text-search.ts), so a row whose
 * indexing failed (its savepoint rolled back) is still found.
 */
export const SEARCH_TABLES = [
  { table: 'customer_user', fts: 'customer_user_search', columns: ['firstName', 'lastName', 'email'] },
  { table: 'customer', fts: 'customer_search', columns: ['companyName', 'adminEmail', 'externalId'] },
] as const;

/** Runs inside a write transaction; returns how many rows it indexed. */
export async function indexPendingSearchRows(tx: EntityManager): Promise<number> {
  let indexed = 0;
  for (const { table, fts, columns } of SEARCH_TABLES) {
    const list = columns.map((c) => `"${c}"`).join(', ');
    // A cheap read first: most groups (status updates, audit-only writes) wrote no searchable row.
    const pending = Number((await tx.query(`SELECT COUNT(*) AS n FROM "${fts}_pending"`))[0].n);
    if (pending === 0) continue;
    await tx.query(`INSERT INTO "${fts}" ("rowid", ${list})
      SELECT t."rowid", ${columns.map((c) => `t."${c}"`).join(', ')} FROM "${table}" t JOIN "${fts}_pending" p ON p."rowid" = t."rowid"`);
    await tx.query(`DELETE FROM "${fts}_pending"`);
    indexed += pending;
  }
  return indexed;
}
