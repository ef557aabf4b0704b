import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../sdk/src/index';
import { RemoveUsersDocument } from '../sdk/src/generated/graphql';
import { OutboxMessage } from '../server/src/outbox/outbox-message.entity';
import { cancelUnsentSql } from '../server/src/outbox/outbox.enqueue';
import { SELECT_IN_CHUNK } from '../server/src/db/select-in';
import { PartnerAdminRole } from '../server/src/partners/partner-admin.entity';
import { expectNoUserErrors, expectUserError, expectUserErrors } from './support/expect-user-error';
import { aCustomerInput, aMeetingsUser, aTemplateInput, aUser, AN_UNKNOWN_ID, unique } from './support/factories';
import { useTestServer } from './support/fixture';

/** domain.md §12, removeUsers: never the full administrator, all or nothing, every error at once. */
const fixture = useTestServer({ partners: 2 });

describe('removeUsers', () => {
  let templateId: string;
  beforeAll(async () => {
    templateId = (await fixture.partner.client.createTemplate(aTemplateInput(fixture.partner))).id;
  });

  async function aCustomer() {
    const hub = fixture.partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const { users } = await hub.setupCustomer({
      customerId: customer.id,
      users: [aUser({ package: 'WEBEX_SUITE', extension: '2001' }), aUser({ package: 'WEBEX_SUITE', extension: '2002' }), aMeetingsUser()],
    });
    const admin = (await hub.customerUsers(customer.id, { filter: { search: customer.adminEmail } }))!.edges[0].node;
    return { customer, users, admin };
  }

  const remove = (customerId: string, userIds: string[], dryRun = false) =>
    fixture.partner.client.payloads.removeUsers({ customerId, userIds, dryRun });

  const userIdsOf = async (customerId: string) =>
    new Set((await fixture.partner.client.customerUsers(customerId, { first: 100 }))!.edges.map((e) => e.node.id));

  it('removes the users, answers their ids in input order, writes one audit event and frees their email, number and extension', async () => {
    const { customer, users: [eva, piet, meetings], admin } = await aCustomer();
    const hub = fixture.partner.client;
    // An admin-role holder other than the full administrator may go.
    await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [{ userId: piet.id, roles: ['USER_ADMIN'] }] });
    const payload = await remove(customer.id, [piet.id, eva.id]);
    expectNoUserErrors(payload);
    expect(payload.removedUserIds).toEqual([piet.id, eva.id]);
    expect(await userIdsOf(customer.id)).toEqual(new Set([admin.id, meetings.id]));
    const events = await hub.auditEvents({ first: 1 });
    expect(events.edges[0].node).toMatchObject({ operation: 'removeUsers', targetIds: [customer.id, piet.id, eva.id] });

    // What they held is free again: the same email, number and extension in a new user.
    const again = await hub.setupCustomer({ customerId: customer.id, users: [
      { firstName: 'Eva', lastName: 'Again', email: eva.email, package: 'WEBEX_SUITE', phoneNumber: eva.phoneNumber, extension: eva.extension },
    ] });
    expect(again.users[0]).toMatchObject({ email: eva.email, phoneNumber: eva.phoneNumber, extension: '2001' });
  });

  it('cancels the removed users’ unsent emails in the same call; the others’ stay PENDING and a sent one stays SENT', async () => {
    const { customer, users: [eva, piet, meetings], admin } = await aCustomer();
    const hub = fixture.partner.client;
    // Piet's welcome already went out: it stays the record of what was sent.
    const db = fixture.server.app.db;
    await db.write((tx) => tx.update(OutboxMessage, { customerId: customer.id, to: piet.email }, { status: 'SENT' as never, sentAt: new Date() }));
    expectNoUserErrors(await remove(customer.id, [eva.id, piet.id]));
    const outbox = (await hub.customerOutbox(customer.id, { first: 100 }))!.edges.map((e) => [e.node.to, e.node.kind, e.node.status]);
    expect(outbox.sort()).toEqual([
      [admin.email, 'ADMIN_INVITATION', 'PENDING'], [eva.email, 'WELCOME', 'CANCELLED'],
      [meetings.email, 'WELCOME', 'PENDING'], [piet.email, 'WELCOME', 'SENT'],
    ].sort());
  });

  it('refuses the full administrator, unknown, foreign, malformed and repeated ids, all at once, removing nothing', async () => {
    const { customer, users: [eva, piet], admin } = await aCustomer();
    const other = await aCustomer();
    const payload = await remove(customer.id, [eva.id, admin.id, AN_UNKNOWN_ID, other.users[0].id, 'not-an-id', eva.id, piet.id]);
    expectUserErrors(payload, [
      ['NOT_ALLOWED', 'input', 'userIds', 1], ['NOT_FOUND', 'input', 'userIds', 2], ['NOT_FOUND', 'input', 'userIds', 3],
      ['NOT_FOUND', 'input', 'userIds', 4], ['INVALID', 'input', 'userIds', 5],
    ]);
    expect(payload.removedUserIds).toEqual([]);
    expect((await userIdsOf(customer.id)).size).toBe(4);
    expect((await userIdsOf(other.customer.id)).size).toBe(4);
  });

  it('answers NOT_FOUND for another partner’s customer and FORBIDDEN for a read-only admin', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const foreign = await fixture.partners[1].client.payloads.removeUsers({ customerId: customer.id, userIds: [eva.id] });
    expectUserError(foreign, 'NOT_FOUND', 'input', 'customerId');
    const { token } = await fixture.server.app.services.partners.createAdmin({
      partnerId: fixture.partner.partnerId, email: `reader.${unique()}@partner.example`, role: PartnerAdminRole.READ_ONLY,
    });
    const error = await fixture.server.client(token).removeUsers({ customerId: customer.id, userIds: [eva.id] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect((await userIdsOf(customer.id)).has(eva.id)).toBe(true);
  });

  it('a dry run answers as the real call and removes nothing', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const before = (await fixture.partner.client.auditEvents({ first: 1 })).totalCount;
    const payload = await remove(customer.id, [eva.id], true);
    expectNoUserErrors(payload);
    expect(payload.removedUserIds).toEqual([eva.id]);
    expect((await userIdsOf(customer.id)).has(eva.id)).toBe(true);
    expect((await fixture.partner.client.auditEvents({ first: 1 })).totalCount).toBe(before);
  });

  it('refuses more than 10,000 ids with LIMIT_EXCEEDED before any SQL runs', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const { server, partner } = fixture;
    const baseline = await server.post({ query: '{ packages { package } }' }, { token: partner.token });
    const response = await server.post({
      query: print(RemoveUsersDocument), variables: { input: { customerId: customer.id, userIds: Array.from({ length: 10_001 }, () => eva.id) } },
    }, { token: partner.token });
    expect(response.body.data.removeUsers.userErrors.map((e: { code: string; field: string[] }) => `${e.code}:${e.field.join('.')}`))
      .toEqual(['LIMIT_EXCEEDED:input.userIds']);
    expect(Number(response.headers.get('x-sql-statements'))).toBe(Number(baseline.headers.get('x-sql-statements')));
  });

  it('costs a bounded number of SQL statements: 1,000 users against 1', async () => {
    const ROWS = 1_000;
    const { server, partner } = fixture;
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const { users } = await hub.setupCustomer({ customerId: customer.id, users: Array.from({ length: ROWS + 1 }, () => aMeetingsUser()) });
    const statementsOf = async (userIds: string[]) => {
      const response = await server.post({ query: print(RemoveUsersDocument), variables: { input: { customerId: customer.id, userIds } } }, { token: partner.token });
      expectNoUserErrors(response.body.data.removeUsers);
      expect(response.body.data.removeUsers.removedUserIds).toHaveLength(userIds.length);
      expect(Number(response.headers.get('x-sql-commits'))).toBe(1);
      return Number(response.headers.get('x-sql-statements'));
    };
    const one = await statementsOf([users[0].id]);
    const many = await statementsOf(users.slice(1).map((u) => u.id));
    console.log(`removeUsers SQL statements: 1 user ${one}, ${ROWS} users ${many}`);
    // The look-ups (the users, their Webex sync rows) go 900 ids at a time; the DELETE is one
    // statement whatever the number of users (SQLite's search index flushes per statement); the
    // cancelling of their unsent emails goes 900 addresses at a time; the audit event's target ids
    // past its first 100 are one row more.
    expect(many).toBeLessThanOrEqual(one + 3 * (Math.ceil(ROWS / SELECT_IN_CHUNK) - 1) + 1);
    expect((await hub.customerUsers(customer.id))!.totalCount).toBe(1);
  });

  it('finds the unsent emails it cancels through the index of unsent emails, not by reading the customer’s outbox', async () => {
    const db = fixture.server.app.db;
    const postgres = db.kind === 'postgres';
    const sql = cancelUnsentSql(postgres, 2);
    const params = ['CANCELLED', AN_UNKNOWN_ID, 'a@example.com', 'b@example.com'];
    const plan: Array<Record<string, string>> = await db.write(async (tx) => {
      // EXPLAIN only plans; on PostgreSQL a generic plan would ignore the partial index, so plan with the values, as the driver does.
      if (postgres) {
        await tx.query('SET LOCAL plan_cache_mode = force_custom_plan');
        await tx.query('SET LOCAL enable_seqscan = off');
        return tx.query(`EXPLAIN ${sql}`, params);
      }
      return tx.query(`EXPLAIN QUERY PLAN ${sql}`, params);
    });
    expect(JSON.stringify(plan)).toContain('ix_outbox_unsent_recipient');
  });
});
