import DataLoader from 'dataloader';
import { EntityTarget, In, IsNull, ObjectLiteral } from 'typeorm';
import { SetupAssistRequest } from '../assist/setup-assist.entity';
import { PstnProvider } from '../catalog/pstn-provider.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Database } from '../db/database';
import { COUNTED_CHILD_TABLES, readChildCounts } from '../db/child-counts';
import { findWhereIn } from '../db/find-one';
import { notThroughIndex } from '../db/text-search';
import type { Overlay } from '../mutations/overlay';
import { PartnerAdmin } from '../partners/partner-admin.entity';
import { Partner } from '../partners/partner.entity';
import { WholesaleSubscription } from '../partners/wholesale-subscription.entity';
import { OnboardingTemplate } from '../templates/template.entity';

/** A filter on a child list, applied the same way for every parent in a batch. */
export interface ChildListQuery {
  first: number;
  afterId: string | null;
  /** Extra SQL condition on alias "c" (the child table) and its parameters, or null. */
  where: { sql: string; params: Record<string, unknown> } | null;
  /** Distinguishes different filters in one request (part of the batch key). */
  key: string;
  /** The same filter as `where`, for rows in memory (a dry run's overlay); null: every row. */
  matches?: ((row: any) => boolean) | null;
  /**
   * `where` narrows more than the parent's index (a trigram search): the database then finds the
   * rows through `where` and not by walking the parent's (parent, id) index, which for a one-hit
   * search of a 100,000-user customer read every user (db/text-search.ts: notThroughIndex).
   */
  selective?: boolean;
  /**
   * Counts the filtered children of these parents from something the database keeps (a short
   * search's stored grams: db/search-grams.ts) instead of counting the rows; undefined: counted.
   * It must be exact: childPage also reads it to bound each parent's page.
   */
  count?: (parentIds: readonly string[]) => Promise<Map<string, number>>;
  /**
   * The page is walked through another table's index rather than the parent's (parent, id) index:
   * `table` has a row with the child's id and the same parent column for each child that may match,
   * and an index on (parent, `where`'s equalities, id). Each arm then reads that index newest first
   * from the keyset and joins the child by its primary key, so a page of the 3 FAILED users of a
   * 100,000-user customer reads about 3 rows, not every user (customers/customer-user.filter.ts).
   * `where` (on alias "d") says which of its rows; the child's own `where` still applies.
   */
  through?: { table: string; where: { sql: string; params: Record<string, unknown> } };
}

