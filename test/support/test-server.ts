import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createClient, type ProvisioningClient } from '../../sdk/src/index';
import { startApp, type RunningApp } from '../../server/src/app';
import { AppConfig, loadConfig } from '../../server/src/config';

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
 * Starts the real server on an ephemeral port with a fresh SQLite file (or the PostgreSQL database
 * named by TEST_DATABASE_URL), exactly as `npm start` does, minus the demo partner.
 */
export async function startTestServer(overrides: Partial<AppConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provisioning-test-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `sqlite:${path.join(dir, 'test.sqlite')}`, ...env }, {
    port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, ...overrides,
  });
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await startApp(config, log);
  const client = (token: string) => createClient({ url: app.url, token });
  return {
    app,
    url: app.url,
    dir,
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
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
