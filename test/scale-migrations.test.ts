import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTITIES } from '../server/src/db/entities';
import { newId } from '../server/src/db/ids';
import { MIGRATIONS } from '../server/src/db/migrations';
import { applyPendingUserGrams, GRAMS_KEPT_FROM, GRAMS_KEPT_MARK } from '../server/src/db/search-grams';
import { aCustomerInput, aTemplateInput, aUser } from './support/factories';
import { onPostgres, startTestServer, type TestPartner, type TestServer } from './support/test-server';

/** Runs down() of the newest migrations until `name` is undone (later migrations may come and go). */
async function undoThrough(ds: DataSource, name: string): Promise<void> {
  expect(MIGRATIONS.map((m) => m.name)).toContain(name);
  for (;;) {
    const executed: Array<{ name: string }> = await ds.query(`SELECT "name" FROM "migrations"`);
    if (!executed.some((m) => m.name === name)) return;
    await ds.undoLastMigration();
  }
}

/** A customer of a new partner, set up with three users through the API. */
async function aCustomerWithThreeUsers(server: TestServer) {
  const partner = await server.newPartner();
  const template = await partner.client.createTemplate(aTemplateInput(partner));
  const customer = await partner.client.createCustomer(aCustomerInput(template.id));
  const { users } = await partner.client.setupCustomer({ customerId: customer.id, users: [aUser(), aUser(), aUser()] });
  return { partner, customer, users };
}

/**
 * Sync rows as the connector writes them, stored before migration 1733400000000 existed: two users
 * PROVISIONED, one FAILED, and the row of a user removed here whose DELETE Cisco has yet to get.
 */
async function storeSyncRowsWithoutCounts(ds: DataSource, customerId: string, userIds: string[]): Promise<void> {
  const postgres = ds.options.type === 'postgres';
  const values = postgres ? '$1, \'USER\', $2, $3, \'[]\', 1, $4, $5, 0' : '?, \'USER\', ?, ?, \'[]\', 1, ?, ?, 0';
  const sync = (id: string, status: string, pendingChange: string | null = null) => ds.query(
    `INSERT INTO "webex_sync" ("id", "kind", "customerId", "status", "errors", "attempts", "updatedAt", "pendingChange", "changeSeq")
     VALUES (${values})`, [id, customerId, status, Date.now(), pendingChange]);
  await sync(userIds[0]!, 'PROVISIONED');
  await sync(userIds[1]!, 'PROVISIONED');
  await sync(userIds[2]!, 'FAILED');
  await sync(newId(), 'FAILED', 'DELETE');
}

/** What the API answers for the rows of storeSyncRowsWithoutCounts once the counts are backfilled. */
async function expectBackfilledWebexCounts(server: TestServer, partner: TestPartner, customerId: string, failedUserId: string): Promise<void> {
  const { body } = await server.post({
    query: `query ($id: ID!) { customer(id: $id) { webexUserCounts { status count } failed: users(filter: { webexStatus: FAILED }) { totalCount edges { node { id } } } } }`,
    variables: { id: customerId },
  }, { token: partner.token });
  expect(body.data.customer).toEqual({
    webexUserCounts: [{ status: 'NOT_SYNCED', count: 1 }, { status: 'PROVISIONED', count: 2 }, { status: 'FAILED', count: 1 }],
    failed: { totalCount: 1, edges: [{ node: { id: failedUserId } }] },
  });
}

/** The stored per-status counts of a customer, as numbers (PostgreSQL answers a bigint as text). */
async function storedWebexCounts(server: TestServer, customerId: string): Promise<Array<{ status: string; n: number }>> {
  const rows: Array<{ status: string; n: string | number }> = await server.app.db.manager.query(
    `SELECT "status", "n" FROM "webex_user_count" WHERE "customerId" = ${onPostgres ? '$1' : '?'} ORDER BY "status"`, [customerId]);
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}

/**
 * The migrations of issue 13 on a database with rows. Migration 1733200000002 splits audit events stored before it (every id in one JSON text) into the
 * first 100 ids on the row and the rest 1,000 per row beside it; its down() puts them back.
 */
