import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aTemplateInput, aUser } from './support/factories';
import { expectUserError, expectUserErrors } from './support/expect-user-error';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

describe('assignCustomerAdminRoles', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let templateId: string;

  const fixture = useTestServer({ partners: 2 });
  beforeAll(async () => {
    server = fixture.server;
    [partner, other] = fixture.partners;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });

  /** A WEBEX_SUITE customer with a suite user, a calling user (below the suite) and a meetings user. */
  async function aCustomerWithUsers() {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const { users } = await hub.setupCustomer({ customerId: customer.id, users: [
      aUser({ package: 'WEBEX_SUITE' }), aUser({ package: 'WEBEX_CALLING' }), aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null }),
    ] });
    const admin = (await hub.customerUsers(customer.id, { filter: { search: customer.adminEmail } }))!.edges[0].node;
    return { customer, suite: users[0], calling: users[1], meetings: users[2], admin };
  }

  it('sets each user’s roles to the given list and shows them on CustomerUser.roles', async () => {
    const hub = partner.client;
    const { customer, suite, admin } = await aCustomerWithUsers();
    const users = await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [
      { userId: suite.id, roles: ['SUPPORT_ADMIN', 'USER_ADMIN', 'USER_ADMIN'] },
      { userId: admin.id, roles: ['FULL_ADMIN', 'DEVICE_ADMIN'] },
    ] });
    expect(users.map((u) => [u.id, u.roles])).toEqual([
      [suite.id, ['USER_ADMIN', 'SUPPORT_ADMIN']], [admin.id, ['FULL_ADMIN', 'DEVICE_ADMIN']],
    ]);
    const listed = (await hub.customerUsers(customer.id, { first: 100 }))!.edges.map((e) => e.node);
    expect(listed.find((u) => u.id === suite.id)!.roles).toEqual(['USER_ADMIN', 'SUPPORT_ADMIN']);

    // The list replaces the roles: an empty list removes them all.
    const [cleared] = await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [{ userId: suite.id, roles: [] }] });
    expect(cleared.roles).toEqual([]);
    const events = await hub.request<{ auditEvents: { edges: Array<{ node: { operation: string; targetIds: string[] } }> } }>(
      parse('{ auditEvents(first: 1) { edges { node { operation targetIds } } } }'));
    expect(events.auditEvents.edges[0].node).toEqual({ operation: 'assignCustomerAdminRoles', targetIds: [customer.id, suite.id] });
  });

  it('records no audit event when no user’s roles change (domain.md §14), and names only the users that changed', async () => {
    const hub = partner.client;
    const { customer, suite, calling, admin } = await aCustomerWithUsers();
    const events = async () => (await hub.auditEvents({ first: 100 })).totalCount;
    const before = await events();
    const same = await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [
      { userId: admin.id, roles: ['FULL_ADMIN'] }, { userId: calling.id, roles: [] },
    ] });
    expect(same.map((u) => u.roles)).toEqual([['FULL_ADMIN'], []]);
    expect(await events()).toBe(before);
    await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [
      { userId: admin.id, roles: ['FULL_ADMIN'] }, { userId: suite.id, roles: ['USER_ADMIN'] },
    ] });
    const latest = await hub.request<{ auditEvents: { totalCount: number; edges: Array<{ node: { targetIds: string[] } }> } }>(
      parse('{ auditEvents(first: 1) { totalCount edges { node { targetIds } } } }'));
    expect(latest.auditEvents.totalCount).toBe(before + 1);
    expect(latest.auditEvents.edges[0].node.targetIds).toEqual([customer.id, suite.id]);
  });

  it('applies the administrator package rule: a package below the organization’s is DOWNGRADE_NOT_ALLOWED', async () => {
    const hub = partner.client;
    const { customer, suite, calling, meetings } = await aCustomerWithUsers();
    const payload = await hub.payloads.assignCustomerAdminRoles({ customerId: customer.id, assignments: [
      { userId: suite.id, roles: ['USER_ADMIN'] },
      { userId: calling.id, roles: ['READ_ONLY_ADMIN'] },
      { userId: meetings.id, roles: ['FULL_ADMIN'] },
      { userId: calling.id, roles: [] },
    ] });
    expect(payload.users).toEqual([]);
    expectUserErrors(payload, [
      ['DOWNGRADE_NOT_ALLOWED', 'input', 'assignments', 1, 'roles'],
      ['DOWNGRADE_NOT_ALLOWED', 'input', 'assignments', 2, 'roles'],
      ['INVALID', 'input', 'assignments', 3, 'userId'],
    ]);
    expect(payload.userErrors).toHaveLength(3);
    // The message names what works: updateUsers moves the user to the organization's package first.
    const downgrade = payload.userErrors.find((e) => e.field.join('/') === 'input/assignments/1/roles')!;
    expect(downgrade.message).toContain(`${calling.email} holds WEBEX_CALLING`);
    expect(downgrade.message).toContain('move the user to WEBEX_SUITE first (updateUsers)');
    expect(downgrade.message).not.toMatch(/change the package/);
    // Nothing written: the valid first assignment did not land either.
    const listed = (await hub.customerUsers(customer.id, { first: 100 }))!.edges.map((e) => e.node);
    expect(listed.find((u) => u.id === suite.id)!.roles).toEqual([]);
  });

  it('keeps FULL_ADMIN on the full administrator (NOT_ALLOWED to remove it)', async () => {
    const { customer, admin } = await aCustomerWithUsers();
    const payload = await partner.client.payloads.assignCustomerAdminRoles({ customerId: customer.id, assignments: [
      { userId: admin.id, roles: ['USER_ADMIN'] },
    ] });
    expectUserError(payload, 'NOT_ALLOWED', 'input', 'assignments', 0, 'roles');
    const listed = (await partner.client.customerUsers(customer.id, { filter: { search: customer.adminEmail } }))!.edges[0].node;
    expect(listed.roles).toEqual(['FULL_ADMIN']);
  });

  it('answers NOT_FOUND for another partner’s customer and for users outside the customer', async () => {
    const hub = partner.client;
    const first = await aCustomerWithUsers();
    const second = await aCustomerWithUsers();
    const wrongUsers = await hub.payloads.assignCustomerAdminRoles({ customerId: first.customer.id, assignments: [
      { userId: second.suite.id, roles: ['USER_ADMIN'] }, { userId: 'garbage', roles: ['USER_ADMIN'] },
    ] });
    expectUserErrors(wrongUsers, [['NOT_FOUND', 'input', 'assignments', 0, 'userId'], ['NOT_FOUND', 'input', 'assignments', 1, 'userId']]);

    for (const customerId of [first.customer.id, 'nope']) {
      const payload = await other.client.payloads.assignCustomerAdminRoles({ customerId, assignments: [
        { userId: first.suite.id, roles: ['USER_ADMIN'] },
      ] });
      expectUserError(payload, 'NOT_FOUND', 'input', 'customerId');
    }
  });
});
