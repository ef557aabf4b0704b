import path from 'node:path';

/** Which database the process talks to, parsed once from `DATABASE_URL`. */
export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string };

export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseTarget;
  production: boolean;
  /** Comma-separated origins, or `*`. Unset: no CORS headers (same-origin only). */
  corsOrigins: string[] | '*' | null;
  rateLimitBurst: number;
  /** Tokens refilled per second; 0 turns rate limiting off. */
  rateLimitPerSecond: number;
  /** How long SQLite waits for another process's write lock before answering SERVICE_UNAVAILABLE. */
  sqliteBusyTimeoutMs: number;
  logLevel: string;
  /** Expose `x-sql-statements` on responses (tests and benchmarks count queries with it). */
  exposeSqlCount: boolean;
  /** Create the demo partner on an empty database (never in production). */
  seedDemoPartner: boolean;
  /**
   * Test-only fault injection: the failpoints a request may trigger with the `x-failpoint` header
   * (see db/failpoints.ts). Set only in-process by test harnesses; never read from the environment,
   * so a deployed server has none.
   */
  failpoints?: ReadonlySet<string>;
}

export class ConfigError extends Error {}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number ≥ ${min}, got "${raw}"`);
  }
  return value;
}

export function parseDatabaseUrl(raw: string | undefined): DatabaseTarget {
  const url = raw?.trim() || 'sqlite:data/provisioning.sqlite';
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new ConfigError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:data/provisioning.sqlite');
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const production = env.NODE_ENV === 'production';
  const cors = env.CORS_ORIGINS?.trim();
  return {
    port: intFromEnv(env, 'PORT', 4000),
    host: env.HOST?.trim() || 'localhost',
    database: parseDatabaseUrl(env.DATABASE_URL),
    production,
    corsOrigins: !cors ? null : cors === '*' ? '*' : cors.split(',').map((o) => o.trim()).filter(Boolean),
    rateLimitBurst: intFromEnv(env, 'RATE_LIMIT_BURST', 300, 1),
    rateLimitPerSecond: intFromEnv(env, 'RATE_LIMIT_PER_SECOND', 50),
    sqliteBusyTimeoutMs: intFromEnv(env, 'SQLITE_BUSY_TIMEOUT_MS', 5000),
    logLevel: env.LOG_LEVEL?.trim() || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    exposeSqlCount: !production,
    seedDemoPartner: !production,
    ...overrides,
  };
}
