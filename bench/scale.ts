import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { resolveCaller } from '../server/src/auth/caller';
import type { DatabaseTarget } from '../server/src/config';
import { createServices } from '../server/src/graphql/services';
import { Database } from '../server/src/db/database';
import type { SetupCustomerInput } from '../server/src/setup/setup-customer.inputs';
import type { CreateTemplateInput } from '../server/src/templates/template.inputs';
import { benchLogger, customerInput } from './fixtures';
import { median, printTable, round, startServerProcess } from './support';

/**
 * Issue 13's scale scenario: a small and a large customer side by side in one database, both built
 * through the service (setupCustomer in batches, like an import), then the reads a portal makes
 * and a 1,000-user setup on each, timed over HTTP against the production server, interleaved.
 * Every figure is a large/small ratio taken in the same run (target ≤ 2), plus the WAL after the
 * build, the size of an auditEvents page after the imports and the setup's peak RSS.
 * SQLite by default; BENCH_SCALE_DATABASE_URL (a postgres:// URL whose user may create databases)
 * runs it on a scratch PostgreSQL database instead: `node dist/bench/scale.js`.
 */
export interface ScaleOptions {
  smallUsers: number;
  largeUsers: number;
  /** Users per setupCustomer while building (an import's batch). */
  batch: number;
  repetitions: number;
  /** Users per timed setupCustomer. */
  setupUsers: number;
  setupRepetitions: number;
  /** A postgres:// admin URL: run on a scratch database there instead of SQLite. */
  postgresUrl?: string;
}

export const SCALE_TARGETS = { ratio: 2, walMb: 64, auditPageKb: 100, rssRatio: 1.5 };

export interface ScaleResult {
  engine: 'sqlite' | 'postgres';
  options: ScaleOptions;
  buildSeconds: number;
  reads: Record<string, { smallMs: number; largeMs: number; ratio: number }>;
  setup: { smallMs: number; largeMs: number; ratio: number; smallPeakRssMb: number; largePeakRssMb: number; rssRatio: number };
  walMb: { maxDuringBuild: number; afterBuild: number } | null;
  auditPageKb: number;
  bytesPerUser: number | null;
  checks: Record<string, { value: number; target: string; met: boolean }>;
}

const SETUP = `mutation ($input: SetupCustomerInput!) { setupCustomer(input: $input) { customer { id status } users { id } userErrors { code field message } } }`;
const AUDIT_PAGE = `{ auditEvents(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
  id at operation targetCount targetIds(first: 100) admin { id email displayName } } } } }`;
const USER_FIELDS = 'id firstName lastName email extension';

/** The reads of issue 13's table, per customer ($id) and tag (its users' email tag). */
const READS: Record<string, (tag: string) => { query: string; variables?: Record<string, unknown>; needsAfter?: boolean }> = {
  'users(first: 100) + totalCount': () => ({ query: `query ($id: ID!) { customer(id: $id) { users(first: 100) { totalCount pageInfo { endCursor } edges { node { ${USER_FIELDS} } } } } }` }),
  'users(first: 100, after) page 2': () => ({ needsAfter: true, query: `query ($id: ID!, $after: String) { customer(id: $id) { users(first: 100, after: $after) { pageInfo { hasNextPage } edges { node { ${USER_FIELDS} } } } } }` }),
  'search "x" (1 char) + count': () => ({ query: searchQuery, variables: { search: 'x' } }),
  'search "qz" (2 chars, no hit) + count': () => ({ query: searchQuery, variables: { search: 'qz' } }),
  'search, a few hits + count': () => ({ query: searchQuery, variables: { search: 'zwanenburg' } }),
  'search, one hit + count': (tag) => ({ query: searchQuery, variables: { search: `u42.${tag}@` } }),
  'outbox(first: 20) + totalCount': () => ({ query: `query ($id: ID!) { customer(id: $id) { outbox(first: 20) { totalCount edges { node { id to subject status } } } } }` }),
  'locations(first: 20) + totalCount': () => ({ query: `query ($id: ID!) { customer(id: $id) { locations(first: 20) { totalCount edges { node { id name } } } } }` }),
  webexUserCounts: () => ({ query: `query ($id: ID!) { customer(id: $id) { webexUserCounts { status count } } }` }),
  'users(first: 20, webexStatus: FAILED) + totalCount': () => ({
    query: `query ($id: ID!) { customer(id: $id) { users(first: 20, filter: { webexStatus: FAILED }) { totalCount edges { node { ${USER_FIELDS} webex { status } } } } } }`,
  }),
  'users(first: 20, webexStatus: NOT_SYNCED) (none) + totalCount': () => ({
    query: `query ($id: ID!) { customer(id: $id) { users(first: 20, filter: { webexStatus: NOT_SYNCED }) { totalCount edges { node { ${USER_FIELDS} } } } } }`,
  }),
};

