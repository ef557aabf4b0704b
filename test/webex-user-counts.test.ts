import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebexSyncStatus } from '../server/src/catalog/webex-sync-status';
import { customerUsersQuery } from '../server/src/customers/customer-user.filter';
import { CustomerUser } from '../server/src/customers/customer-user.entity';
import type { Database } from '../server/src/db/database';
import { Loaders } from '../server/src/graphql/loaders';
import { aCustomerInput, aMeetingsUser, aUser } from './support/factories';
import {
  allSettled, connectedPartner, createCustomer, customerSync, gql, setupCustomer, startWebexHarness, waitFor, type WebexHarness,
} from './support/webex-harness';

// Issue 13: `Customer.webexUserCounts` and the count of `users(filter: { webexStatus })` are read
// from per-customer, per-status counts the database keeps with triggers (migration 1733400000000),
// and a page of the users in one status walks the sync rows in that status, not every user. On
// SQLite or, with TEST_DATABASE_URL, PostgreSQL, against the loopback stand-in of Cisco.

let h: WebexHarness;

beforeAll(async () => {
  h = await startWebexHarness();
});
afterAll(async () => {
  await h?.stop();
});

type Counts = Array<[string, string, number]>;

/** Runs a query of (customerId, status, n) rows; PostgreSQL answers a bigint as text. */
async function counts(sql: string): Promise<Counts> {
  const rows: Array<{ customerId: string; status: string; n: string | number }> = await h.server.app.db.manager.query(sql);
  return rows.map((r) => [r.customerId, r.status, Number(r.n)]);
}

/** Every stored count above zero. */
const stored = () => counts(
  `SELECT "customerId", "status", "n" FROM "webex_user_count" WHERE "n" <> 0 ORDER BY "customerId", "status"`);

/** The same counted from the rows: users that exist with a USER sync row, per customer and status. */
const recount = () => counts(
  `SELECT w."customerId", w."status", COUNT(*) AS "n" FROM "webex_sync" w JOIN "customer_user" u ON u."id" = w."id"
   WHERE w."kind" = 'USER' GROUP BY w."customerId", w."status" ORDER BY w."customerId", w."status"`);

/** Changes the stored counts behind the triggers' back, in a write of its own (SQLite has one writer). */
async function tamper(sql: string): Promise<void> {
  await h.server.app.db.write(async (tx) => { await tx.query(sql); });
}

const COUNTS = `query ($id: ID!) { customer(id: $id) { webexUserCounts { status count }
  failed: users(first: 5, filter: { webexStatus: FAILED }) { totalCount edges { node { email } } }
  notSynced: users(first: 1, filter: { webexStatus: NOT_SYNCED }) { totalCount } } }`;

