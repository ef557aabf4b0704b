import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startApp, type RunningApp } from '../../server/src/app';
import { type AppConfig, loadConfig } from '../../server/src/config';
import { FAILPOINTS } from '../../server/src/db/failpoints';
import { aCustomerInput, aTemplateInput } from '../support/factories';
import type { TestPartner, TestServer } from '../support/test-server';

export { FAILPOINTS };

/** Every failpoint armed: tests trigger one per request with the `x-failpoint` header. */
export const ALL_FAILPOINTS: ReadonlySet<string> = new Set(Object.values(FAILPOINTS));

/** Reads a whole-number knob from the environment (heavy loops scale with these). */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** mulberry32: a tiny seeded PRNG, so a failing fuzz run can be replayed with its seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (maxExclusive: number) => Math.floor(next() * maxExclusive),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof seededRandom>;

/** A partner with one template, ready for createCustomer. */
export async function partnerWithTemplate(server: TestServer): Promise<{ partner: TestPartner; templateId: string }> {
  const partner = await server.newPartner();
  const template = await partner.client.createTemplate(aTemplateInput(partner));
  return { partner, templateId: template.id };
}

export async function aCustomer(partner: TestPartner, templateId: string) {
  return partner.client.createCustomer(aCustomerInput(templateId));
}

/** A server whose pino log lines are kept in memory (production tests read the detail of masked errors there). */
export async function startLoggedApp(overrides: Partial<AppConfig>, env: NodeJS.ProcessEnv = {}): Promise<{
  app: RunningApp; logs: Record<string, unknown>[]; dir: string; stop(): Promise<void>;
}> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provisioning-rel-'));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `sqlite:${path.join(dir, 'test.sqlite')}`, ...env }, {
    port: 0, host: '127.0.0.1', rateLimitPerSecond: 0, ...overrides,
  });
  const app = await startApp(config, pino({ level: 'info' }, sink));
  return {
    app, logs, dir,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Raw POST against any URL (bodies as given, any content type). */
export async function rawPost(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON; callers look at text
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** One SQL statement as the server sent it through TypeORM. */
export interface SeenStatement {
  sql: string;
  parameters: unknown[] | undefined;
}

/**
 * Records every SQL statement the in-process server sends through TypeORM, whatever the request
 * scope: the x-sql-* headers are set by a GraphQL plugin, so a request refused before GraphQL runs
 * (a JSON-array batch, an oversized body, a rate-limited request) carries none, and a missing header
 * proves nothing. Reader and writer share one TypeORM logger (database.ts), so one hook sees both.
 * It first stops what runs SQL in the background on a timer (PostgreSQL's count folding and table
 * statistics, the token usage flush: RunningApp.stopBackgroundSql; there is no SMTP_URL, and the
 * checkpointer has its own connection outside TypeORM), so the statements seen during a request
 * that is sent alone are that request's. On PostgreSQL a statistics round once landed among five
 * token lookups.
 */
export async function watchStatements(app: RunningApp): Promise<{ seen: SeenStatement[]; clear(): void; stop(): void }> {
  await app.stopBackgroundSql();
  const logger = app.db.reader.logger as { logQuery(query: string, parameters?: unknown[], ...rest: unknown[]): unknown };
  const original = logger.logQuery;
  const seen: SeenStatement[] = [];
  logger.logQuery = function (this: unknown, query: string, parameters?: unknown[], ...rest: unknown[]) {
    seen.push({ sql: query, parameters });
    return original.call(this, query, parameters, ...rest);
  };
  return {
    seen,
    clear: () => { seen.length = 0; },
    stop: () => { logger.logQuery = original; },
  };
}
