import type { EntityManager } from 'typeorm';

/**
 * PostgreSQL: locks one row for the rest of the transaction (SELECT … FOR UPDATE), so a concurrent
 * writer of the same row (or of rows that reference it) waits for this transaction, and this one
 * sees what the other committed. SQLite needs nothing: its writers already run one at a time.
 */
export async function lockRow(tx: EntityManager, table: string, id: string): Promise<void> {
  if (tx.connection.driver.options.type !== 'postgres') return;
  await tx.query(`SELECT "id" FROM "${table}" WHERE "id" = $1 FOR UPDATE`, [id]);
}
