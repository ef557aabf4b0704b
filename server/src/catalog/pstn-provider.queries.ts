import type { Database } from '../db/database';
import { PstnProvider } from './pstn-provider.entity';

/** The Cloud Connected PSTN provider catalog, by name (the same for every partner). */
export function listPstnProviders(db: Database): Promise<PstnProvider[]> {
  return db.manager.find(PstnProvider, { order: { name: 'ASC' } });
}
