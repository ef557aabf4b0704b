import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';

/** Per-request figures that tests and benchmarks read (statement count, commits). */
export interface RequestStats {
  statements: number;
  commits: number;
  /** The test-only failpoint this request armed (config.failpoints, `x-failpoint` header). */
  failpoint?: string;
  /** The request's id (http/request-id.ts), stamped on the statement logs below. */
  requestId?: string;
  /** INSERT statements per table (the bulk-insert chunking promise is checked with it). */
  inserts: Map<string, number>;
}

const INSERT_INTO = /^\s*INSERT\s+INTO\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i;

function count(stats: RequestStats, query: string): void {
  stats.statements += 1;
  const match = INSERT_INTO.exec(query);
  if (match) stats.inserts.set(match[1], (stats.inserts.get(match[1]) ?? 0) + 1);
}

/** `customer_user=20,location=1`: the x-sql-inserts header value. */
export function formatInserts(stats: RequestStats): string {
  return [...stats.inserts].map(([table, n]) => `${table}=${n}`).join(',');
}

const storage = new AsyncLocalStorage<RequestStats>();

export function runWithRequestStats<T>(fn: () => T, failpoint?: string, requestId?: string): T {
  return storage.run({ statements: 0, commits: 0, inserts: new Map(), failpoint, requestId }, fn);
}

/** Runs `fn` outside any request: statements it runs count for no request (the shared COMMIT of a group). */
export function withoutRequestStats<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function currentRequestStats(): RequestStats | undefined {
  return storage.getStore();
}

/** Counts statements per request and sends TypeORM's own messages to pino at debug level. */
export class CountingLogger implements TypeOrmLogger {
  /** Statements run since start, by anyone (GET /metrics): one increment, no request context needed. */
  statements = 0;

  constructor(private readonly pino: Logger) {}

  logQuery(query: string): void {
    this.statements += 1;
    const stats = storage.getStore();
    if (stats) count(stats, query);
  }

  logQueryError(error: string | Error, query: string): void {
    this.statements += 1;
    const stats = storage.getStore();
    if (stats) count(stats, query);
    this.pino.debug({ err: error, query, requestId: stats?.requestId }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.pino.warn({ time, query, requestId: storage.getStore()?.requestId }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.pino.debug(message);
  }

  logMigration(message: string): void {
    this.pino.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.pino.warn({ message }, 'typeorm');
    else this.pino.debug({ message }, 'typeorm');
  }
}
