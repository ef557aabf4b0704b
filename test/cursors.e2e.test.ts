import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aMeetingsUser, aTemplateInput, unique } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** domain.md §14: a cursor is valid for the list that issued it only; `externalId` filters exactly. */
describe('cursors and the customers filter', () => {
  let server: TestServer;
  let partner: TestPartner;
  let customerIds: string[];
  const externalId = unique('CRM-Ab');

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    const templateIds: string[] = [];
    for (let i = 0; i < 2; i += 1) templateIds.push((await partner.client.createTemplate(aTemplateInput(partner))).id);
    customerIds = [];
    for (let i = 0; i < 3; i += 1) {
      const customer = await partner.client.createCustomer(aCustomerInput(templateIds[0], {
        package: 'WEBEX_MEETINGS', ...(i === 0 ? { externalId } : {}),
      }));
      await partner.client.setupCustomer({ customerId: customer.id, users: [aMeetingsUser(), aMeetingsUser()] });
      customerIds.push(customer.id);
    }
  });

  const page = async (query: string, variables: Record<string, unknown>) =>
    server.post({ query, variables }, { token: partner.token });

  it('refuses a customers cursor on templates (and the other way round) with BAD_USER_INPUT', async () => {
    const customers = await partner.client.customers({ first: 1 });
    const templates = await partner.client.templates({ first: 1 });
    const onTemplates = await page('query($after: String) { templates(first: 5, after: $after) { totalCount } }', { after: customers.pageInfo.endCursor });
    expect(onTemplates.status).toBe(400);
    expect(onTemplates.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(onTemplates.body.errors[0].message).toMatch(/not a cursor of this list/);
    const onCustomers = await page('query($after: String) { customers(first: 5, after: $after) { totalCount } }', { after: templates.pageInfo.endCursor });
    expect(onCustomers.status).toBe(400);
    expect(onCustomers.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const onAudit = await page('query($after: String) { auditEvents(first: 5, after: $after) { totalCount } }', { after: templates.pageInfo.endCursor });
    expect(onAudit.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // Each list still takes its own cursor.
    expect((await partner.client.templates({ first: 1, after: templates.pageInfo.endCursor! })).edges).toHaveLength(1);
    expect((await partner.client.customers({ first: 1, after: customers.pageInfo.endCursor! })).edges).toHaveLength(1);
  });

  it('refuses one customer’s users cursor on another customer’s users or on its locations', async () => {
    const users = (await partner.client.customerUsers(customerIds[0], { first: 1 }))!;
    expect((await partner.client.customerUsers(customerIds[0], { first: 1, after: users.pageInfo.endCursor! }))!.edges).toHaveLength(1);
    const USERS = 'query($id: ID!, $after: String) { customer(id: $id) { users(first: 5, after: $after) { totalCount } } }';
    const elsewhere = await page(USERS, { id: customerIds[1], after: users.pageInfo.endCursor });
    expect(elsewhere.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const LOCATIONS = 'query($id: ID!, $after: String) { customer(id: $id) { locations(first: 5, after: $after) { totalCount } } }';
    const onLocations = await page(LOCATIONS, { id: customerIds[0], after: users.pageInfo.endCursor });
    expect(onLocations.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('filters customers on externalId exactly and case-sensitively, and says so in the schema', async () => {
    expect((await partner.client.customers({ filter: { externalId } })).edges.map((e) => e.node.id)).toEqual([customerIds[0]]);
    expect((await partner.client.customers({ filter: { externalId: externalId.toUpperCase() } })).totalCount).toBe(0);
    expect((await partner.client.customers({ filter: { externalId: externalId.slice(0, -1) } })).totalCount).toBe(0);
    const type = await page('{ __type(name: "CustomerFilter") { description inputFields { name description } } }', {});
    const field = type.body.data.__type.inputFields.find((f: { name: string }) => f.name === 'externalId');
    expect(field.description).toMatch(/exact, case-sensitive/i);
    expect(type.body.data.__type.description).not.toMatch(/^Case-insensitive filters/);
  });
});
