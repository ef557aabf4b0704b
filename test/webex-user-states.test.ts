import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aMeetingsUser, aTemplateInput, aUser } from './support/factories';
import { allSettled, connectedPartner, createCustomer, customerSync, gql, setupCustomer, startWebexHarness, waitFor, type WebexHarness } from './support/webex-harness';

// A large customer's users by Webex state (domain.md §11, §13: a page holds at most 100 users, so a
// frontend needs the states of all of them): `Customer.webexUserCounts` counts every user per status,
// and `users(filter: { webexStatus })` lists the users in one status, through the SDK, on SQLite or,
// with TEST_DATABASE_URL, PostgreSQL; a dry run answers both from the users it would have.

let h: WebexHarness;

beforeAll(async () => {
  h = await startWebexHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('users by Webex state', () => {
  it('counts every user per status and finds a FAILED user beyond the first 100 with webexStatus: FAILED', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE', companyName: 'Big Bakery' }));
    const refused = aUser({ firstName: 'Refused' });
    h.cisco.markNumberNotInInventory(refused.phoneNumber!.replace(/ /g, ''));
    // Newest first: the refused user, created before the 101 others, is on the second page.
    const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, refused];
    for (let i = 0; i < 101; i++) users.push(aMeetingsUser());
    await setupCustomer(h, partner, { customerId: customer.id, users });
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');

    const hub = partner.client;
    const firstPage = (await hub.customerWebexSync(customer.id, { first: 100 }))!;
    expect(firstPage.users.totalCount).toBe(103);
    expect(firstPage.users.edges.map((e) => e.node.email)).not.toContain(refused.email);
    // The counts cover all 103 users, not the page.
    expect(firstPage.webexUserCounts).toEqual([{ status: 'PROVISIONED', count: 102 }, { status: 'FAILED', count: 1 }]);

    const failed = (await hub.customerWebexUsers(customer.id, { first: 100, filter: { webexStatus: 'FAILED' } }))!;
    expect(failed.totalCount).toBe(1);
    expect(failed.edges.map((e) => e.node.email)).toEqual([refused.email]);
    expect(failed.edges[0]!.node.webex.errors[0]!.trackingId).toEqual(expect.any(String));
    // The filter pages as any list does, and combines with the others.
    const provisioned: string[] = [];
    for await (const user of hub.paginate(hub.customerWebexUsers, customer.id, { first: 40, filter: { webexStatus: 'PROVISIONED' } })) provisioned.push(user.email);
    expect(provisioned).toHaveLength(102);
    expect(provisioned).not.toContain(refused.email);
    expect((await hub.customerWebexUsers(customer.id, { filter: { webexStatus: 'FAILED', search: 'nobody-has-this' } }))!.totalCount).toBe(0);
    expect((await hub.customerWebexUsers(customer.id, { filter: { webexStatus: 'NOT_SYNCED' } }))!.totalCount).toBe(0);

    // Removed here, the user is no longer counted, whatever Cisco has been told yet.
    await hub.removeUsers({ customerId: customer.id, userIds: [failed.edges[0]!.node.id] });
    expect((await hub.customerWebexSync(customer.id, { first: 1 }))!.webexUserCounts).toEqual([{ status: 'PROVISIONED', count: 102 }]);
    expect((await hub.customerWebexUsers(customer.id, { filter: { webexStatus: 'FAILED' } }))!.totalCount).toBe(0);
  }, 120_000);

  it('counts users without a Webex state as NOT_SYNCED (no connection), and finds them with webexStatus: NOT_SYNCED', async () => {
    const partner = await h.server.newPartner();
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const customer = await partner.client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_SUITE' }));
    await partner.client.setupCustomer({ customerId: customer.id, users: [aUser(), aMeetingsUser()] });
    const sync = (await partner.client.customerWebexSync(customer.id))!;
    expect(sync.webex.status).toBe('NOT_SYNCED');
    expect(sync.webexUserCounts).toEqual([{ status: 'NOT_SYNCED', count: 3 }]);
    expect((await partner.client.customerWebexUsers(customer.id, { filter: { webexStatus: 'NOT_SYNCED' } }))!.totalCount).toBe(3);
    expect((await partner.client.customerWebexUsers(customer.id, { filter: { webexStatus: 'PROVISIONED' } }))!.totalCount).toBe(0);
  });

  it('answers a dry run from the users it would have: the new users QUEUED beside the provisioned ones', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aMeetingsUser()] });
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    const newcomers = [aMeetingsUser(), aMeetingsUser(), aMeetingsUser()];
    const data = await gql(h.server, partner.token, `mutation ($input: SetupCustomerInput!) { setupCustomer(input: $input) {
      customer { webexUserCounts { status count } users(first: 10, filter: { webexStatus: QUEUED }) { totalCount edges { node { email } } } }
      userErrors { code field message } } }`, { input: { customerId: customer.id, users: newcomers, dryRun: true } });
    expect(data.setupCustomer.userErrors).toEqual([]);
    expect(data.setupCustomer.customer.webexUserCounts).toEqual([{ status: 'QUEUED', count: 3 }, { status: 'PROVISIONED', count: 2 }]);
    expect(data.setupCustomer.customer.users.totalCount).toBe(3);
    expect(data.setupCustomer.customer.users.edges.map((e: any) => e.node.email).sort()).toEqual(newcomers.map((u) => u.email.toLowerCase()).sort());
    // Nothing was written: the customer still has its 2 users, both PROVISIONED.
    expect((await partner.client.customerWebexSync(customer.id))!.webexUserCounts).toEqual([{ status: 'PROVISIONED', count: 2 }]);
  }, 60_000);
});
