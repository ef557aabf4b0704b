import { beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser } from '../server/src/customers/customer-user.entity';
import { Customer } from '../server/src/customers/customer.entity';
import { bulkInsert } from '../server/src/db/bulk-insert';
import { newId } from '../server/src/db/ids';
import { queuedRow, webexSync } from '../server/src/webex/webex-sync';
import { WebexChange, WebexObjectKind, WebexSyncRow, WebexSyncStatus } from '../server/src/webex/webex.entities';
import type { TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

// updateUsers and removeUsers hand up to 10,000 users to the connector in one call: the two hooks
// they call must be set-based (a few statements per chunk, never one per user), like the rest of the write.

const USERS = 1_200;
let server: TestServer;

const fixture = useTestServer({ partners: 0 });
beforeAll(() => {
  server = fixture.server;
});

/** Users already at Cisco (webexId known), with sync rows only: the hooks read nothing else. */
async function usersAtCisco(customerId: string): Promise<CustomerUser[]> {
  const now = new Date();
  const users = Array.from({ length: USERS }, (_, i) => Object.assign(new CustomerUser(), {
    id: newId(), customerId, locationId: newId(), firstName: 'Eva', lastName: `Bulk ${i}`, email: `bulk${i}.${customerId}@devries.example`,
    package: i % 2 === 0 ? 'WEBEX_MEETINGS' : 'WEBEX_CALLING', phoneNumber: i % 2 === 0 ? null : `+3120${String(7000000 + i)}`,
    extension: null, roles: [], createdAt: now, updatedAt: now,
  } as CustomerUser));
  await server.app.db.write((tx) => bulkInsert(tx, WebexSyncRow, users.map((u) => Object.assign(queuedRow(u.id, WebexObjectKind.USER, customerId, now), {
    status: WebexSyncStatus.PROVISIONED, webexId: `cisco-${u.id}`, createAttemptedAt: now,
  }))));
  return users;
}

/** Runs the hook in a write and counts the statements it sent. */
async function statementsOf(work: Parameters<TestServer['app']['db']['write']>[0]): Promise<number> {
  let statements = 0;
  await server.app.db.write(async (tx) => {
    const runner = tx.queryRunner!;
    const original = runner.query.bind(runner);
    runner.query = ((...args: Parameters<typeof runner.query>) => {
      statements += 1;
      return original(...args);
    }) as typeof runner.query;
    try {
      return await work(tx);
    } finally {
      runner.query = original;
    }
  });
  return statements;
}

describe('the user hooks are set-based', () => {
  it(`usersChanged for ${USERS} users: every change recorded, a few statements per chunk`, async () => {
    const customer = Object.assign(new Customer(), { id: newId(), partnerId: newId() });
    const users = await usersAtCisco(customer.id);
    const changes = users.map((before, i) => ({
      before,
      // Meetings users move to calling (with an extension); calling users get a new number (a Control Hub note).
      after: Object.assign(new CustomerUser(), before, before.package === 'WEBEX_MEETINGS'
        ? { package: 'WEBEX_CALLING', extension: '4711' } : { phoneNumber: `+3120${String(8000000 + i)}` }),
    }));
    const statements = await statementsOf((tx) => webexSync.usersChanged(tx, customer, changes));
    expect(statements).toBeLessThan(40);
    const rows = await server.app.db.manager.findBy(WebexSyncRow, { customerId: customer.id });
    const moved = rows.filter((r) => r.pendingChange === WebexChange.UPDATE_CALLING);
    const noted = rows.filter((r) => r.errors.some((e) => e.code === 'CONTROL_HUB'));
    expect(moved).toHaveLength(USERS / 2);
    expect(noted).toHaveLength(USERS / 2);
    expect(noted.every((r) => r.pendingChange === null && r.changeSeq === 1)).toBe(true);
  });

  it(`usersRemoved for ${USERS} users: every DELETE queued with its lookup key, a few statements per chunk`, async () => {
    const customer = Object.assign(new Customer(), { id: newId(), partnerId: newId() });
    const users = await usersAtCisco(customer.id);
    const statements = await statementsOf((tx) => webexSync.usersRemoved(tx, customer, users));
    expect(statements).toBeLessThan(40);
    const rows = await server.app.db.manager.findBy(WebexSyncRow, { customerId: customer.id });
    expect(rows.every((r) => r.pendingChange === WebexChange.DELETE)).toBe(true);
    expect(new Map(rows.map((r) => [r.id, r.lookupKey]))).toEqual(new Map(users.map((u) => [u.id, u.email])));
  });
});
