import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createClient, type ProvisioningClient } from '../../sdk/src/index';
import { startApp, type RunningApp } from '../../server/src/app';
import { AppConfig, loadConfig } from '../../server/src/config';
import { createScratchDatabase, type ScratchDatabase } from './postgres';

export { onPostgres } from './postgres';

export interface TestPartner {
  partnerId: string;
  adminId: string;
  token: string;
  subscriptionIds: string[];
  client: ProvisioningClient;
}

export interface TestServer {
  app: RunningApp;
  url: string;
  dir: string;
  /** The DATABASE_URL the server runs on (a fresh SQLite file, or a fresh PostgreSQL database). */
  databaseUrl: string;
  /** A fresh partner with one full admin, one subscription and an SDK client. */
  newPartner(name?: string): Promise<TestPartner>;
  client(token: string): ProvisioningClient;
  /** Raw HTTP POST of a GraphQL body; returns status, headers and parsed JSON. */
  post(body: unknown, options?: { token?: string; headers?: Record<string, string> }): Promise<RawResponse>;
  stop(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
}

let partnerCounter = 0;

/**
 * Starts the real server on an ephemeral port with a fresh SQLite file, exactly as `npm start`
 * does, minus the demo partner. With TEST_DATABASE_URL set (a postgres:// URL whose user may
 * create databases), each server gets a fresh PostgreSQL database instead, dropped by stop().
 * An explicit DATABASE_URL in `env` wins over both.
 */
export async function startTestServer(overrides: Partial<AppConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provisioning-test-'));
  let scratch: ScratchDatabase | null = null;
  let databaseUrl = env.DATABASE_URL ?? `sqlite:${path.join(dir, 'test.sqlite')}`;
  if (!env.DATABASE_URL && process.env.TEST_DATABASE_URL) {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL);
    databaseUrl = scratch.url;
  }
  const config = loadConfig({ NODE_ENV: 'test', ...env, DATABASE_URL: databaseUrl }, {
    port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, ...overrides,
  });
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let app: RunningApp;
  try {
    app = await startApp(config, log);
  } catch (error) {
    await scratch?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const client = (token: string) => createClient({ url: app.url, token });
  return {
    app,
    url: app.url,
    dir,
    databaseUrl,
    client,
    async newPartner(name = `Partner ${++partnerCounter}`) {
      const created = await app.services.partners.createPartner({
        name, adminEmail: `admin${partnerCounter}.${Date.now()}@partner.example`, subscriptions: ['Sub100452'],
      });
      return { ...created, client: client(created.token) };
    },
    async post(body, options = {}) {
      const response = await fetch(app.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the assertion will show the text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async stop() {
      try {
        await app.stop();
      } finally {
        await scratch?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
