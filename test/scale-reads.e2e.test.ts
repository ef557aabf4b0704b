import { describe, expect, it } from 'vitest';
import { aCustomerInput, anAmsterdamLocation, aTemplateInput, aUser } from './support/factories';
import { useTestServer } from './support/fixture';

/**
 * Issue 13: a customer's lists read one page whatever its size, and their totalCount comes from
 * counts the database keeps in step with every write (db/child-counts.ts). Same answers as before.
 */
const COUNTS = `query Counts($id: ID!) { customer(id: $id) {
  users(first: 1) { totalCount } locations(first: 1) { totalCount } outbox(first: 1) { totalCount } } }`;

const PAGES = `query Pages($first: Int!, $after: String) { customers(first: 10) { edges { node { id
  users(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id email } } } } } } }`;

describe('customer lists at any size (issue 13)', () => {
  const fixture = useTestServer();
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fixture.server.post({ query, variables }, { token: fixture.partner.token });
    expect(response.body.errors).toBeUndefined();
    return response.body.data;
  };
  const newCustomer = async () => {
    const { client } = fixture.partner;
    const template = (await client.templates()).edges[0]?.node ?? await client.createTemplate(aTemplateInput(fixture.partner));
    return client.createCustomer(aCustomerInput(template.id));
  };
  const counts = async (id: string) => {
    const { customer } = await gql(COUNTS, { id });
    return { users: customer.users.totalCount, locations: customer.locations.totalCount, outbox: customer.outbox.totalCount };
  };

  it('totalCount follows every write, and neither a dry run nor a refused call changes it', async () => {
    const customer = await newCustomer();
    expect(await counts(customer.id)).toEqual({ users: 1, locations: 1, outbox: 1 });
    const { client } = fixture.partner;
    await client.setupCustomer({ customerId: customer.id, locations: [anAmsterdamLocation({ name: 'Zuidas' })], users: [aUser(), aUser(), aUser()] });
    expect(await counts(customer.id)).toEqual({ users: 4, locations: 2, outbox: 4 });
    await client.payloads.setupCustomer({ customerId: customer.id, users: [aUser()], dryRun: true });
    const taken = await client.payloads.setupCustomer({ customerId: customer.id, users: [aUser(), aUser({ locationName: 'Nowhere' })] });
    expect(taken.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(await counts(customer.id)).toEqual({ users: 4, locations: 2, outbox: 4 });
  });

  it('a dry run answers its own counts (the overlay), without the stored ones', async () => {
    const customer = await newCustomer();
    const preview = await fixture.server.post({
      query: `mutation ($input: SetupCustomerInput!) { setupCustomer(input: $input) { customer { users(first: 1) { totalCount } outbox { totalCount } } } }`,
      variables: { input: { customerId: customer.id, users: [aUser(), aUser()], dryRun: true } },
    }, { token: fixture.partner.token });
    expect(preview.body.data.setupCustomer.customer).toEqual({ users: { totalCount: 3 }, outbox: { totalCount: 3 } });
    expect(await counts(customer.id)).toEqual({ users: 1, locations: 1, outbox: 1 });
  });

  it('reads the count the database keeps, and the triggers keep it on INSERT and DELETE', async () => {
    const customer = await newCustomer();
    const db = fixture.server.app.db;
    const p = (i: number) => (db.kind === 'postgres' ? `$${i}` : '?');
    const stored = async () => Number((await db.manager.query(
      `SELECT "n" FROM "child_count" WHERE "kind" = 'customer_user' AND "parentId" = ${p(1)}`, [customer.id]))[0].n);
    expect(await stored()).toBe(1);
    // The answer is the stored figure, not a COUNT: a counter set aside shows through.
    await db.write((tx) => tx.query(`UPDATE "child_count" SET "n" = 42 WHERE "kind" = 'customer_user' AND "parentId" = ${p(1)}`, [customer.id]));
    expect((await counts(customer.id)).users).toBe(42);
    await db.write((tx) => tx.query(`UPDATE "child_count" SET "n" = 1 WHERE "kind" = 'customer_user' AND "parentId" = ${p(1)}`, [customer.id]));
    const users = await fixture.partner.client.setupCustomer({ customerId: customer.id, users: [aUser(), aUser(), aUser()] });
    expect(await stored()).toBe(4);
    await db.write(async (tx) => {
      await tx.query(`DELETE FROM "outbox_message" WHERE "customerId" = ${p(1)}`, [customer.id]);
      await tx.query(`DELETE FROM "customer_user" WHERE "id" IN (${p(1)}, ${p(2)})`, [users.users[0].id, users.users[1].id]);
    });
    expect(await counts(customer.id)).toEqual({ users: 2, locations: 1, outbox: 0 });
    expect(await stored()).toBe(2);
  });

  it('pages each customer’s users with keyset cursors, several customers of different sizes in one query', async () => {
    const sizes = [0, 1, 4];
    const ids: string[] = [];
    for (const extra of sizes) {
      const customer = await newCustomer();
      if (extra) await fixture.partner.client.setupCustomer({ customerId: customer.id, users: Array.from({ length: extra }, () => aUser()) });
      ids.push(customer.id);
    }
    const first = await gql(PAGES, { first: 2 });
    const byId = new Map<string, any>(first.customers.edges.map((e: any) => [e.node.id, e.node.users]));
    sizes.forEach((extra, i) => {
      const page = byId.get(ids[i]);
      expect(page.totalCount).toBe(extra + 1);
      expect(page.edges).toHaveLength(Math.min(2, extra + 1));
      expect(page.pageInfo.hasNextPage).toBe(extra + 1 > 2);
      const got = page.edges.map((e: any) => e.node.id);
      expect(got).toEqual([...got].sort().reverse());
    });
    // Walk the largest customer's pages with its cursors: every user once, newest first.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data = await gql(PAGES, { first: 2, after });
      const page = data.customers.edges.find((e: any) => e.node.id === ids[2]).node.users;
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toEqual([...seen].sort().reverse());
  });
});
