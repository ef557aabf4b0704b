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
): Promise<T | null> {
  const metadata = manager.connection.getMetadata(target);
  const properties = Object.keys(where);
  const key = properties.join(',');
  let byKey = sqlCache.get(metadata);
  if (!byKey) sqlCache.set(metadata, (byKey = new Map()));
  let sql = byKey.get(key);
  if (!sql) {
    const postgres = manager.connection.driver.options.type === 'postgres';
    const conditions = properties.map((p, i) => {
      const column = metadata.findColumnWithPropertyName(p);
      if (!column) throw new Error(`${metadata.name} has no column ${p}`);
      return `"${column.databaseName}" = ${postgres ? `$${i + 1}` : '?'}`;
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
