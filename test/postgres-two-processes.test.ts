import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError, type ProvisioningClient } from '../sdk/src/index';
import { INSERT_CHUNK_SIZE } from '../server/src/db/bulk-insert';
import { COUNTED_TABLES } from '../server/src/db/migrations/1733200000000-child-counts';
import { PARTNER_COUNTED_TABLES } from '../server/src/db/migrations/1733250000000-partner-counts';
import { aCustomerInput, anAmsterdamLocation, anAmsterdamNumber, aTemplateInput, aUser, unique } from './support/factories';
import { createScratchDatabase, onPostgres, type ScratchDatabase } from './support/postgres';
import type { TestPartner } from './support/test-server';
import { startApiProcess, stopAllApiProcesses, type ApiProcess } from './support/api-processes';

/**
 * Two real API processes (`node dist/server/src/main.js`) on one PostgreSQL database, with
 * conflicting requests sent to both at once, and requests that fail inside their transaction
 * (faults injected by triggers in the database, see FAULTS). Scale with PG_TWO_PROCESS_SCALE
 * (default 1: 24 customers plus 12 contested ones; three setups of 300 users). Prints its figures.
 */
const SCALE = Math.max(1, Number(process.env.PG_TWO_PROCESS_SCALE ?? 1));
const CUSTOMERS = 24 * SCALE;
const BIG_SETUP_USERS = 300;
const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/server/src/main.js');
const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The children run the compiled server: build it when dist is missing or older than the sources. */
function ensureBuilt(): void {
  // Newest output against newest source: an incremental build rewrites only what changed.
  const built = existsSync(MAIN) ? newestFile(path.join(ROOT, 'dist/server/src')) : 0;
  if (built >= newestFile(path.join(ROOT, 'server/src'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

function startProcess(databaseUrl: string): Promise<ApiProcess> {
  return startApiProcess({ DATABASE_URL: databaseUrl, NODE_ENV: 'test', RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'warn' });
}

/** `count` processes started at once; should one fail to start, the others (ready or still starting) are stopped. */
async function startProcesses(databaseUrl: string, count: number): Promise<ApiProcess[]> {
  try {
    return await Promise.all(Array.from({ length: count }, () => startProcess(databaseUrl)));
  } catch (error) {
    await stopAllApiProcesses();
    throw error;
  }
}

/**
 * Faults injected inside the API's transactions without any hook in the server: triggers on the
 * test's database raise an exception for rows carrying a marker. A request hitting one must answer
 * 500 INTERNAL_SERVER_ERROR and leave nothing behind, whatever it had inserted before.
 * - customer: a companyName containing FAULTS.company fails createCustomer at its first insert;
 * - customer_user: a firstName containing FAULTS.user fails a setupCustomer at the chunk holding
 *   that row (after the locations and the earlier chunks), and a createCustomer whose admin
 *   (first name = the email's local part) carries it after the customer and headquarters rows;
 * - audit_event, the last insert of both mutations: fails when the customer has a user whose
 *   lastName contains FAULTS.late (a createCustomer's admin takes the company name as last name),
 *   after the customer, locations, users, status update and outbox rows were written.
 */
const FAULTS = { company: 'zzfaultcompany', user: 'zzfaultuser', late: 'zzfaultlate' };

/** A BEFORE INSERT trigger on `table` that raises when `condition` (plpgsql, over NEW) holds. */
function faultTrigger(name: string, table: string, condition: string): string {
  return `
CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF ${condition} THEN RAISE EXCEPTION 'injected fault: % %', TG_TABLE_NAME, NEW."id"; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}();`;
}

const FAULT_TRIGGERS = [
  faultTrigger('test_fault_customer', 'customer', `NEW."companyName" LIKE '%${FAULTS.company}%'`),
  faultTrigger('test_fault_user', 'customer_user', `NEW."firstName" LIKE '%${FAULTS.user}%'`),
  faultTrigger('test_fault_audit', 'audit_event', `EXISTS (SELECT 1 FROM "customer_user" WHERE "customerId" = (NEW."targetIds"::json ->> 0) AND "lastName" LIKE '%${FAULTS.late}%')`),
].join('\n');

type Outcome = { status: 'ok' | 'taken' | 'invalid' | 'server-error'; value?: any; fields?: string[] };

/** Sends one mutation through the SDK's raw payloads; a 5xx or transport error is recorded, not thrown. */
async function attempt(send: () => Promise<{ userErrors: Array<{ code: string; field: string[] }> } & Record<string, any>>): Promise<Outcome> {
  try {
    const payload = await send();
    if (payload.userErrors.length === 0) return { status: 'ok', value: payload };
    const taken = payload.userErrors.filter((e) => e.code === 'TAKEN');
    return { status: taken.length ? 'taken' : 'invalid', value: payload, fields: payload.userErrors.map((e) => `${e.code}@${e.field.join('.')}`) };
  } catch (error) {
    return { status: 'server-error', value: error instanceof GraphQLRequestError ? `${error.status} ${error.code}` : String(error) };
  }
}

describe.skipIf(!onPostgres)('two API processes on one PostgreSQL database', () => {
  let scratch: ScratchDatabase;
  let a: ApiProcess;
  let b: ApiProcess;
  let sql: Client;
  let partner: TestPartner;
  let hubs: [ProvisioningClient, ProvisioningClient];

  beforeAll(async () => {
    ensureBuilt();
    scratch = await createScratchDatabase();
    // Started together on an empty database: one migrates and seeds, the other waits for it.
    [a, b] = await startProcesses(scratch.url, 2);
    const created = JSON.parse(execFileSync(process.execPath, [CLI, 'create-partner', '--name', 'Two Processes',
      '--admin-email', `${unique('noc')}@partner.example`, '--subscription', 'Sub100452'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }, encoding: 'utf8' }));
    partner = { ...created, client: createClient({ url: a.url, token: created.token }) };
    hubs = [createClient({ url: a.url, token: created.token }), createClient({ url: b.url, token: created.token })];
    sql = new Client({ connectionString: scratch.url });
    await sql.connect();
    await sql.query(FAULT_TRIGGERS);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await stopAllApiProcesses();
    await scratch?.drop();
  });

  it('migrated once and seeded one demo partner although both started at once', async () => {
    const migrations = await sql.query('SELECT COUNT(*)::int AS n FROM "migrations"');
    const demos = await sql.query(`SELECT COUNT(*)::int AS n FROM "partner" WHERE "name" = 'Demo Partner'`);
    expect(migrations.rows[0].n).toBeGreaterThan(0);
    expect(demos.rows[0].n).toBe(1);
    expect([a.stdout, b.stdout].filter((out) => out.includes('Created a demo partner'))).toHaveLength(1);
  });

  it('keeps every row exactly once and gives every conflict one winner, across both processes', async () => {
    const started = Date.now();
    const hubAt = (i: number) => hubs[i % 2];
    const template = await hubs[0].createTemplate(aTemplateInput(partner, { name: unique('Two processes ') }));

    // Phase 1: customers, with pairs that clash on admin email or externalId sent to A and B at once,
    // requests that fail validation, customers kept for the faulty setups of phase 2, and
    // createCustomer requests that fail inside their transaction at each of the three FAULTS.
    const pairs = Math.max(3, CUSTOMERS / 4);
    const faultTargetCount = 4 * SCALE;
    const faultyCreateInputs = Array.from({ length: 2 * SCALE }, (_, i) => [
      aCustomerInput(template.id, { companyName: `Fault ${FAULTS.company} ${i}` }),
      aCustomerInput(template.id, { adminEmail: `${unique(FAULTS.user)}@devries.example` }),
      aCustomerInput(template.id, { companyName: `${FAULTS.late} ${i}` }),
    ]).flat();
    const emailPairs = Array.from({ length: pairs }, () => `${unique('dup')}@devries.example`);
    const externalPairs = Array.from({ length: pairs }, () => unique('crm-'));
    const phase1 = await Promise.all([
      ...Array.from({ length: CUSTOMERS }, (_, i) => attempt(() => hubAt(i).payloads.createCustomer(aCustomerInput(template.id)))),
      ...emailPairs.flatMap((adminEmail) => [0, 1].map((i) =>
        attempt(() => hubAt(i).payloads.createCustomer(aCustomerInput(template.id, { adminEmail }))))),
      ...externalPairs.flatMap((externalId) => [0, 1].map((i) =>
        attempt(() => hubAt(i).payloads.createCustomer(aCustomerInput(template.id, { externalId, companyName: `Company ${i}` }))))),
      ...Array.from({ length: 4 }, (_, i) =>
        attempt(() => hubAt(i).payloads.createCustomer(aCustomerInput(template.id, { supportedLocationConfirmed: false })))),
      ...Array.from({ length: faultTargetCount }, (_, i) => attempt(() => hubAt(i).payloads.createCustomer(aCustomerInput(template.id)))),
      ...faultyCreateInputs.map((input, i) => attempt(() => hubAt(i).payloads.createCustomer(input))),
    ]);
    const regularCount = CUSTOMERS + 4 * pairs + 4;
    const regular = phase1.slice(0, regularCount);
    const plain = phase1.slice(0, CUSTOMERS);
    const emailRaces = phase1.slice(CUSTOMERS, CUSTOMERS + 2 * pairs);
    const externalRaces = phase1.slice(CUSTOMERS + 2 * pairs, CUSTOMERS + 4 * pairs);
    const invalid = phase1.slice(CUSTOMERS + 4 * pairs, regularCount);
    const faultTargetOutcomes = phase1.slice(regularCount, regularCount + faultTargetCount);
    const faultyCreates = phase1.slice(regularCount + faultTargetCount);
    expect(regular.filter((o) => o.status === 'server-error').map((o) => o.value)).toEqual([]);
    expect(plain.every((o) => o.status === 'ok')).toBe(true);
    expect(faultTargetOutcomes.map((o) => o.status)).toEqual(faultTargetOutcomes.map(() => 'ok'));
    for (let p = 0; p < pairs; p++) {
      for (const [races, field] of [[emailRaces, 'TAKEN@input.adminEmail'], [externalRaces, 'TAKEN@input.externalId']] as const) {
        const pair = races.slice(2 * p, 2 * p + 2);
        expect(pair.filter((o) => o.status === 'ok')).toHaveLength(1);
        expect(pair.find((o) => o.status !== 'ok')!.fields).toEqual([field]);
      }
    }
    expect(invalid.every((o) => o.status === 'invalid' && o.fields!.includes('NOT_CONFIRMED@input.supportedLocationConfirmed'))).toBe(true);
    const customers = regular.filter((o) => o.status === 'ok').map((o) => o.value.customer as { id: string; adminEmail: string });
    const faultTargets = faultTargetOutcomes.map((o) => o.value.customer as { id: string; adminEmail: string });

    // Phase 2: a setup per customer, sent alternately to A and B. Contested phone numbers and
    // emails are each claimed by two setups (one per process); a setup claims at most one, so
    // exactly one of its two claimants can win. Some setups fail validation; a few are big.
    // New customers whose admin email a setup also claims race in the same batch.
    const contested = Math.floor(customers.length / 4);
    const contestedPhones = Array.from({ length: contested }, () => anAmsterdamNumber());
    const contestedEmails = Array.from({ length: contested }, () => `${unique('contested')}@devries.example`);
    const crossEmails = Array.from({ length: 2 }, () => `${unique('cross')}@devries.example`);
    const plans = customers.map((customer, i) => {
      const big = i >= customers.length - 3;
      const size = big ? BIG_SETUP_USERS : 5 + (i % 15);
      const users = Array.from({ length: size }, () => aUser());
      let claim: string | null = null;
      if (i < 2 * contested) {
        const k = Math.floor(i / 2);
        if (k % 2 === 0) { users[1].phoneNumber = contestedPhones[k]; claim = `phone ${k}`; }
        else { users[1].email = contestedEmails[k]; claim = `email ${k}`; }
      } else if (i < 2 * contested + crossEmails.length) {
        users[0].email = crossEmails[i - 2 * contested];
        claim = `cross ${i - 2 * contested}`;
      } else if (!big && i % 7 === 6) {
        users[2].phoneNumber = '+31 20 12'; // fails validation: nothing of this setup is written
      }
      return { customer, users, claim, invalid: claim === null && !big && i % 7 === 6 };
    });
    // Setups that fail inside their transaction, each with a new location: half at the second
    // chunk of users (INSERT_CHUNK_SIZE rows already inserted), half at the audit row, the last
    // insert (after users, status update and welcome emails).
    const faultyPlans = faultTargets.map((customer, i) => {
      const atChunk = i % 2 === 0;
      const users = Array.from({ length: atChunk ? INSERT_CHUNK_SIZE + 100 : 10 }, () => aUser());
      if (atChunk) users[INSERT_CHUNK_SIZE + 50].firstName = `Eva ${FAULTS.user}`;
      else users[7].lastName = `de Vries ${FAULTS.late}`;
      const location = anAmsterdamLocation({ name: unique('Fault site ') });
      users[3].locationName = location.name;
      return { customer, users, location };
    });
    const setups = Promise.all(plans.map((plan, i) =>
      attempt(() => hubAt(i).payloads.setupCustomer({ customerId: plan.customer.id, users: plan.users }))));
    const crossCustomers = Promise.all(crossEmails.map((adminEmail, i) =>
      attempt(() => hubAt(i + 1).payloads.createCustomer(aCustomerInput(template.id, { adminEmail })))));
    const faultySetups = Promise.all(faultyPlans.map((plan, i) =>
      attempt(() => hubAt(i + 1).payloads.setupCustomer({ customerId: plan.customer.id, users: plan.users, locations: [plan.location] }))));
    const [phase2, cross, faultyPhase2] = await Promise.all([setups, crossCustomers, faultySetups]);

    // Every injected fault answers 500 INTERNAL_SERVER_ERROR, from either process.
    const faulty = [...faultyCreates, ...faultyPhase2];
    expect(faulty.map((o) => (o.status === 'server-error' ? o.value : `${o.status} ${o.fields ?? ''}`)))
      .toEqual(faulty.map(() => '500 INTERNAL_SERVER_ERROR'));

    const serverErrors = [...phase2, ...cross].filter((o) => o.status === 'server-error');
    expect(serverErrors.map((o) => o.value)).toEqual([]);
    const claims = new Map<string, Outcome[]>();
    plans.forEach((plan, i) => { if (plan.claim) claims.set(plan.claim, [...(claims.get(plan.claim) ?? []), phase2[i]]); });
    cross.forEach((o, i) => claims.get(`cross ${i}`)!.push(o));
    for (const [claim, outcomes] of claims) {
      expect(outcomes.filter((o) => o.status === 'ok'), claim).toHaveLength(1);
      outcomes.filter((o) => o.status !== 'ok').forEach((o) => expect(o.status, `${claim}: ${o.fields}`).toBe('taken'));
    }
    plans.forEach((plan, i) => {
      if (plan.invalid) expect(phase2[i].fields).toContain('INVALID@input.users.2.phoneNumber');
      else if (!plan.claim) expect(phase2[i].status, String(phase2[i].fields)).toBe('ok');
    });

    // The database holds exactly what the successful answers said, once.
    const expected = new Map<string, number>([...customers, ...faultTargets].map((c) => [c.id, 1]));
    plans.forEach((plan, i) => { if (phase2[i].status === 'ok') expected.set(plan.customer.id, 1 + plan.users.length); });
    cross.forEach((o) => { if (o.status === 'ok') expected.set(o.value.customer.id, 1); });
    const counted = await sql.query<{ customerId: string; n: number }>(
      `SELECT c."id" AS "customerId", COUNT(u."id")::int AS n FROM "customer" c LEFT JOIN "customer_user" u ON u."customerId" = c."id"
       WHERE c."templateId" = $1 GROUP BY c."id"`, [template.id]);
    expect(new Map(counted.rows.map((r) => [r.customerId, r.n]))).toEqual(expected);
    const rows = [...expected.values()].reduce((sum, n) => sum + n, 0);
    const duplicates = await sql.query(
      `SELECT 'email' AS k, lower("email") AS v FROM "customer_user" GROUP BY lower("email") HAVING COUNT(*) > 1
       UNION ALL SELECT 'phone', "phoneNumber" FROM "customer_user" WHERE "phoneNumber" IS NOT NULL GROUP BY "phoneNumber" HAVING COUNT(*) > 1`);
    expect(duplicates.rows).toEqual([]);
    const statuses = await sql.query<{ status: string; n: number }>(
      `SELECT "status", COUNT(*)::int AS n FROM "customer" WHERE "templateId" = $1 GROUP BY "status"`, [template.id]);
    const active = phase2.filter((o) => o.status === 'ok').length;
    expect(Object.fromEntries(statuses.rows.map((r) => [r.status, r.n]))).toEqual({
      ...(active ? { ACTIVE: active } : {}), PENDING_SETUP: expected.size - active,
    });
    const audits = await sql.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "audit_event" WHERE "partnerId" = $1`, [partner.partnerId]);
    const successes = 1 + [...phase1, ...phase2, ...cross].filter((o) => o.status === 'ok').length;
    expect(audits.rows[0].n).toBe(successes);

    // Each customer's locations and outbox: its headquarters only (no setup adds a location but the
    // faulty ones), and one email per user (the admin's invitation, a welcome per user set up).
    const perCustomer = await sql.query<{ customerId: string; locations: number; outbox: number }>(
      `SELECT c."id" AS "customerId",
         (SELECT COUNT(*)::int FROM "location" l WHERE l."customerId" = c."id") AS locations,
         (SELECT COUNT(*)::int FROM "outbox_message" o WHERE o."customerId" = c."id") AS outbox
       FROM "customer" c WHERE c."templateId" = $1`, [template.id]);
    expect(new Map(perCustomer.rows.map((r) => [r.customerId, r.locations]))).toEqual(new Map([...expected.keys()].map((id) => [id, 1])));
    expect(new Map(perCustomer.rows.map((r) => [r.customerId, r.outbox]))).toEqual(expected);

    // Nothing of the faulty requests was kept: rows that carry their markers, emails, location names or
    // customer ids; their target customers hold their createCustomer rows only and are still PENDING_SETUP.
    const faultEmails = [...faultyCreateInputs.map((input) => input.adminEmail.toLowerCase()),
      ...faultyPlans.flatMap((plan) => plan.users.map((u) => u.email.toLowerCase()))];
    const faultTargetIds = faultTargets.map((c) => c.id);
    const markedPrefix = 'zzfault%'; // every FAULTS marker starts so
    const left = (await sql.query<Record<'customers' | 'users' | 'locations' | 'outbox' | 'audit', number>>(
      `SELECT
         (SELECT COUNT(*)::int FROM "customer" WHERE lower("companyName") LIKE '%' || $1 OR "adminEmail" LIKE $1 OR "status" <> 'PENDING_SETUP' AND "id" = ANY($4)) AS customers,
         (SELECT COUNT(*)::int FROM "customer_user" WHERE lower("email") = ANY($2) OR "firstName" LIKE '%' || $1 OR "lastName" LIKE '%' || $1
            OR "customerId" = ANY($4) AND "email" NOT IN (SELECT "adminEmail" FROM "customer" WHERE "id" = ANY($4))) AS users,
         (SELECT COUNT(*)::int FROM "location" WHERE "name" = ANY($3) OR "customerId" = ANY($4) AND NOT "isHeadquarters") AS locations,
         (SELECT COUNT(*)::int FROM "outbox_message" WHERE "recipient" = ANY($2) OR "customerId" = ANY($4) AND "kind" <> 'ADMIN_INVITATION') AS outbox,
         (SELECT COUNT(*)::int FROM "audit_event" WHERE ("targetIds"::json ->> 0) = ANY($4) AND "operation" <> 'createCustomer') AS audit`,
      [markedPrefix, faultEmails, faultyPlans.map((plan) => plan.location.name), faultTargetIds])).rows[0];
    expect(left).toEqual({ customers: 0, users: 0, locations: 0, outbox: 0, audit: 0 });

    // The stored counts of customers' children match the rows after every race, retry and rolled-back fault.
    // Each stored (kind, parentId, n) row against COUNT(*) of the kind's table for that parent.
    const countDrift = (stored: string, parentColumn: string, tables: readonly string[]) => sql.query(
      `SELECT s."kind", s."parentId", s."n"::int AS stored, x."n" AS counted FROM (${stored}) s
       CROSS JOIN LATERAL (SELECT CASE s."kind" ${tables.map((table) =>
         `WHEN '${table}' THEN (SELECT COUNT(*)::int FROM "${table}" WHERE "${parentColumn}" = s."parentId")`).join(' ')} END AS "n") x
       WHERE s."n" <> x."n"`);
    expect((await countDrift(`SELECT "kind", "parentId", "n" FROM "child_count"`, 'customerId', COUNTED_TABLES)).rows).toEqual([]);
    // And so do the partners' count rows (their sum per partner and table; migration 1733300000001), and the users' stored grams.
    expect((await countDrift(`SELECT "kind", "parentId", SUM("n") AS "n" FROM "partner_count_delta" GROUP BY "kind", "parentId"`,
      'partnerId', PARTNER_COUNTED_TABLES)).rows).toEqual([]);
    const gramDrift = await sql.query(`SELECT g."customerId", g."gram", g."n"::int AS stored, x."n" AS counted FROM "customer_user_gram" g
      CROSS JOIN LATERAL (SELECT COUNT(*)::int AS "n" FROM "customer_user" u WHERE u."customerId" = g."customerId"
        AND (strpos(lower(u."firstName"), g."gram") > 0 OR strpos(lower(u."lastName"), g."gram") > 0 OR strpos(u."email", g."gram") > 0)) x
      WHERE g."n" <> x."n"`);
    expect(gramDrift.rows).toEqual([]);

    const all = [...phase1, ...phase2, ...cross, ...faultyPhase2];
    const figures = {
      processes: 2,
      requests: all.length + 1,
      successes,
      takenConflicts: all.filter((o) => o.status === 'taken').length,
      validationFailures: all.filter((o) => o.status === 'invalid').length,
      serverErrors: serverErrors.length,
      injectedFaults: { createCustomer: faultyCreates.length, setupCustomer: faultyPhase2.length,
        answered500: faulty.filter((o) => o.value === '500 INTERNAL_SERVER_ERROR').length, rowsLeft: left },
      usersWritten: rows,
      rowsChecked: counted.rows.length + rows,
      seconds: (Date.now() - started) / 1000,
    };
    console.log(`two processes on PostgreSQL: ${JSON.stringify(figures)}`);
  }, 180_000);
});
