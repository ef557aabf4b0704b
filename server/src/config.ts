import path from 'node:path';
import { WebexConfig, webexConfigFromEnv } from './webex/webex.config';

/** Which database the process talks to, parsed once from `DATABASE_URL`. */
export type DatabaseTarget =
  | {
    kind: 'sqlite';
    file: string;
    /** Only the default `data/` is created when missing; an explicit path's directory must exist (see openDatabase). */
    createDirectory?: boolean;
  }
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
  /** Rate-limit buckets kept per kind (tokens, client addresses); default 10,000. Set in-process only (tests). */
  rateLimitMaxBuckets?: number;
  /** How long SQLite waits for another process's write lock before answering SERVICE_UNAVAILABLE. */
  sqliteBusyTimeoutMs: number;
  /** PostgreSQL: connections this process keeps open (reads and write transactions share them). */
  databasePoolSize: number;
  logLevel: string;
  /** Expose `x-sql-*` headers on responses (tests and benchmarks count queries with it); EXPOSE_SQL_STATS=1|0 overrides. */
  exposeSqlCount: boolean;
  /** Create the demo partner on an empty database (never in production). */
  seedDemoPartner: boolean;
  /** SMTP server for onboarding emails (smtp://host:port, smtps://user:pass@host); unset: emails stay PENDING. */
  smtpUrl: string | null;
  /** Sender address of onboarding emails. */
  mailFrom: string;
  /** How often the outbox sender looks for due emails. */
  outboxPollIntervalMs: number;
  /** First retry delay of a failed email; doubles per attempt (capped at an hour). */
  outboxRetryBaseMs: number;
  /** Attempts before an email is marked FAILED. */
  outboxMaxAttempts: number;
  /**
   * How long a process's claim on a batch of emails keeps other processes away; renewed while the
   * batch is sent, and one delivery may take at most a third of it.
   */
  outboxLeaseMs: number;
  /**
   * On SIGTERM/SIGINT: how long requests in flight may take to finish before their connections are
   * cut (SHUTDOWN_TIMEOUT_MS, default 10 s); the process exits 0 once everything has drained.
   */
  shutdownTimeoutMs: number;
  /** How often API tokens' lastUsedAt is written (default 5 minutes). Set in-process only (tests). */
  tokenUsageFlushMs?: number;
  /**
   * Test-only fault injection: the failpoints a request may trigger with the `x-failpoint` header
   * (see db/failpoints.ts). Set only in-process by test harnesses; never read from the environment,
   * so a deployed server has none.
   */
  failpoints?: ReadonlySet<string>;
  /** The Webex connector (domain.md §11); see server/src/webex/webex.config.ts. */
  webex: WebexConfig;
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

const DEFAULT_DATABASE_URL = 'sqlite:data/provisioning.sqlite';

export function parseDatabaseUrl(raw: string | undefined): DatabaseTarget {
  const url = raw?.trim() || DEFAULT_DATABASE_URL;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new ConfigError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:data/provisioning.sqlite');
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file), createDirectory: url === DEFAULT_DATABASE_URL };
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
    databasePoolSize: intFromEnv(env, 'DATABASE_POOL_SIZE', 10, 1),
    logLevel: env.LOG_LEVEL?.trim() || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    exposeSqlCount: env.EXPOSE_SQL_STATS ? env.EXPOSE_SQL_STATS === '1' : !production,
    seedDemoPartner: !production,
    smtpUrl: env.SMTP_URL?.trim() || null,
    mailFrom: env.MAIL_FROM?.trim() || 'Webex onboarding <no-reply@localhost>',
    outboxPollIntervalMs: intFromEnv(env, 'OUTBOX_POLL_INTERVAL_MS', 5000, 10),
    outboxRetryBaseMs: intFromEnv(env, 'OUTBOX_RETRY_BASE_MS', 30_000, 1),
    outboxMaxAttempts: intFromEnv(env, 'OUTBOX_MAX_ATTEMPTS', 8, 1),
    outboxLeaseMs: intFromEnv(env, 'OUTBOX_LEASE_MS', 300_000, 1000),
    webex: webexConfigFromEnv(env, (name, fallback, min) => intFromEnv(env, name, fallback, min), (message) => {
      throw new ConfigError(message);
    }),
    shutdownTimeoutMs: intFromEnv(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100),
    ...overrides,
  };
}
