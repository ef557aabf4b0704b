import 'reflect-metadata';
import type { Logger } from 'pino';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { AppConfig, ConfigError } from './config';
import { createServices, Services } from './graphql/services';
import { Database } from './db/database';
import { HttpServer, listen, startHttpServer, urlOf } from './http/app';
import { createLogger } from './logger';
import { OutboxSender } from './outbox/outbox.sender';
import { startWebexWorker, WebexWorker } from './webex/webex-start';
import { startCountCompactor } from './db/count-compactor';
import { startStatisticsKeeper } from './db/table-statistics';
import { TokenUsage } from './auth/token-usage';
import { AppMetrics } from './metrics/app-metrics';
import { MetricsServer, startMetricsServer } from './metrics/metrics-server';

const DEMO_ADMIN_EMAIL = 'admin@demo-partner.example';

export interface RunningApp {
  url: string;
  port: number;
  db: Database;
  services: Services;
  log: Logger;
  /** Printed once, when this start created the demo partner. */
  demo: { token: string; partnerId: string; adminId: string } | null;
  /** The demo admin of an earlier start, so the banner can say how to get a new token. */
  demoAdminId: string | null;
  http: HttpServer;
  /** Delivers onboarding emails; null without SMTP_URL (they stay PENDING). */
  outbox: OutboxSender | null;
  /** Where GET /metrics answers: on the API's port, or METRICS_PORT's own listener; null with METRICS_ENABLED=0. */
  metricsUrl: string | null;
  /** Carries customers to Webex (domain.md §11); null without WEBEX_TOKEN_KEY (no partner can connect). */
  webex: WebexWorker | null;
  /**
   * Stops the loops that send SQL on their own timer (PostgreSQL's partner-count folding and
   * table statistics, the token usage flush; the rest is noted and written at stop()), for tests
   * that count the statements of single requests.
   */
  stopBackgroundSql(): Promise<void>;
  /**
   * The one place that stops the process's work (main.ts calls it on SIGTERM/SIGINT): stops
   * accepting connections, and at the same time tells every background worker to stop; waits for
   * the requests in flight and each worker's unit of work in flight, then closes the database.
   * A new background worker joins the drain by being stopped here.
   */
  stop(): Promise<void>;
}

export async function openDatabase(config: AppConfig, log: Logger): Promise<Database> {
  const target = config.database;
  if (target.kind === 'sqlite' && target.file !== ':memory:') {
    const dir = path.dirname(target.file);
    // A typo in an explicit path must not quietly start on a new, empty database somewhere else.
    if (target.createDirectory) mkdirSync(dir, { recursive: true });
    else if (!existsSync(dir)) {
      throw new ConfigError(`DATABASE_URL sqlite:${target.file}: the directory ${dir} does not exist (create it first; only the default data/ is created)`);
    }
  }
  return Database.open({ target: config.database, logger: log, busyTimeoutMs: config.sqliteBusyTimeoutMs, poolSize: config.databasePoolSize });
}

/**
 * Takes the port first (a busy port fails before the database is touched: no migration, no demo
 * partner), then opens and migrates the database, seeds the demo partner when allowed, and serves HTTP.
 */
export async function startApp(config: AppConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningApp> {
  const server = await listen(config);
  // Until the database is open and migrated, every request (GET /readyz included) is answered 503.
  // At debug: a start that fails on its configuration stays one line on stderr.
  log.debug({ url: urlOf(server) }, 'listening; opening and migrating the database');
  let db: Database;
  try {
    db = await openDatabase(config, log);
  } catch (error) {
    server.close();
    throw error;
  }
  const services = createServices(db);
  let demo: RunningApp['demo'] = null;
  if (config.seedDemoPartner) {
    // Under the start-up lock, so API processes started together on one PostgreSQL database seed once.
    demo = await db.underStartupLock(async () => {
      if (await services.partners.hasAnyPartner()) return null;
      const created = await services.partners.createPartner({
        name: 'Demo Partner', adminEmail: DEMO_ADMIN_EMAIL, adminName: 'Demo Admin', subscriptions: ['Sub100452'],
      });
      return { token: created.token, partnerId: created.partnerId, adminId: created.adminId };
    });
  }
  const demoAdminId = demo?.adminId ?? (config.seedDemoPartner ? await services.partners.adminIdByEmail(DEMO_ADMIN_EMAIL) : null);
  const tokenUsage = new TokenUsage(db, log, config.tokenUsageFlushMs);
  tokenUsage.start();
  const metrics = config.metricsEnabled
    ? new AppMetrics(db, log, { sqliteFile: config.database.kind === 'sqlite' ? config.database.file : null })
    : null;
  let metricsServer: MetricsServer | null = null;
  try {
    if (metrics && config.metricsPort !== null) metricsServer = await startMetricsServer(config, metrics);
  } catch (error) {
    server.close();
    await tokenUsage.stop();
    await db.close();
    throw error;
  }
  const http = await startHttpServer({ server, config, db, log, services, tokenUsage, metrics });
  const metricsUrl = metricsServer?.url ?? (metrics ? `${http.url}metrics` : null);
  const outbox = startOutboxSender(config, db, log);
  const webex = startWebexWorker(config.webex, db, log);
  // PostgreSQL: keeps each partner's count rows few (db/count-compactor.ts).
  const countCompactor = startCountCompactor(db, log);
  // PostgreSQL: the planner's statistics follow large imports within seconds (db/table-statistics.ts).
  const statisticsKeeper = startStatisticsKeeper(db, log);
  let stopped: Promise<void> | undefined;
  return {
    url: http.url, port: http.port, db, services, log, demo, demoAdminId, http, metricsUrl, outbox, webex,
    stopBackgroundSql: async () => { await Promise.all([countCompactor?.stop(), statisticsKeeper?.stop(), tokenUsage.stop()]); },
    stop: () => (stopped ??= (async () => {
      // In parallel: the outbox and the Webex worker must not go on sending its batch while HTTP requests drain; it
      // finish the email or Cisco call in flight and hand the rest of their claims back at once.
      await Promise.all([http.stop(), outbox?.stop(), webex?.stop(), metricsServer?.stop(), countCompactor?.stop(), statisticsKeeper?.stop()]);
      await tokenUsage.stop(); // after the requests: it writes what they noted
      await db.close();
    })()),
  };
}

function startOutboxSender(config: AppConfig, db: Database, log: Logger): OutboxSender | null {
  if (!config.smtpUrl) return null;
  const sender = new OutboxSender(db, {
    smtpUrl: config.smtpUrl, from: config.mailFrom, pollIntervalMs: config.outboxPollIntervalMs,
    retryBaseMs: config.outboxRetryBaseMs, maxAttempts: config.outboxMaxAttempts, leaseMs: config.outboxLeaseMs,
  }, log);
  sender.start();
  return sender;
}