/** Users of each customer left FAILED by markWebexStates (spread over the list: old, middle, new). */
const FAILED_USERS = 3;

/**
 * Both customers' users as the Webex connector leaves them after a sync in which Cisco refused a
 * few: every user PROVISIONED but FAILED_USERS of them FAILED. Driving 100,000 users through the
 * worker and a stand-in of Cisco would take longer than the rest of the bench, so the rows are
 * written the way the connector writes them: a QUEUED row per user (what setupCustomer's hook
 * inserts for a connected customer), then its status changed (what the worker's save does), each
 * an ordinary statement, so the database's triggers keep the stored counts as they do in service.
 * No job is created and the partner is not connected: the server never calls out.
 */
async function markWebexStates(db: Database, customers: Record<'small' | 'large', { id: string; users: number }>, postgres: boolean): Promise<void> {
  const mark = (i: number) => (postgres ? `$${i}` : '?');
  for (const [tag, customer] of Object.entries(customers)) {
    const failed = [0, Math.floor(customer.users / 2), customer.users - 1].map((i) => `u${i}.${tag}@scale.example`);
    await db.write(async (tx) => {
      await tx.query(`INSERT INTO "webex_sync" ("id", "kind", "customerId", "status", "errors", "attempts", "updatedAt", "changeSeq")
        SELECT "id", 'USER', "customerId", 'QUEUED', '[]', 0, ${mark(1)}, 0 FROM "customer_user" WHERE "customerId" = ${mark(2)}`, [Date.now(), customer.id]);
      await tx.query(`UPDATE "webex_sync" SET "status" = 'PROVISIONED', "attempts" = 1 WHERE "customerId" = ${mark(1)} AND "kind" = 'USER'`, [customer.id]);
      await tx.query(`UPDATE "webex_sync" SET "status" = 'FAILED', "errors" = ${mark(1)}
        WHERE "id" IN (SELECT "id" FROM "customer_user" WHERE "customerId" = ${mark(2)} AND "email" IN (${mark(3)}, ${mark(4)}, ${mark(5)}))`,
      [JSON.stringify([{ code: '400', description: 'Number not in inventory', trackingId: 'bench' }]), customer.id, ...failed]);
    });
  }
}
const searchQuery = `query ($id: ID!, $search: String!) { customer(id: $id) { users(first: 20, filter: { search: $search }) { totalCount edges { node { ${USER_FIELDS} } } } } }`;

/** One customer's users n … n + count − 1: extension-only calling users; every 2,000th is a Zwanenburg. */
function usersInput(customerId: string, tag: string, from: number, count: number): SetupCustomerInput {
  return {
    customerId,
    users: Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return {
        firstName: `First${i}`,
        lastName: i % 2000 === 0 ? 'Zwanenburg' : `Surname${i}`,
        email: `u${i}.${tag}@scale.example`,
        package: 'WEBEX_CALLING',
        extension: String(1_000_000 + i),
      };
    }),
  } as unknown as SetupCustomerInput;
}

async function scratchPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_scale_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

const walBytes = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

