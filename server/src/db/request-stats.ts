import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';

/** Per-request figures that tests and benchmarks read (statement count, commits). */
export interface RequestStats {
  statements: number;
  commits: number;
  /** The test-only failpoint this request armed (config.failpoints, `x-failpoint` header). */
  failpoint?: string;
}

const storage = new AsyncLocalStorage<RequestStats>();

export function runWithRequestStats<T>(fn: () => T, failpoint?: string): T {
  return storage.run({ statements: 0, commits: 0, failpoint }, fn);
}

export function currentRequestStats(): RequestStats | undefined {
  return storage.getStore();
}

/** Counts statements per request and sends TypeORM's own messages to pino at debug level. */
export class CountingLogger implements TypeOrmLogger {
  constructor(private readonly pino: Logger) {}

  logQuery(): void {
    const stats = storage.getStore();
    if (stats) stats.statements += 1;
  }

  logQueryError(error: string | Error, query: string): void {
    const stats = storage.getStore();
    if (stats) stats.statements += 1;
    this.pino.debug({ err: error, query }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.pino.warn({ time, query }, 'slow query');
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
