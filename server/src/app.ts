import 'reflect-metadata';
import type { Logger } from 'pino';
import { AppConfig } from './config';
import { createServices, Services } from './graphql/services';
import { Database } from './db/database';
import { HttpServer, startHttpServer } from './http/app';
import { createLogger } from './logger';
import { OutboxSender } from './outbox/outbox.sender';
import { startWebexWorker, WebexWorker } from './webex/webex-start';

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
  /** Carries customers to Webex (domain.md §11); null without WEBEX_TOKEN_KEY (no partner can connect). */
  webex: WebexWorker | null;
  /** Drains HTTP requests, then closes the database. */
  stop(): Promise<void>;
}

export async function openDatabase(config: AppConfig, log: Logger): Promise<Database> {
  return Database.open({ target: config.database, logger: log, busyTimeoutMs: config.sqliteBusyTimeoutMs, poolSize: config.databasePoolSize });
}

/** Opens and migrates the database, seeds the demo partner when allowed, and serves HTTP. */
export async function startApp(config: AppConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningApp> {
  const db = await openDatabase(config, log);
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
  const http = await startHttpServer({ config, db, log, services });
  const outbox = startOutboxSender(config, db, log);
  const webex = startWebexWorker(config.webex, db, log);
  let stopped: Promise<void> | undefined;
  return {
    url: http.url, port: http.port, db, services, log, demo, demoAdminId, http, outbox, webex,
    stop: () => (stopped ??= (async () => {
      await http.stop();
      await outbox?.stop();
      await webex?.stop();
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