/**
 * Request-scoped batching: every lookup by id and every child list under a list of parents is
 * one query per request, whatever the page size (domain.md performance promise P3).
 */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<any, any>>();
  private overlay: Overlay | null = null;
  private readonly heldRows = new Map<EntityTarget<ObjectLiteral>, Map<string, ObjectLiteral>>();

  constructor(private readonly db: Database) {}

  /**
   * A write is about to run: forget what this request has read so far (the operation's earlier
   * mutations' answers are complete; GraphQL runs mutations one after another).
   */
  reset(): void {
    this.cache.clear();
    this.heldRows.clear();
    this.overlay = null;
  }

  /**
   * Rows a committed write of this request holds (e.g. setupCustomer's locations): answered at once,
   * without a promise per field, which a 10,000-user answer would pay for 10,000 times.
   */
  hold<T extends ObjectLiteral & { id: string }>(target: EntityTarget<T>, rows: Iterable<T>): void {
    let byId = this.heldRows.get(target);
    if (!byId) this.heldRows.set(target, (byId = new Map()));
    for (const row of rows) byId.set(row.id, row);
  }

  /** A row this request holds (a write's or a dry run's), or undefined: then load it. */
  held<T extends ObjectLiteral & { id: string }>(target: EntityTarget<T>, id: string): T | undefined {
    return (this.heldRows.get(target)?.get(id) as T | undefined) ?? this.overlay?.byId(target, id);
  }

  /** A dry run's rows: from now on the loaders answer from them for the parents they cover. */
  useOverlay(overlay: Overlay): void {
    this.reset();
    this.overlay = overlay;
  }

  /** A dry run's children of a parent it covers, or undefined: then read the database (for loaders beside their domain, webex/). */
  overlaidChildren<T extends ObjectLiteral & { id: string }>(target: EntityTarget<T>, parentColumn: string, parentId: string): T[] | undefined {
    return this.overlay?.childrenOf(target, parentColumn, parentId);
  }

  /** Parents the overlay answers for, and the others (left to the database). */
  private split<T>(parentIds: readonly string[], fromOverlay: (overlay: Overlay, id: string) => T | undefined) {
    const known = new Map<string, T>();
    for (const id of parentIds) {
      const value = this.overlay ? fromOverlay(this.overlay, id) : undefined;
      if (value !== undefined) known.set(id, value);
    }
    return { known, rest: known.size ? parentIds.filter((id) => !known.has(id)) : parentIds };
  }

  /** One loader per name and request, forgotten by reset(): for loaders defined beside their domain (webex/). */
  memo<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.cache.get(name);
    if (!loader) {
      loader = make();
      this.cache.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }

  private byId<T extends ObjectLiteral & { id: string }>(name: string, target: EntityTarget<T>): DataLoader<string, T | null> {
    return this.memo(name, () => new DataLoader<string, T | null>(async (ids) => {
      const { known, rest } = this.split(ids, (o, id) => o.byId(target, id));
      const rows = rest.length ? await findWhereIn(this.db.manager, target, 'id', rest) : [];
      const byId = new Map([...known, ...rows.map((r) => [r.id, r] as const)]);
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: 500 }));
  }

  get partner() { return this.byId('partner', Partner); }
  get admin() { return this.byId('admin', PartnerAdmin); }
  get subscription() { return this.byId('subscription', WholesaleSubscription); }
  get pstnProvider() { return this.byId('pstnProvider', PstnProvider); }
  get template() { return this.byId('template', OnboardingTemplate); }
  get customer() { return this.byId('customer', Customer); }
  get location() { return this.byId('location', Location); }

  get headquarters(): DataLoader<string, Location | null> {
    return this.memo('headquarters', () => new DataLoader<string, Location | null>(async (customerIds) => {
      const { known, rest } = this.split(customerIds, (o, id) => o.childrenOf(Location, 'customerId', id)?.find((l) => l.isHeadquarters) ?? undefined);
      const rows = rest.length ? await findWhereIn(this.db.manager, Location, 'customerId', rest, { isHeadquarters: true }) : [];
      const byCustomer = new Map([...known, ...rows.map((r) => [r.customerId, r] as const)]);
      return customerIds.map((id) => byCustomer.get(id) ?? null);
    }, { maxBatchSize: 500 }));
  }

  get customerCountByTemplate(): DataLoader<string, number> {
    return this.memo('customerCountByTemplate', () => new DataLoader<string, number>(async (templateIds) => {
      const { known, rest } = this.split(templateIds, (o, id) => o.countOf('customerCountByTemplate', id));
      const rows = rest.length ? await this.db.manager.createQueryBuilder(Customer, 'c')
        .select('c.templateId', 'templateId').addSelect('COUNT(*)', 'n')
        .where('c.templateId IN (:...ids)', { ids: [...rest] })
        .groupBy('c.templateId')
        .getRawMany<{ templateId: string; n: string | number }>() : [];
      const counts = new Map([...known, ...rows.map((r) => [r.templateId, Number(r.n)] as const)]);
      return templateIds.map((id) => counts.get(id) ?? 0);
    }, { maxBatchSize: 500 }));
  }

  /** A customer's Setup Assist requests, newest first, for many customers in one query. */
  get setupAssistRequestsByCustomer(): DataLoader<string, SetupAssistRequest[]> {
    return this.memo('setupAssistRequestsByCustomer', () => new DataLoader<string, SetupAssistRequest[]>(async (customerIds) => {
      const { known, rest } = this.split(customerIds, (o, id) => o.childrenOf(SetupAssistRequest, 'customerId', id));
      const rows = rest.length
        ? await this.db.manager.find(SetupAssistRequest, { where: { customerId: In([...rest]) }, order: { id: 'DESC' } }) : [];
      return customerIds.map((id) => known.get(id) ?? rows.filter((r) => r.customerId === id));
    }, { maxBatchSize: 500 }));
  }

  /** Admins and subscriptions of a partner (the viewer's lists). */
  get adminsByPartner(): DataLoader<string, PartnerAdmin[]> {
    return this.memo('adminsByPartner', () => new DataLoader<string, PartnerAdmin[]>(async (partnerIds) => {
      // Disabled admins and the CLI's system identity are not the partner's admins any more (domain.md §14).
      const rows = await this.db.manager.find(PartnerAdmin, {
        where: { partnerId: In([...partnerIds]), disabledAt: IsNull(), system: false }, order: { id: 'ASC' },
      });
      return partnerIds.map((id) => rows.filter((r) => r.partnerId === id));
    }));
  }

  get subscriptionsByPartner(): DataLoader<string, WholesaleSubscription[]> {
    return this.memo('subscriptionsByPartner', () => new DataLoader<string, WholesaleSubscription[]>(async (partnerIds) => {
      const rows = await this.db.manager.find(WholesaleSubscription, { where: { partnerId: In([...partnerIds]) }, order: { id: 'ASC' } });
      return partnerIds.map((id) => rows.filter((r) => r.partnerId === id));
    }));
  }

  /** The parent column, out of the planner's reach when the filter is the better way in (db/text-search.ts). */
  private parentColumn(query: Pick<ChildListQuery, 'selective'>, column: string): string {
    return query.selective ? notThroughIndex(this.db, `c."${column}"`) : `c."${column}"`;
  }

  /**
   * A page of children for many parents in one query: per parent a keyset subquery (`parent = ?
   * AND id < after ORDER BY id DESC LIMIT first + 1`, the extra row says whether a next page
   * exists), glued with UNION ALL. Each arm walks the (parent, id) index from its start and stops
   * after one page, whatever the parent's size; numbering every child with ROW_NUMBER() and keeping
   * one page read all of them (256 ms instead of 0.26 ms at 220,000 users).
   */
  childPage<T extends ObjectLiteral & { id: string }>(
    target: EntityTarget<T>, parentColumn: string, query: ChildListQuery,
  ): DataLoader<string, T[]> {
    const name = `childPage:${this.db.manager.connection.getMetadata(target).tableName}:${query.first}:${query.afterId}:${query.key}`;
    return this.memo(name, () => new DataLoader<string, T[]>(async (parentIds) => {
      const { known, rest } = this.split(parentIds, (o, id) => o.childrenOf(target as EntityTarget<T>, parentColumn, id)
        ?.filter((r) => (!query.afterId || r.id < query.afterId) && (query.matches?.(r) ?? true)).slice(0, query.first + 1));
      if (rest.length === 0) return parentIds.map((id) => known.get(id) ?? []);
      const metadata = this.db.manager.connection.getMetadata(target);
      // A filter whose count is stored (ChildListQuery.count) bounds each parent's page: no match, no
      // arm at all; fewer than a page, the arm stops once it holds them all instead of reading the
      // rest of the parent. A short search or NOT_SYNCED with no match read every user before. The
      // counts are the totalCount's own (one loader per request), so a page never disagrees with it.
      const bounds = query.count ? await this.childCount(target, parentColumn, query).loadMany(rest) : null;
      const limits = new Map(rest.map((parentId, i) => {
        const bound = bounds?.[i];
        return [parentId, typeof bound === 'number' ? Math.min(query.first + 1, bound) : query.first + 1] as const;
      }));
      const arms = rest.filter((parentId) => limits.get(parentId)! > 0).map((parentId) => {
        const limit = limits.get(parentId)!;
        if (query.through) {
          // The other table's rows drive (its index gives the order); the child is joined by id.
          const arm = this.db.manager.createQueryBuilder()
            .select('c.*')
            .from(query.through.table, 'd')
            .innerJoin(metadata.tableName, 'c', 'c.id = d.id')
            .where(`d."${parentColumn}" = :parentId`, { parentId })
            .andWhere(query.through.where.sql, query.through.where.params);
          if (query.afterId) arm.andWhere('d.id < :afterId', { afterId: query.afterId });
          if (query.where) arm.andWhere(query.where.sql, query.where.params);
          return arm.orderBy('d.id', 'DESC').limit(limit).getQueryAndParameters();
        }
        const arm = this.db.manager.createQueryBuilder(target, 'c')
          .select('c.*')
          .where(`${this.parentColumn(query, parentColumn)} = :parentId`, { parentId });
        if (query.afterId) arm.andWhere('c.id < :afterId', { afterId: query.afterId });
        if (query.where) arm.andWhere(query.where.sql, query.where.params);
        return arm.orderBy('c.id', 'DESC').limit(limit).getQueryAndParameters();
      });
      const [sql, params] = unionAll(arms, this.db.kind === 'postgres');
      const raw: ObjectLiteral[] = arms.length ? await this.db.manager.query(sql, params) : [];
      const entities = raw.map((r) => Object.assign(this.db.manager.create(target), hydrate(metadata, r)) as T);
      const byParent = new Map<string, T[]>(parentIds.map((id) => [id, known.get(id) ?? []]));
      entities.forEach((e) => byParent.get((e as ObjectLiteral)[parentColumn])?.push(e));
      return parentIds.map((id) => byParent.get(id) ?? []);
      // A page of parents holds at most 100; each arm repeats the filter's few parameters, far
      // below either engine's bound-parameter limit.
    }, { maxBatchSize: 100 }));
  }

  /**
   * Counts of children per parent (the connection's totalCount), one query per batch. Without a
   * filter, a customer's users, locations and emails are read from the counts the database keeps
   * (db/child-counts.ts): one row per customer, whatever its size. A filtered list is counted,
   * unless its filter knows a stored count (ChildListQuery.count).
   */
  childCount(target: EntityTarget<ObjectLiteral>, parentColumn: string, query: Pick<ChildListQuery, 'where' | 'key' | 'matches' | 'selective' | 'count'>): DataLoader<string, number> {
    const table = this.db.manager.connection.getMetadata(target).tableName;
    const name = `childCount:${table}:${query.key}`;
    return this.memo(name, () => new DataLoader<string, number>(async (parentIds) => {
      const { known, rest } = this.split(parentIds, (o, id) => o.childrenOf(target as EntityTarget<ObjectLiteral & { id: string }>, parentColumn, id)
        ?.filter((r) => query.matches?.(r) ?? true).length);
      if (rest.length === 0) return parentIds.map((id) => known.get(id) ?? 0);
      if (query.where === null && parentColumn === 'customerId' && COUNTED_CHILD_TABLES.has(table)) {
        const counts = await readChildCounts(this.db.manager, table, rest);
        return parentIds.map((id) => known.get(id) ?? counts.get(id) ?? 0);
      }
      if (query.count) {
        const counts = await query.count(rest);
        return parentIds.map((id) => known.get(id) ?? counts.get(id) ?? 0);
      }
      const qb = this.db.manager.createQueryBuilder(target, 'c')
        .select(`c."${parentColumn}"`, 'parentId').addSelect('COUNT(*)', 'n')
        .where(`${this.parentColumn(query, parentColumn)} IN (:...parentIds)`, { parentIds: [...rest] })
        .groupBy(`c."${parentColumn}"`);
      if (query.where) qb.andWhere(query.where.sql, query.where.params);
      const [sql, params] = qb.getQueryAndParameters();
      const rows: Array<{ parentId: string; n: string | number }> = await this.db.manager.query(sql, params);
      const counts = new Map([...known, ...rows.map((r) => [r.parentId, Number(r.n)] as const)]);
      return parentIds.map((id) => counts.get(id) ?? 0);
    }, { maxBatchSize: 500 }));
  }
}

