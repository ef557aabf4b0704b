import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { Caller } from '../auth/caller';
import type { Database } from '../db/database';
import type { AuthAttempt } from '../http/rate-limit';
import { apiError } from '../errors/error-codes';
import type { Services } from './services';
import type { Loaders } from './loaders';

/** Everything a resolver may use for one request. Built per request; `caller` is set once the operation is known. */
export interface RequestContext {
  config: AppConfig;
  db: Database;
  log: Logger;
  services: Services;
  loaders: Loaders;
  /** The bearer token sent, if any (resolved to `caller` after the operation is validated). */
  token: string | null;
  caller: Caller | null;
  /** The rate limiter's hook for the outcome of the token check (null when rate limiting is off). */
  authAttempt?: AuthAttempt | null;
}

/** The signed-in caller; the HTTP layer already refused requests without one, this only narrows the type. */
export function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw apiError('UNAUTHENTICATED', 'Send a valid API token: Authorization: Bearer <token>.');
  return ctx.caller;
}