export async function benchScale(dir: string, options: ScaleOptions): Promise<ScaleResult> {
  const scratch = options.postgresUrl ? await scratchPostgres(options.postgresUrl) : null;
  const file = path.join(dir, 'scale.sqlite');
  const target: DatabaseTarget = scratch ? { kind: 'postgres', url: scratch.url } : { kind: 'sqlite', file };
  const databaseUrl = scratch ? scratch.url : `sqlite:${file}`;
  try {
    // Build: both customers through the service, the large one in import-sized batches.
    const started = performance.now();
    const db = await Database.open({ target, logger: benchLogger });
    let token: string;
    const customers = { small: { id: '', users: options.smallUsers }, large: { id: '', users: options.largeUsers } };
    let maxWal = 0;
    try {
      const services = createServices(db);
      const partner = await services.partners.createPartner({ name: 'Scale Partner', adminEmail: 'admin@scale-partner.example', subscriptions: ['Sub100452'] });
      token = partner.token;
      const caller = (await resolveCaller(db, partner.token))!;
      const template = await services.templates.create(caller, {
        name: 'Scale template', countryCode: 'NL', serviceProviderAdminId: partner.adminId,
        subscriptionId: partner.subscriptionIds[0], brandName: 'Scale Telecom',
      } as unknown as CreateTemplateInput);
      for (const [n, tag] of (['small', 'large'] as const).entries()) {
        const created = await services.customers.create(caller, customerInput(template.template!.id, n));
        if (!created.customer) throw new Error(`createCustomer failed: ${JSON.stringify(created.userErrors)}`);
        customers[tag].id = created.customer.id;
      }
      for (const tag of ['small', 'large'] as const) {
        for (let from = 0; from < customers[tag].users; from += options.batch) {
          const count = Math.min(options.batch, customers[tag].users - from);
          const payload = await services.setup.setup(caller, usersInput(customers[tag].id, tag, from, count));
          if (payload.userErrors.length) throw new Error(`setupCustomer failed: ${JSON.stringify(payload.userErrors.slice(0, 3))}`);
          if (!scratch) maxWal = Math.max(maxWal, walBytes(file));
          if (tag === 'large') process.stdout.write(`  built ${from + count} of ${customers.large.users} users\r`);
        }
      }
      process.stdout.write('\n');
      await markWebexStates(db, customers, scratch !== null);
    } finally {
      await db.close();
    }
    const buildSeconds = (performance.now() - started) / 1000;
    const walAfter = scratch ? 0 : walBytes(file);
    const totalUsers = options.smallUsers + options.largeUsers + 2;
    const bytesPerUser = scratch ? null : (statSync(file).size + walAfter) / totalUsers;

    const post = async (url: string, query: string, variables: Record<string, unknown> = {}) => {
      const t0 = performance.now();
      const response = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      const ms = performance.now() - t0;
      const json = JSON.parse(text);
      if (response.status !== 200 || json.errors) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
      return { ms, json, bytes: Buffer.byteLength(text) };
    };
    const env = { DATABASE_URL: databaseUrl };

    // Reads: one server, each read small and large alternately (the order flips every repetition).
    const reads: ScaleResult['reads'] = {};
    let auditPageKb = 0;
    {
      const server = await startServerProcess({ env });
      try {
        auditPageKb = (await post(server.url, AUDIT_PAGE)).bytes / 1024;
        const after: Record<string, string> = {};
        for (const tag of ['small', 'large'] as const) {
          const page = await post(server.url, READS['users(first: 100) + totalCount'](tag).query, { id: customers[tag].id });
          after[tag] = page.json.data.customer.users.pageInfo.endCursor;
        }
        for (const tag of ['small', 'large'] as const) {
          const { json } = await post(server.url, READS['users(first: 20, webexStatus: FAILED) + totalCount'](tag).query, { id: customers[tag].id });
          const failed = json.data.customer.users;
          if (failed.totalCount !== FAILED_USERS || failed.edges.length !== FAILED_USERS) throw new Error(`expected ${FAILED_USERS} FAILED users: ${JSON.stringify(failed).slice(0, 300)}`);
        }
        for (const [name, read] of Object.entries(READS)) {
          const ms = { small: [] as number[], large: [] as number[] };
          for (let rep = -1; rep < options.repetitions; rep++) {
            for (const tag of rep % 2 ? ['small', 'large'] as const : ['large', 'small'] as const) {
              const { query, variables, needsAfter } = read(tag);
              const result = await post(server.url, query, { id: customers[tag].id, ...variables, ...(needsAfter ? { after: after[tag] } : {}) });
              if (rep >= 0) ms[tag].push(result.ms);
            }
          }
          const smallMs = median(ms.small);
          const largeMs = median(ms.large);
          reads[name] = { smallMs: round(smallMs), largeMs: round(largeMs), ratio: round(largeMs / smallMs) };
        }
      } finally {
        await server.stop();
      }
    }

    // A 1,000-user setup on each, each customer on a fresh server process so its peak RSS is its own.
    const setupMs = { small: [] as number[], large: [] as number[] };
    const peak = { small: 0, large: 0 };
    for (const tag of ['small', 'large'] as const) {
      const server = await startServerProcess({ env });
      try {
        for (let rep = -1; rep < options.setupRepetitions; rep++) {
          const from = customers[tag].users + (rep + 1) * options.setupUsers;
          const result = await post(server.url, SETUP, { input: usersInput(customers[tag].id, tag, from, options.setupUsers) });
          const payload = result.json.data.setupCustomer;
          if (payload.userErrors.length) throw new Error(`setupCustomer failed: ${JSON.stringify(payload.userErrors.slice(0, 3))}`);
          if (rep >= 0) setupMs[tag].push(result.ms);
        }
        peak[tag] = server.peakRssMb();
      } finally {
        await server.stop();
      }
    }
    const setup = {
      smallMs: round(median(setupMs.small)), largeMs: round(median(setupMs.large)),
      ratio: round(median(setupMs.large) / median(setupMs.small)),
      smallPeakRssMb: round(peak.small, 0), largePeakRssMb: round(peak.large, 0), rssRatio: round(peak.large / peak.small),
    };

    const checks: ScaleResult['checks'] = {};
    for (const [name, r] of Object.entries(reads)) checks[`read: ${name}`] = { value: r.ratio, target: `≤ ${SCALE_TARGETS.ratio}`, met: r.ratio <= SCALE_TARGETS.ratio };
    checks['setupCustomer 1,000 users'] = { value: setup.ratio, target: `≤ ${SCALE_TARGETS.ratio}`, met: setup.ratio <= SCALE_TARGETS.ratio };
    checks['setup peak RSS large/small'] = { value: setup.rssRatio, target: `≤ ${SCALE_TARGETS.rssRatio}`, met: setup.rssRatio <= SCALE_TARGETS.rssRatio };
    checks['auditEvents(first: 20) KB'] = { value: round(auditPageKb, 1), target: `< ${SCALE_TARGETS.auditPageKb}`, met: auditPageKb < SCALE_TARGETS.auditPageKb };
    const walMb = scratch ? null : { maxDuringBuild: round(maxWal / 2 ** 20, 1), afterBuild: round(walAfter / 2 ** 20, 1) };
    if (walMb) checks['WAL MB (max during build)'] = { value: walMb.maxDuringBuild, target: `≤ ${SCALE_TARGETS.walMb}`, met: walMb.maxDuringBuild <= SCALE_TARGETS.walMb };
    return {
      engine: scratch ? 'postgres' : 'sqlite', options: { ...options, postgresUrl: undefined }, buildSeconds: round(buildSeconds, 1),
      reads, setup, walMb, auditPageKb: round(auditPageKb, 1), bytesPerUser: bytesPerUser === null ? null : round(bytesPerUser, 0), checks,
    };
  } finally {
    await scratch?.drop();
  }
}

