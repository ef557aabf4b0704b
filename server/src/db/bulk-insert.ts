import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const INSERT_CHUNK_SIZE = 500;

/**
 * Inserts many rows with one multi-row INSERT per chunk, through the driver's own value
 * conversion (transformers, booleans, JSON). TypeORM's `save()` would go row by row and
 * `insert()` rebuilds its query plan per call; a fixed statement shape per chunk size is prepared
 * once and reused from the driver's statement cache.
 */
export async function bulkInsert<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
  chunkSize = INSERT_CHUNK_SIZE,
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = tx.connection.getMetadata(target);
  const driver = tx.connection.driver;
  const columns = metadata.columns;
  const postgres = driver.options.type === 'postgres';
  const columnList = columns.map((c) => `"${c.databaseName}"`).join(', ');
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const marks: string[] = [];
      for (const column of columns) {
        params.push(driver.preparePersistentValue(column.getEntityValue(row), column));
        marks.push(postgres ? `$${params.length}` : '?');
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    await tx.query(`INSERT INTO "${metadata.tableName}" (${columnList}) VALUES ${tuples.join(', ')}`, params);
  }
}
