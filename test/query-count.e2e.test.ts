import { beforeAll, describe, expect, it } from 'vitest';
import { resolveCaller, type Caller } from '../server/src/auth/caller';
import { INSERT_CHUNK_SIZE } from '../server/src/db/bulk-insert';
import { aCustomerInput, anAmsterdamLocation, aTemplateInput, aUser, unique } from './support/factories';
import { type RawResponse, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/**
 * domain.md P3: a list costs the same number of SQL statements whatever its page size, and every
 * mutation commits once, with multi-row inserts. Counted (x-sql-* headers), never timed.
 */
const CUSTOMERS = Number(process.env.QUERY_COUNT_CUSTOMERS ?? 110);
const BULK_USERS = Number(process.env.QUERY_COUNT_BULK_USERS ?? 2_000);

const NESTED_CUSTOMERS = `query Customers($first: Int!) {
  customers(first: $first) { edges { node {
    template { name }
    headquarters { name }
    locations { edges { node { name } } }
    users(first: 50) { edges { node { email location { name } } } }
  } } }
}`;

const CREATE_TEMPLATE = `mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }`;
const CREATE_CUSTOMER = `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }`;
const SETUP_CUSTOMER = `mutation ($input: SetupCustomerInput!) {
  setupCustomer(input: $input) { customer { id status } users { id } userErrors { code message field } }
}`;

function sqlHeaders(response: RawResponse) {
  const inserts = new Map<string, number>();
  for (const part of (response.headers.get('x-sql-inserts') ?? '').split(',').filter(Boolean)) {
    const [table, n] = part.split('=');
    inserts.set(table, Number(n));
  }
  return {
    statements: Number(response.headers.get('x-sql-statements')),
    commits: Number(response.headers.get('x-sql-commits')),
    inserts,
  };
}

describe('constant query counts (P3)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let caller: Caller;
  let templateId: string;

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    caller = (await resolveCaller(server.app.db, partner.token))!;
    const { services } = server.app;
    const template = await services.templates.create(caller, aTemplateInput(partner) as never);
    templateId = template.template!.id;
    // Seeded through the services (no HTTP) to keep the suite fast: a few locations and users each.
    for (let i = 0; i < CUSTOMERS; i++) {
      const created = await services.customers.create(caller, aCustomerInput(templateId) as never);
      const customerId = created.customer!.id;
      const setup = await services.setup.setup(caller, {
        customerId,
        locations: [anAmsterdamLocation({ name: 'Zuidas' }), anAmsterdamLocation({ name: 'Noord' })],
        users: [aUser(), aUser({ locationName: 'Zuidas' }), aUser({ locationName: 'Noord', phoneNumber: null, extension: '2001' })],
      } as never);
      expect(setup.userErrors).toEqual([]);
    }
  }, 120_000);

  it('answers customers(first: 1 | 10 | 100) with nested lists in the same number of statements', async () => {
    const counts: number[] = [];
    for (const first of [1, 10, 100]) {
      const response = await server.post({ query: NESTED_CUSTOMERS, variables: { first } }, { token: partner.token });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      const edges = response.body.data.customers.edges;
      expect(edges).toHaveLength(first);
      for (const { node } of edges) {
        expect(node.template.name).toBeTruthy();
        expect(node.headquarters.name).toBe('Amsterdam HQ');
        expect(node.locations.edges).toHaveLength(3);
        expect(node.users.edges).toHaveLength(4);
        expect(node.users.edges.every((e: any) => typeof e.node.location.name === 'string')).toBe(true);
      }
      const { statements, commits } = sqlHeaders(response);
      expect(commits).toBe(0);
      counts.push(statements);
    }
    console.log(`P3 statements for customers(first: 1 | 10 | 100): ${counts.join(' | ')}`);
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });

  it('commits exactly once per mutation: createTemplate, createCustomer, setupCustomer', async () => {
    const template = await server.post({ query: CREATE_TEMPLATE, variables: { input: aTemplateInput(partner) } }, { token: partner.token });
    expect(template.body.data.createTemplate.userErrors).toEqual([]);
    expect(sqlHeaders(template).commits).toBe(1);

    const customer = await server.post({ query: CREATE_CUSTOMER, variables: { input: aCustomerInput(templateId) } }, { token: partner.token });
    expect(customer.body.data.createCustomer.userErrors).toEqual([]);
    expect(sqlHeaders(customer).commits).toBe(1);

    const setup = await server.post({
      query: SETUP_CUSTOMER,
      variables: { input: { customerId: customer.body.data.createCustomer.customer.id, users: [aUser(), aUser()] } },
    }, { token: partner.token });
    expect(setup.body.errors).toBeUndefined();
    expect(setup.body.data.setupCustomer.userErrors).toEqual([]);
    expect(sqlHeaders(setup).commits).toBe(1);

    // A user error and a dry run leave nothing behind: no commit at all.
    const rejected = await server.post({ query: CREATE_CUSTOMER, variables: { input: aCustomerInput(templateId, { companyName: ' ' }) } }, { token: partner.token });
    expect(rejected.body.data.createCustomer.userErrors.length).toBeGreaterThan(0);
    expect(sqlHeaders(rejected).commits).toBe(0);
    const dryRun = await server.post({ query: CREATE_CUSTOMER, variables: { input: aCustomerInput(templateId, { dryRun: true }) } }, { token: partner.token });
    expect(dryRun.body.data.createCustomer.userErrors).toEqual([]);
    expect(sqlHeaders(dryRun).commits).toBe(0);
  });

  it(`writes a ${BULK_USERS}-user setup with at most ⌈rows / ${INSERT_CHUNK_SIZE}⌉ INSERTs per table`, async () => {
    const customer = await server.post({ query: CREATE_CUSTOMER, variables: { input: aCustomerInput(templateId) } }, { token: partner.token });
    const customerId = customer.body.data.createCustomer.customer.id;
    const locationCount = 20;
    const locations = Array.from({ length: locationCount }, (_, i) => anAmsterdamLocation({ name: unique(`Office ${i} `) }));
    const users = Array.from({ length: BULK_USERS }, (_, i) => aUser({ locationName: locations[i % locationCount].name }));
    const setup = await server.post({ query: SETUP_CUSTOMER, variables: { input: { customerId, locations, users } } }, { token: partner.token });
    expect(setup.body.data.setupCustomer.userErrors).toEqual([]);
    expect(setup.body.data.setupCustomer.users).toHaveLength(BULK_USERS);

    const { commits, inserts, statements } = sqlHeaders(setup);
    console.log(`P3 ${BULK_USERS}-user setup: ${statements} statements, inserts ${JSON.stringify(Object.fromEntries(inserts))}`);
    expect(commits).toBe(1);
    const chunks = (rows: number) => Math.ceil(rows / INSERT_CHUNK_SIZE);
    const rowsWritten: Record<string, number> = { customer_user: BULK_USERS, location: locationCount, audit_event: 1 };
    expect(inserts.get('customer_user')).toBe(chunks(BULK_USERS));
    expect(inserts.get('location')).toBe(chunks(locationCount));
    for (const [table, n] of inserts) {
      // A table this test does not know (written by a later feature) may at most write one row per user or location.
      expect(n, table).toBeLessThanOrEqual(chunks(rowsWritten[table] ?? BULK_USERS + locationCount));
    }
    // Lookups are set-based too: the statement count grows with the chunk count, never with the rows.
    expect(statements).toBeLessThanOrEqual(20 + 3 * Math.ceil(BULK_USERS / INSERT_CHUNK_SIZE));
  });
});
