import DataLoader from 'dataloader';
import type { Loaders } from '../graphql/loaders';
import type { Database } from '../db/database';
import { findWhereIn } from '../db/find-one';
import { WebexConnectionRow, WebexSyncRow } from './webex.entities';

interface WebexLoaders {
  sync: DataLoader<string, WebexSyncRow | null>;
  connection: DataLoader<string, WebexConnectionRow | null>;
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
  };
}