describe('stored Webex user counts', () => {
  it('equal a recount after syncs, failures, retries, removals and a customer’s deletion', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const hub = partner.client;
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const refused = [aUser({ firstName: 'Refused' }), aUser({ firstName: 'Refused' })];
    for (const user of refused) h.cisco.markNumberNotInInventory(user.phoneNumber!.replace(/ /g, ''));
    const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, ...refused, aMeetingsUser(), aMeetingsUser(), aMeetingsUser()];
    const setup = await setupCustomer(h, partner, { customerId: customer.id, users });
    // Straight after the commit: QUEUED (or already on their way), counted in the same transaction.
    expect(await stored()).toEqual(await recount());
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    expect(await stored()).toEqual(await recount());
    expect((await hub.customerWebexSync(customer.id, { first: 1 }))!.webexUserCounts)
      .toEqual([{ status: 'PROVISIONED', count: 4 }, { status: 'FAILED', count: 2 }]);

    // A retry: one number is back in Cisco's inventory, the other is refused again.
    h.cisco.restoreNumberToInventory(refused[0]!.phoneNumber!.replace(/ /g, ''));
    await hub.retryWebexSync(customer.id);
    expect(await stored()).toEqual(await recount());
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the retried users to settle');
    expect(await stored()).toEqual(await recount());
    expect((await hub.customerWebexSync(customer.id, { first: 1 }))!.webexUserCounts)
      .toEqual([{ status: 'PROVISIONED', count: 5 }, { status: 'FAILED', count: 1 }]);

    // Removals: a provisioned user (its row stays until Cisco's DELETE is done) and the failed one.
    const byEmail = new Map<string, string>(setup.users.map((u: { id: string; email: string }) => [u.email, u.id]));
    const removed = [byEmail.get(users[3]!.email.toLowerCase())!, byEmail.get(refused[1]!.email.toLowerCase())!];
    expect((await hub.removeUsers({ customerId: customer.id, userIds: removed })).sort()).toEqual([...removed].sort());
    expect(await stored()).toEqual(await recount());
    expect((await hub.customerWebexSync(customer.id, { first: 1 }))!.webexUserCounts).toEqual([{ status: 'PROVISIONED', count: 4 }]);
    // Cisco's DELETEs go through (the rows go away), and the counts stay.
    await waitFor(async () => Number((await h.server.app.db.manager.query(
      `SELECT COUNT(*) AS "n" FROM "webex_sync" WHERE "pendingChange" IS NOT NULL`))[0].n), (n) => n === 0, 'the removals to reach Cisco');
    expect(await stored()).toEqual(await recount());

    // A user added later, and a customer's deletion: its counts go with it.
    await setupCustomer(h, partner, { customerId: customer.id, users: [aMeetingsUser()] });
    expect(await stored()).toEqual(await recount());
    expect(await hub.deleteCustomer(customer.id)).toBe(customer.id);
    expect(await stored()).toEqual(await recount());
    expect((await stored()).filter(([id]) => id === customer.id)).toEqual([]);
    const left: Array<{ n: string | number }> = await h.server.app.db.manager.query(
      `SELECT COUNT(*) AS "n" FROM "webex_user_count" WHERE "customerId" = '${customer.id}'`);
    expect(Number(left[0]!.n)).toBe(0);
  }, 120_000);

  it('are what webexUserCounts and the webexStatus count answer: a tampered counter shows through', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const refused = aUser({ firstName: 'Refused' });
    h.cisco.markNumberNotInInventory(refused.phoneNumber!.replace(/ /g, ''));
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, refused, aMeetingsUser()] });
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    const before = (await gql(h.server, partner.token, COUNTS, { id: customer.id })).customer;
    expect(before.webexUserCounts).toEqual([{ status: 'PROVISIONED', count: 2 }, { status: 'FAILED', count: 1 }]);
    expect(before.failed.totalCount).toBe(1);
    expect(before.notSynced.totalCount).toBe(0);

    // Nobody writes "webex_user_count" but its triggers: a changed figure can only show if it is what is read.
    await tamper(`UPDATE "webex_user_count" SET "n" = "n" + 1000 WHERE "customerId" = '${customer.id}' AND "status" = 'FAILED'`);
    await tamper(`UPDATE "webex_user_count" SET "n" = "n" - 1 WHERE "customerId" = '${customer.id}' AND "status" = 'PROVISIONED'`);
    const after = (await gql(h.server, partner.token, COUNTS, { id: customer.id })).customer;
    expect(after.webexUserCounts).toEqual([{ status: 'PROVISIONED', count: 1 }, { status: 'FAILED', count: 1001 }]);
    expect(after.failed.totalCount).toBe(1001);
    // The page itself is read from the rows: still the one refused user.
    expect(after.failed.edges.map((e: any) => e.node.email)).toEqual([refused.email.toLowerCase()]);
    // NOT_SYNCED is the users the other statuses leave: 3 − (1 + 1001) is below zero, so none.
    expect(after.notSynced.totalCount).toBe(0);
    await tamper(`UPDATE "webex_user_count" SET "n" = "n" - 1001 WHERE "customerId" = '${customer.id}' AND "status" = 'FAILED'`);
    const derived = (await gql(h.server, partner.token, COUNTS, { id: customer.id })).customer;
    expect(derived.webexUserCounts).toEqual([{ status: 'NOT_SYNCED', count: 2 }, { status: 'PROVISIONED', count: 1 }]);
    expect(derived.notSynced.totalCount).toBe(2);
  }, 60_000);

  it('pages the users in one status through the sync rows in that status (ix_webex_sync_status), not through every user', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const refused = aUser({ firstName: 'Refused' });
    h.cisco.markNumberNotInInventory(refused.phoneNumber!.replace(/ /g, ''));
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, refused, aMeetingsUser()] });
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    const db = h.server.app.db;
    // The loaders the resolver uses, over a manager that records every statement it sends.
    const statements: Array<{ sql: string; params: unknown[] }> = [];
    const manager = new Proxy(db.manager, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return (sql: string, params: unknown[] = []) => {
          statements.push({ sql, params });
          return target.query(sql, params);
        };
      },
    });
    const recording = Object.create(db, { manager: { value: manager } }) as Database;
    const loaders = new Loaders(recording);
    const query = { first: 20, afterId: null, ...customerUsersQuery(recording, { webexStatus: WebexSyncStatus.FAILED }) };
    const rows = await loaders.childPage(CustomerUser, 'customerId', query).load(customer.id);
    expect(rows.map((u) => u.email)).toEqual([refused.email.toLowerCase()]);
    expect(await loaders.childCount(CustomerUser, 'customerId', query).load(customer.id)).toBe(1);
    const pageSql = statements.filter((s) => s.sql.includes('"webex_sync"') && s.sql.includes('LIMIT'));
    expect(pageSql).toHaveLength(1);
    const { sql, params } = pageSql[0]!;
    const plan = db.kind === 'postgres'
      ? await db.write(async (tx) => {
        // Tiny tables: forbid sequential scans so the plan shows which index serves the page.
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL plan_cache_mode = force_custom_plan');
        const rows: Array<{ 'QUERY PLAN': string }> = await tx.query(`EXPLAIN ${sql}`, params);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      })
      : (await db.manager.query(`EXPLAIN QUERY PLAN ${sql}`, params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    expect(plan, sql).toContain('ix_webex_sync_status');
    // The customer's users are looked up by id only, never walked: no index on their customer is used.
    expect(plan, sql).not.toMatch(/ix_customer_user|ix_user_customer|customerId"? ?=.*customer_user/i);
    if (db.kind === 'sqlite') {
      expect(plan).not.toMatch(/SCAN (c|d)\b/);
      // Only the union of the arms' pages is sorted (the outer ORDER BY); the arm reads its index in order.
      expect(plan.match(/TEMP B-TREE/g) ?? []).toHaveLength(1);
    }
    // And its count is the stored one: no COUNT over the customer's users or sync rows.
    expect(statements.some((s) => /COUNT\(/i.test(s.sql))).toBe(false);
  }, 60_000);
});