export function printScale(result: ScaleResult): void {
  const { options: o } = result;
  printTable(`Scale (${result.engine}): ${o.smallUsers} vs ${o.largeUsers} users, built in ${o.batch}-user setups in ${result.buildSeconds} s; medians of ${o.repetitions} over HTTP`,
    ['read', 'small ms', 'large ms', 'large/small'], [
      ...Object.entries(result.reads).map(([name, r]) => [name, r.smallMs.toFixed(2), r.largeMs.toFixed(2), r.ratio.toFixed(2)]),
      [`setupCustomer ${o.setupUsers} users (median of ${o.setupRepetitions})`, result.setup.smallMs.toFixed(1), result.setup.largeMs.toFixed(1), result.setup.ratio.toFixed(2)],
      ['setup server peak RSS MB', result.setup.smallPeakRssMb, result.setup.largePeakRssMb, result.setup.rssRatio.toFixed(2)],
    ]);
  process.stdout.write(`auditEvents(first: 20): ${result.auditPageKb} KB`
    + (result.walMb ? `; WAL max ${result.walMb.maxDuringBuild} MB during the build, ${result.walMb.afterBuild} MB after` : '')
    + (result.bytesPerUser !== null ? `; database ${result.bytesPerUser} bytes per user` : '') + '\n');
}

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

export function scaleOptionsFromEnv(): ScaleOptions {
  return {
    smallUsers: env('BENCH_SCALE_SMALL_USERS', 100),
    largeUsers: env('BENCH_SCALE_USERS', 100_000),
    batch: env('BENCH_SCALE_BATCH', 10_000),
    repetitions: env('BENCH_SCALE_REPS', 21),
    setupUsers: 1000,
    setupRepetitions: env('BENCH_SCALE_SETUP_REPS', 5),
    postgresUrl: process.env.BENCH_SCALE_DATABASE_URL || undefined,
  };
}

if (require.main === module) {
  (async () => {
    const os = await import('node:os');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'provisioning-scale-'));
    try {
      const result = await benchScale(dir, scaleOptionsFromEnv());
      printScale(result);
      printTable('Scale targets', ['figure', 'value', 'target', 'met'], Object.entries(result.checks).map(([k, c]) => [k, c.value, c.target, c.met ? 'yes' : 'NO']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })().catch((error) => {
    process.stderr.write(`scale bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