/**
 * `SELECT * FROM (arm 1) UNION ALL SELECT * FROM (arm 2) …`, newest first. Each arm keeps its own
 * ORDER BY and LIMIT inside a derived table (both engines refuse them on a bare UNION arm).
 * PostgreSQL numbers its parameters ($1, $2, …): each arm's are shifted past the earlier arms'.
 * The arms' SQL comes from the query builder over code constants, so "$" appears only in markers.
 */
export function unionAll(arms: [string, unknown[]][], postgres: boolean): [string, unknown[]] {
  const params: unknown[] = [];
  const parts = arms.map(([sql, armParams], i) => {
    const offset = params.length;
    params.push(...armParams);
    const shifted = postgres ? sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`) : sql;
    return `SELECT * FROM (${shifted}) "arm${i}"`;
  });
  return [`${parts.join(' UNION ALL ')} ORDER BY "id" DESC`, params];
}

/** Raw row (database column names) → entity property values, through the driver's conversions. */
function hydrate(metadata: import('typeorm').EntityMetadata, raw: ObjectLiteral): ObjectLiteral {
  const driver = metadata.connection.driver;
  const out: ObjectLiteral = {};
  for (const column of metadata.columns) {
    out[column.propertyName] = driver.prepareHydratedValue(raw[column.databaseName], column);
  }
  return out;
}