describe.skipIf(onPostgres)('audit target ids of events stored before the split (SQLite)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-split-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A database file of this suite: a server on it, and a DataSource to move its migrations back and forth. */
  const onFile = (name: string) => {
    const file = path.join(dir, name);
    return {
      start: () => startTestServer({}, { DATABASE_URL: `sqlite:${file}` }),
      dataSource: () => new DataSource({ type: 'better-sqlite3', database: file, entities: ENTITIES, migrations: MIGRATIONS }),
    };
  };

  it('keeps every id, in order, of an event written before the migration', async () => {
    const database = onFile('legacy.sqlite');
    let server = await database.start();
    const partner = await server.newPartner();
    await server.stop();

    // Back to the schema before the split, then an event as that schema stored it: 2,345 ids in one text.
    const ds = database.dataSource();
    await ds.initialize();
    await undoThrough(ds, 'AuditTargets1733200000002');
    const ids = Array.from({ length: 2345 }, () => newId());
    await ds.query(`INSERT INTO "audit_event" ("id", "partnerId", "adminId", "operation", "targetIds", "at") VALUES (?, ?, ?, 'setupCustomer', ?, ?)`,
      [newId(), partner.partnerId, partner.adminId, JSON.stringify(ids), Date.now()]);
    await ds.destroy();

    server = await database.start();
    try {
      const ask = async (first?: number, offset?: number) => (await server.post({
        query: `query ($first: Int, $offset: Int) { auditEvents(first: 1) { edges { node { targetCount targetIds(first: $first, offset: $offset) } } } }`,
        variables: { first, offset },
      }, { token: partner.token })).body.data.auditEvents.edges[0].node;
      expect(await ask()).toEqual({ targetCount: 2345, targetIds: ids });
      expect((await ask(100)).targetIds).toEqual(ids.slice(0, 100));
      expect((await ask(10_000)).targetIds).toEqual(ids);
      expect((await ask(3, 2100)).targetIds).toEqual(ids.slice(2100, 2103));
      const [row] = await server.app.db.manager.query(`SELECT length("targetIds") AS n FROM "audit_event" WHERE "targetCount" = 2345`);
      expect(row.n).toBeLessThan(4000);
    } finally {
      await server.stop();
    }
  });

  it('counts and indexes the rows stored before the counters, the search indexes and the short-search grams existed', async () => {
    const database = onFile('before-counts.sqlite');
    let server = await database.start();
    const { partner, customer, users } = await aCustomerWithThreeUsers(server);
    await server.stop();

    // Back to the schema before the counts, then the sync rows the connector had written by then.
    const ds = database.dataSource();
    await ds.initialize();
    await undoThrough(ds, 'WebexUserCounts1733400000000');
    const tables = (await ds.query(`SELECT name FROM sqlite_master WHERE type IN ('table', 'index')`)).map((r: { name: string }) => r.name);
    expect(tables).not.toContain('webex_user_count');
    expect(tables).toContain('ix_webex_sync_customer');
    await storeSyncRowsWithoutCounts(ds, customer.id, users.map((u) => u.id));
    await ds.destroy();

    server = await database.start();
    try {
      await expectBackfilledWebexCounts(server, partner, customer.id, users[2]!.id);
      // The figures are the stored ones (test/webex-user-counts.test.ts shows they are what answers), backfilled.
      expect(await storedWebexCounts(server, customer.id)).toEqual([{ status: 'FAILED', n: 1 }, { status: 'PROVISIONED', n: 2 }]);
    } finally {
      await server.stop();
    }
  });

  it('keeps the short-search grams of the customers of GRAMS_KEPT_FROM users or more only, and counts the others from their users', async () => {
    const database = onFile('grams-of-every-customer.sqlite');
    let server = await database.start();
    const { partner, customer: small } = await aCustomerWithThreeUsers(server);
    const template = (await partner.client.templates()).edges[0]!.node;
    const large = await partner.client.createCustomer(aCustomerInput(template.id));
    await partner.client.setupCustomer({ customerId: large.id, users: Array.from({ length: GRAMS_KEPT_FROM }, () => aUser()) });
    await server.stop();

    // Back to before the migration: every customer's grams stored, no marks, nothing pending.
    const ds = database.dataSource();
    await ds.initialize();
    await undoThrough(ds, 'GramsOfLargeCustomers1733500000000');
    await applyPendingUserGrams(ds.manager, 20_000, 0);
    await ds.query(`DELETE FROM "customer_user_gram" WHERE "gram" = ?`, [GRAMS_KEPT_MARK]);
    const grams = async (customerId: string) => Number((await ds.query(`SELECT COUNT(*) AS n FROM "customer_user_gram" WHERE "customerId" = ?`, [customerId]))[0].n);
    expect(await grams(small.id)).toBeGreaterThan(20);
    const largeGrams = await grams(large.id);
    await ds.destroy();

    server = await database.start();
    try {
      const stored = (customerId: string) => server.app.db.manager.query(`SELECT "gram", "n" FROM "customer_user_gram" WHERE "customerId" = ? ORDER BY "gram" LIMIT 2`, [customerId]);
      expect(await stored(small.id)).toEqual([]);
      expect((await stored(large.id))[0]).toEqual({ gram: GRAMS_KEPT_MARK, n: 0 });
      expect(Number((await server.app.db.manager.query(`SELECT COUNT(*) AS n FROM "customer_user_gram" WHERE "customerId" = ?`, [large.id]))[0].n)).toBe(largeGrams + 1);
      const total = async (id: string) => (await server.post({
        query: `query ($id: ID!) { customer(id: $id) { users(first: 1, filter: { search: "x" }) { totalCount } } }`, variables: { id },
      }, { token: partner.token })).body.data.customer.users.totalCount;
      // Every user's email ends in ".example": an "x" is in each.
      expect([await total(small.id), await total(large.id)]).toEqual([4, GRAMS_KEPT_FROM + 1]);
    } finally {
      await server.stop();
    }
  });

  it('rebuilds the counters keyed by customer, with every count and every trigger that keeps them, both ways', async () => {
    const database = onFile('child-count-key.sqlite');
    let server = await database.start();
    const { partner, customer } = await aCustomerWithThreeUsers(server);
    await server.stop();

    const schema = async (ds: DataSource) => ({
      table: (await ds.query(`SELECT "sql" FROM "sqlite_master" WHERE "name" = 'child_count'`))[0].sql as string,
      // The counters' own triggers (a later migration's trigger that reads them comes and goes with it).
      triggers: (await ds.query(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'trigger' AND "sql" LIKE '%child_count%' AND "name" LIKE '%count%' ORDER BY "name"`)).map((r: { name: string }) => r.name),
      rows: await ds.query(`SELECT "kind", "parentId", "n" FROM "child_count" ORDER BY "kind", "parentId"`),
    });
    const ds = database.dataSource();
    await ds.initialize();
    const after = await schema(ds);
    expect(after.table).toContain('PRIMARY KEY ("parentId", "kind")) WITHOUT ROWID');
    expect(after.triggers.length).toBeGreaterThanOrEqual(13);
    await undoThrough(ds, 'ChildCountsByParent1733500000001');
    const before = await schema(ds);
    expect(before.table).toContain('PRIMARY KEY ("kind", "parentId"))');
    expect(before.table).not.toContain('WITHOUT ROWID');
    expect({ triggers: before.triggers, rows: before.rows }).toEqual({ triggers: after.triggers, rows: after.rows });
    await ds.destroy();

    server = await database.start();
    try {
      // Migrated again; the triggers still count: two more users, then the customer's deletion takes its counters.
      const client = server.client(partner.token);
      await client.setupCustomer({ customerId: customer.id, users: [aUser(), aUser()] });
      const counters = () => server.app.db.manager.query(`SELECT "kind", "n" FROM "child_count" WHERE "parentId" = ? ORDER BY "kind"`, [customer.id]);
      expect(await counters()).toEqual([{ kind: 'customer_user', n: 6 }, { kind: 'location', n: 1 }, { kind: 'outbox_message', n: 6 }]);
      await client.deleteCustomer(customer.id);
      expect(await counters()).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

/** Migration 1733400000000 on PostgreSQL: its down() (triggers, functions, table) and its backfill, beside a running server. */
describe.runIf(onPostgres)('Webex user counts before and after their migration (PostgreSQL)', () => {
  it('backfills the counts of sync rows stored before it, and down() takes them away', async () => {
    const server = await startTestServer();
    try {
      const { partner, customer, users } = await aCustomerWithThreeUsers(server);
      const ds = new DataSource({ type: 'postgres', url: server.databaseUrl, entities: ENTITIES, migrations: MIGRATIONS });
      await ds.initialize();
      try {
        await undoThrough(ds, 'WebexUserCounts1733400000000');
        const left = await ds.query(`SELECT to_regclass('webex_user_count') AS "t", to_regclass('ix_webex_sync_customer') AS "i",
          (SELECT COUNT(*) FROM pg_proc WHERE proname LIKE 'webex_user_count%') AS "functions"`);
        expect(left).toEqual([{ t: null, i: 'ix_webex_sync_customer', functions: '0' }]);
        await storeSyncRowsWithoutCounts(ds, customer.id, users.map((u) => u.id));
        await ds.runMigrations();
      } finally {
        await ds.destroy();
      }
      await expectBackfilledWebexCounts(server, partner, customer.id, users[2]!.id);
      expect(await storedWebexCounts(server, customer.id)).toEqual([{ status: 'FAILED', n: 1 }, { status: 'PROVISIONED', n: 2 }]);
      // The triggers are back: removing the FAILED user counts.
      await partner.client.removeUsers({ customerId: customer.id, userIds: [users[2]!.id] });
      expect(await storedWebexCounts(server, customer.id)).toEqual([{ status: 'FAILED', n: 0 }, { status: 'PROVISIONED', n: 2 }]);
    } finally {
      await server.stop();
    }
  });
});
