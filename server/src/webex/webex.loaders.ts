import DataLoader from 'dataloader';
import type { Loaders } from '../graphql/loaders';
import type { Database } from '../db/database';
import { findWhereIn } from '../db/find-one';
import { readWebexUserCounts } from '../db/webex-user-counts';
import { CustomerUser } from '../customers/customer-user.entity';
import type { HeldWebexStatus } from '../customers/customer.hooks';
import { WebexConnectionRow, WebexStatusCount, WebexSyncRow, WebexSyncStatus } from './webex.entities';

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
     * most): read from the counts the database keeps per customer and status (db/webex-user-counts.ts),
     * whatever the customer's size. A dry run's customer is counted from its overlay's users.
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
        for (const [id, byStatus] of await readWebexUserCounts(db.manager, rest)) known.set(id, countsOf(byStatus));
      }
      return customerIds.map((id) => known.get(id) ?? []);
    }, { maxBatchSize: 100 })),
  };
}

/** customers/' question (HeldWebexStatus): a user's status from the rows this request holds. */
export const heldWebexStatus: HeldWebexStatus = (loaders, userId) => loaders.held(WebexSyncRow, userId)?.status;
