import DataLoader from 'dataloader';
import type { Loaders } from '../graphql/loaders';
import type { Database } from '../db/database';
import { findWhereIn } from '../db/find-one';
import { readChildCounts } from '../db/child-counts';
import { CustomerUser } from '../customers/customer-user.entity';
import type { HeldWebexStatus } from '../customers/customer.hooks';
import { WebexConnectionRow, WebexObjectKind, WebexStatusCount, WebexSyncRow, WebexSyncStatus } from './webex.entities';

interface WebexLoaders {
  sync: DataLoader<string, WebexSyncRow | null>;
  connection: DataLoader<string, WebexConnectionRow | null>;
  userCounts: DataLoader<string, WebexStatusCount[]>;
}

/** Statuses in the enum's order, those with no user left out. */
function countsOf(byStatus: Map<WebexSyncStatus, number>): WebexStatusCount[] {
  return Object.values(WebexSyncStatus).filter((status) => (byStatus.get(status) ?? 0) > 0).map((status) => ({ status, count: byStatus.get(status)! }));
}

/**
 * Kept in the request's Loaders (so a mutation's reset forgets them too): one query per batch of
 * objects. A dry run's sync rows come from its overlay (captured with the customer), so a previewed
 * customer shows QUEUED exactly when the real call would queue it.
 */
export function webexLoaders(loaders: Loaders, db: Database): WebexLoaders {
  return {
    sync: loaders.memo('webexSync', () => new DataLoader<string, WebexSyncRow | null>(async (ids) => {
      const missing = ids.filter((id) => !loaders.held(WebexSyncRow, id));
      const rows = missing.length > 0 ? await findWhereIn(db.manager, WebexSyncRow, 'id', missing) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => loaders.held(WebexSyncRow, id) ?? byId.get(id) ?? null);
    }, { maxBatchSize: 500 })),
    connection: loaders.memo('webexConnection', () => new DataLoader<string, WebexConnectionRow | null>(async (partnerIds) => {
      const rows = await findWhereIn(db.manager, WebexConnectionRow, 'partnerId', partnerIds);
      const byPartner = new Map(rows.map((r) => [r.partnerId, r]));
      return partnerIds.map((id) => byPartner.get(id) ?? null);
    })),
    /**
     * How many of a customer's users stand in each status, over all its users (a page shows 100 at
     * most): one GROUP BY over the customer's user rows of webex_sync (joined to its users, so a
     * removed user whose DELETE Cisco has yet to get is not counted), and the users without a row,
     * NOT_SYNCED, from the stored user count.
     */
    userCounts: loaders.memo('webexUserCounts', () => new DataLoader<string, WebexStatusCount[]>(async (customerIds) => {
      const known = new Map<string, WebexStatusCount[]>();
      for (const id of customerIds) {
        const users = loaders.overlaidChildren(CustomerUser, 'customerId', id);
        if (!users) continue;
        const byStatus = new Map<WebexSyncStatus, number>();
        for (const u of users) {
          const status = loaders.held(WebexSyncRow, u.id)?.status ?? WebexSyncStatus.NOT_SYNCED;
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        }
        known.set(id, countsOf(byStatus));
      }
      const rest = customerIds.filter((id) => !known.has(id));
      if (rest.length) {
        const [rows, totals] = [
          await db.manager.createQueryBuilder(WebexSyncRow, 'w')
            .innerJoin(CustomerUser, 'u', 'u.id = w.id')
            .select('w.customerId', 'customerId').addSelect('w.status', 'status').addSelect('COUNT(*)', 'n')
            .where('w.customerId IN (:...ids)', { ids: rest }).andWhere('w.kind = :kind', { kind: WebexObjectKind.USER })
            .groupBy('w.customerId').addGroupBy('w.status')
            .getRawMany<{ customerId: string; status: WebexSyncStatus; n: string | number }>(),
          await readChildCounts(db.manager, 'customer_user', rest),
        ];
        for (const id of rest) {
          const byStatus = new Map<WebexSyncStatus, number>();
          for (const r of rows.filter((row) => row.customerId === id)) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + Number(r.n));
          const synced = [...byStatus.values()].reduce((a, b) => a + b, 0) - (byStatus.get(WebexSyncStatus.NOT_SYNCED) ?? 0);
          const unsynced = (totals.get(id) ?? 0) - synced;
          if (unsynced > 0) byStatus.set(WebexSyncStatus.NOT_SYNCED, unsynced);
          else byStatus.delete(WebexSyncStatus.NOT_SYNCED);
          known.set(id, countsOf(byStatus));
        }
      }
      return customerIds.map((id) => known.get(id) ?? []);
    }, { maxBatchSize: 100 })),
  };
}

/** customers/' question (HeldWebexStatus): a user's status from the rows this request holds. */
export const heldWebexStatus: HeldWebexStatus = (loaders, userId) => loaders.held(WebexSyncRow, userId)?.status;
