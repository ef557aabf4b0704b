import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const INSERT_CHUNK_SIZE = 500;

/**
 * The statement texts of one table already built, by rows per statement: only the shapes that
 * recur (a few rows: createCustomer inserts one row into each of five tables per call; a full
 * chunk: every chunk of an import but its last), so the cache stays a few KiB per table.
 */
const CACHED_ROW_COUNTS = 8;
const statements = new WeakMap<EntityMetadata, Map<number, string>>();

/** `INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?)` for `rows` rows (`$1, $2, …` on PostgreSQL). */
function insertStatement(metadata: EntityMetadata, postgres: boolean, rows: number, chunkSize: number): string {
  let byRows = statements.get(metadata);
  if (!byRows) statements.set(metadata, (byRows = new Map()));
  let sql = byRows.get(rows);
  if (sql !== undefined) return sql;
  const width = metadata.columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 1; c <= width; c++) marks.push(postgres ? `$${r * width + c}` : '?');
    tuples.push(`(${marks.join(', ')})`);
  }
  const columnList = metadata.columns.map((c) => `"${c.databaseName}"`).join(', ');
  sql = `INSERT INTO "${metadata.tableName}" (${columnList}) VALUES ${tuples.join(', ')}`;
  if (rows <= CACHED_ROW_COUNTS || rows === chunkSize) byRows.set(rows, sql);
  return sql;
}

/**
 * Inserts many rows with one multi-row INSERT per chunk, through the driver's own value
 * conversion (transformers, booleans, JSON). TypeORM's `save()` would go row by row and
 * `insert()` rebuilds its query plan per call; a fixed statement shape per chunk size is prepared
 * once and reused from the driver's statement cache, and its text is built once (insertStatement:
 * rebuilding it was about a third of a one-row insert's JavaScript time).
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
  for (let start = 0; start < rows.length; start += chunkSize) {
    const end = Math.min(start + chunkSize, rows.length);
    const params: unknown[] = [];
    for (let i = start; i < end; i++) {
      const row = rows[i];
      for (const column of columns) params.push(driver.preparePersistentValue(column.getEntityValue(row), column));
    }
    await tx.query(insertStatement(metadata, postgres, end - start, chunkSize), params);
  }
}
