import type { EntityTarget, ObjectLiteral } from 'typeorm';

type Row = ObjectLiteral & { id: string };

/**
 * The rows a dry run's transaction saw just before its rollback, for the answer's field
 * resolvers: the request's loaders answer from here for the parents the overlay covers, so a
 * previewed object resolves exactly like a stored one (and a resolver never knows which it has).
 * A parent is covered per child list: `covers(Location, 'customerId', id)` means every location of
 * that customer is in the overlay, none in the database. What a customer's answer needs is
 * captured by graphql/customer-capture.ts, beside the loaders that answer from it.
 */
export class Overlay {
  private readonly rows = new Map<EntityTarget<ObjectLiteral>, Map<string, Row>>();
  private readonly covered = new Set<string>();
  private readonly counts = new Map<string, number>();

  /** Rows of one entity, answered by id (`loaders.location.load(id)`) instead of the database. */
  put<T extends Row>(target: EntityTarget<T>, rows: readonly T[]): this {
    let byId = this.rows.get(target);
    if (!byId) this.rows.set(target, (byId = new Map()));
    for (const row of rows) byId.set(row.id, row);
    return this;
  }

  /** Every child of `parentId` along `parentColumn` is among the rows put for `target`. */
  cover<T extends Row>(target: EntityTarget<T>, parentColumn: string, parentId: string, rows: readonly T[]): this {
    this.put(target, rows);
    this.covered.add(coverKey(target, parentColumn, parentId));
    return this;
  }

  /** A figure a loader would count (e.g. a template's customers), as the transaction counted it. */
  count(name: string, key: string, n: number): this {
    this.counts.set(`${name}:${key}`, n);
    return this;
  }

  byId<T extends Row>(target: EntityTarget<T>, id: string): T | undefined {
    return this.rows.get(target)?.get(id) as T | undefined;
  }

  countOf(name: string, key: string): number | undefined {
    return this.counts.get(`${name}:${key}`);
  }

  /** The children of a covered parent, newest first like the database's lists; undefined when not covered. */
  childrenOf<T extends Row>(target: EntityTarget<T>, parentColumn: string, parentId: string): T[] | undefined {
    if (!this.covered.has(coverKey(target, parentColumn, parentId))) return undefined;
    const rows = [...(this.rows.get(target)?.values() ?? [])] as T[];
    return rows.filter((r) => r[parentColumn] === parentId).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }
}

const names = new WeakMap<object, string>();
let nameCounter = 0;

function coverKey(target: EntityTarget<ObjectLiteral>, parentColumn: string, parentId: string): string {
  const t = target as object;
  if (!names.has(t)) names.set(t, `t${++nameCounter}`);
  return `${names.get(t)}:${parentColumn}:${parentId}`;
}
