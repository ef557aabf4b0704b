import type { Logger } from 'pino';
import type { Database } from '../db/database';
import type { WebexConfig } from './webex.config';
import { WebexWorker } from './webex.worker';

export { WebexWorker };

/** Every server process drains the sync jobs; without WEBEX_TOKEN_KEY no partner can connect, so there is nothing to drain. */
export function startWebexWorker(config: WebexConfig, db: Database, log: Logger): WebexWorker | null {
  if (!config.tokenKey) return null;
  const worker = new WebexWorker(db, config, log);
  worker.start();
  return worker;
}
