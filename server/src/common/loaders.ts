import DataLoader from 'dataloader';
import { EntityTarget, In, IsNull, ObjectLiteral } from 'typeorm';
import { PstnProvider } from '../catalog/pstn-provider.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Database } from '../db/database';
import { findWhereIn } from '../db/find-one';
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
}

/**
 * Request-scoped batching: every lookup by id and every child list under a list of parents is
 * one query per request, whatever the page size (domain.md performance promise P3).
 */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<any, any>>();

  constructor(private readonly db: Database) {}

  private memo<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.cache.get(name);
    if (!loader) {
      loader = make();
      this.cache.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }

  private byId<T extends ObjectLiteral & { id: string }>(name: string, target: EntityTarget<T>): DataLoader<string, T | null> {
    return this.memo(name, () => new DataLoader<string, T | null>(async (ids) => {
      const rows = await findWhereIn(this.db.manager, target, 'id', ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
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
      const rows = await findWhereIn(this.db.manager, Location, 'customerId', customerIds, { isHeadquarters: true });
      const byCustomer = new Map(rows.map((r) => [r.customerId, r]));
      return customerIds.map((id) => byCustomer.get(id) ?? null);
    }, { maxBatchSize: 500 }));
  }

  get customerCountByTemplate(): DataLoader<string, number> {
    return this.memo('customerCountByTemplate', () => new DataLoader<string, number>(async (templateIds) => {
      const rows = await this.db.manager.createQueryBuilder(Customer, 'c')
        .select('c.templateId', 'templateId').addSelect('COUNT(*)', 'n')
        .where('c.templateId IN (:...ids)', { ids: [...templateIds] })
        .groupBy('c.templateId')
        .getRawMany<{ templateId: string; n: string | number }>();
      const counts = new Map(rows.map((r) => [r.templateId, Number(r.n)]));
      return templateIds.map((id) => counts.get(id) ?? 0);
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

  /**
   * A page of children for many parents in one query: ROW_NUMBER() per parent, newest first,
   * `first + 1` rows each (the extra row says whether a next page exists).
   */
  childPage<T extends ObjectLiteral & { id: string }>(
    target: EntityTarget<T>, parentColumn: string, query: ChildListQuery,
  ): DataLoader<string, T[]> {
    const name = `childPage:${this.db.manager.connection.getMetadata(target).tableName}:${query.first}:${query.afterId}:${query.key}`;
    return this.memo(name, () => new DataLoader<string, T[]>(async (parentIds) => {
      const metadata = this.db.manager.connection.getMetadata(target);
      const inner = this.db.manager.createQueryBuilder(target, 'c')
        .select('c.*')
        .addSelect(`ROW_NUMBER() OVER (PARTITION BY c."${parentColumn}" ORDER BY c.id DESC)`, 'rn')
        .where(`c."${parentColumn}" IN (:...parentIds)`, { parentIds: [...parentIds] });
      if (query.afterId) inner.andWhere('c.id < :afterId', { afterId: query.afterId });
      if (query.where) inner.andWhere(query.where.sql, query.where.params);
      const [sql, params] = inner.getQueryAndParameters();
      const raw: ObjectLiteral[] = await this.db.manager.query(
        `SELECT * FROM (${sql}) ranked WHERE ranked.rn <= ${query.first + 1} ORDER BY ranked.id DESC`, params);
      const entities = raw.map((r) => Object.assign(this.db.manager.create(target), hydrate(metadata, r)) as T);
      const byParent = new Map<string, T[]>(parentIds.map((id) => [id, []]));
      entities.forEach((e) => byParent.get((e as ObjectLiteral)[parentColumn])?.push(e));
      return parentIds.map((id) => byParent.get(id) ?? []);
    }, { maxBatchSize: 500 }));
  }

  /** Counts of children per parent (the connection's totalCount), one query per batch. */
  childCount(target: EntityTarget<ObjectLiteral>, parentColumn: string, query: Pick<ChildListQuery, 'where' | 'key'>): DataLoader<string, number> {
    const name = `childCount:${this.db.manager.connection.getMetadata(target).tableName}:${query.key}`;
    return this.memo(name, () => new DataLoader<string, number>(async (parentIds) => {
      const qb = this.db.manager.createQueryBuilder(target, 'c')
        .select(`c."${parentColumn}"`, 'parentId').addSelect('COUNT(*)', 'n')
        .where(`c."${parentColumn}" IN (:...parentIds)`, { parentIds: [...parentIds] })
        .groupBy(`c."${parentColumn}"`);
      if (query.where) qb.andWhere(query.where.sql, query.where.params);
      const rows = await qb.getRawMany<{ parentId: string; n: string | number }>();
      const counts = new Map(rows.map((r) => [r.parentId, Number(r.n)]));
      return parentIds.map((id) => counts.get(id) ?? 0);
    }, { maxBatchSize: 500 }));
  }
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

