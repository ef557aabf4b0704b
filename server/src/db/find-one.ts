import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

const sqlCache = new WeakMap<EntityMetadata, Map<string, string>>();

/**
 * `findOneBy` for equality on a few columns, with the SQL built once per (entity, columns) and the
 * row hydrated through the driver's own conversions. TypeORM's `findOneBy` rebuilds its query
 * through the query builder on every call, a visible share of a one-row mutation's cost
 * (README, Performance). Column names are code constants, never input.
 */
export async function findOneWhere<T extends ObjectLiteral>(
  manager: EntityManager, target: EntityTarget<T>, where: Partial<Record<keyof T & string, string>>,
  options: { lower?: ReadonlyArray<keyof T & string> } = {},
): Promise<T | null> {
  const metadata = manager.connection.getMetadata(target);
  const properties = Object.keys(where);
  const lowered = new Set<string>(options.lower ?? []);
  const key = properties.map((p) => (lowered.has(p) ? `lower:${p}` : p)).join(',');
  let byKey = sqlCache.get(metadata);
  if (!byKey) sqlCache.set(metadata, (byKey = new Map()));
  let sql = byKey.get(key);
  if (!sql) {
    const postgres = manager.connection.driver.options.type === 'postgres';
    const conditions = properties.map((p, i) => {
      const column = metadata.findColumnWithPropertyName(p);
      if (!column) throw new Error(`${metadata.name} has no column ${p}`);
      // lower(column) = value: matches an expression index on lower(column), e.g. the users' emails.
      const left = lowered.has(p) ? `lower("${column.databaseName}")` : `"${column.databaseName}"`;
      return `${left} = ${postgres ? `$${i + 1}` : '?'}`;
    });
    sql = `SELECT * FROM "${metadata.tableName}" WHERE ${conditions.join(' AND ')} LIMIT 1`;
    byKey.set(key, sql);
  }
  const rows: ObjectLiteral[] = await manager.query(sql, properties.map((p) => where[p as keyof T & string]));
  if (rows.length === 0) return null;
  const driver = manager.connection.driver;
  const entity = manager.create(target) as T;
  for (const column of metadata.columns) {
    (entity as ObjectLiteral)[column.propertyName] = driver.prepareHydratedValue(rows[0][column.databaseName], column);
  }
  return entity;
}

/**
 * Rows whose `column` is one of `values` (and, optionally, whose other columns equal `equals`),
 * hydrated like {@link findOneWhere}: the DataLoaders' batched lookups without the query builder.
 * The caller keeps `values` under the bound-parameter limits (the loaders batch at most 500).
 */
export async function findWhereIn<T extends ObjectLiteral>(
  manager: EntityManager, target: EntityTarget<T>, column: keyof T & string, values: readonly string[],
  equals: Partial<Record<keyof T & string, string | boolean>> = {},
): Promise<T[]> {
  if (values.length === 0) return [];
  const metadata = manager.connection.getMetadata(target);
  const postgres = manager.connection.driver.options.type === 'postgres';
  const name = (p: string) => {
    const c = metadata.findColumnWithPropertyName(p);
    if (!c) throw new Error(`${metadata.name} has no column ${p}`);
    return `"${c.databaseName}"`;
  };
  const extra = Object.keys(equals);
  const mark = (i: number) => (postgres ? `$${i + 1}` : '?');
  const conditions = [
    `${name(column)} IN (${values.map((_, i) => mark(i)).join(', ')})`,
    ...extra.map((p, i) => `${name(p)} = ${mark(values.length + i)}`),
  ];
  const sql = `SELECT * FROM "${metadata.tableName}" WHERE ${conditions.join(' AND ')}`;
  const rows: ObjectLiteral[] = await manager.query(sql, [...values, ...extra.map((p) => equals[p as keyof T & string])]);
  const driver = manager.connection.driver;
  return rows.map((row) => {
    const entity = manager.create(target) as T;
    for (const c of metadata.columns) (entity as ObjectLiteral)[c.propertyName] = driver.prepareHydratedValue(row[c.databaseName], c);
    return entity;
  });
}
