import type { EntityManager } from 'typeorm';

/** Values per IN (...) list: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const SELECT_IN_CHUNK = 900;

/**
 * `SELECT <columns> FROM <table> WHERE <column> IN (...)` in chunks, as plain SQL. TypeORM's
 * `In()` goes through the query builder, whose parameter bookkeeping is quadratic in the list
 * length: for 10,000 values it cost more than the queries themselves (README, Performance).
 * Table and column names are code constants, never input.
 */
export async function selectIn<R>(
  tx: EntityManager, table: string, columns: readonly string[], column: string, values: readonly unknown[],
  options: { lower?: boolean; equal?: { column: string; value: unknown } } = {},
): Promise<R[]> {
  const postgres = tx.connection.driver.options.type === 'postgres';
  // lower: `lower(column) IN (...)`, which an expression index on lower(column) serves (emails).
  const where = options.lower ? `lower("${column}")` : `"${column}"`;
  // equal: `"other" = ? AND column IN (...)`, for a composite index that starts with "other"
  // (a customer's extensions: ux_user_extension on ("customerId", "extension")).
  const prefix = options.equal ? `"${options.equal.column}" = ${postgres ? '$1' : '?'} AND ` : '';
  const fixed = options.equal ? [options.equal.value] : [];
  const select = `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" WHERE ${prefix}${where} IN `;
  const out: R[] = [];
  for (let start = 0; start < values.length; start += SELECT_IN_CHUNK) {
    const chunk = values.slice(start, start + SELECT_IN_CHUNK);
    const marks = chunk.map((_, i) => (postgres ? `$${i + 1 + fixed.length}` : '?')).join(', ');
    const rows: R[] = await tx.query(`${select}(${marks})`, [...fixed, ...chunk] as unknown[]);
    for (const row of rows) out.push(row);
  }
  return out;
}
