import DataLoader from 'dataloader';
import type { Loaders } from '../common/loaders';
import type { Database } from '../db/database';
import { findWhereIn } from '../db/find-one';
import { WebexConnectionRow, WebexSyncRow } from './webex.entities';

interface WebexLoaders {
  sync: DataLoader<string, WebexSyncRow | null>;
  connection: DataLoader<string, WebexConnectionRow | null>;
}

/** Request-scoped like the app's Loaders (kept beside them, keyed by them): one query per batch of objects. */
const perRequest = new WeakMap<Loaders, WebexLoaders>();

export function webexLoaders(loaders: Loaders, db: Database): WebexLoaders {
  let found = perRequest.get(loaders);
  if (!found) {
    found = {
      sync: new DataLoader<string, WebexSyncRow | null>(async (ids) => {
        const rows = await findWhereIn(db.manager, WebexSyncRow, 'id', ids);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }, { maxBatchSize: 500 }),
      connection: new DataLoader<string, WebexConnectionRow | null>(async (partnerIds) => {
        const rows = await findWhereIn(db.manager, WebexConnectionRow, 'partnerId', partnerIds);
        const byPartner = new Map(rows.map((r) => [r.partnerId, r]));
        return partnerIds.map((id) => byPartner.get(id) ?? null);
      }),
    };
    perRequest.set(loaders, found);
  }
  return found;
}
