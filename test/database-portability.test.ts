import { parse } from 'graphql';
import { Client } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError } from './support/expect-user-error';
import { aCustomerInput, aNewYorkLocation, aTemplateInput, aUser, unique } from './support/factories';
import { onPostgres, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/**
 * The SQL that differs between SQLite and PostgreSQL, driven through the API: run with `npm test`
 * (SQLite) and with `TEST_DATABASE_URL=postgres://… npm test` (PostgreSQL); both must agree.
 */
describe(`database portability (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('runs on the database the environment selects', () => {
    expect(server.databaseUrl.startsWith(onPostgres ? 'postgres://' : 'sqlite:')).toBe(true);
  });

  it('round-trips booleans, instants and JSON columns, and counts as numbers', async () => {
    const hub = partner.client;
    const before = Date.now();
    const template = await hub.createTemplate(aTemplateInput(partner, {
      restrictAdminInvitationEmails: true, disableWebexCallingOneToOne: false,
    }));
    expect(template.restrictAdminInvitationEmails).toBe(true);
    expect(template.disableWebexCallingOneToOne).toBe(false);
    const created = Date.parse(template.createdAt as string);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);

    const customer = await hub.createCustomer(aCustomerInput(template.id, {
      addOns: ['CISCO_CALLING_PLAN', 'ATTENDANT_CONSOLE'], externalId: unique('crm-'),
    }));
    const read = await hub.customer(customer.id);
    expect([...read!.addOns].sort()).toEqual(['ATTENDANT_CONSOLE', 'CISCO_CALLING_PLAN']);
    expect(Date.parse(read!.createdAt as string)).toBe(Date.parse(customer.createdAt as string));

    const setup = await hub.setupCustomer({ customerId: customer.id, users: [aUser(), aUser()] });
    expect(setup.users).toHaveLength(2);
    const users = await hub.customerUsers(customer.id, { first: 10 });
    expect(users!.totalCount).toBe(3);
    const admin = users!.edges.map((e) => e.node).find((u) => u.email === customer.adminEmail);
    expect(admin!.roles).toEqual(['FULL_ADMIN']);

    const fetched = await hub.template(template.id);
    expect(fetched!.customerCount).toBe(1);
    expect(typeof fetched!.customerCount).toBe('number');
    const page = await hub.customers({ first: 1 });
    expect(typeof page.totalCount).toBe('number');
    expect(page.totalCount).toBeGreaterThanOrEqual(1);
  });

  it('keeps template and location names unique regardless of case, through the unique indexes too', async () => {
    const hub = partner.client;
    const name = unique('Case Test ');
    await hub.createTemplate(aTemplateInput(partner, { name }));
    const again = await hub.payloads.createTemplate(aTemplateInput(partner, { name: name.toUpperCase() }));
    expectUserError(again, 'TAKEN', 'input', 'name');

    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await hub.createCustomer(aCustomerInput(template.id));
    const newYork = aNewYorkLocation({ name: 'New York' });
    await hub.setupCustomer({ customerId: customer.id, locations: [newYork] });
    const clash = await hub.payloads.setupCustomer({ customerId: customer.id, locations: [{ ...newYork, name: 'NEW YORK' }] });
    expectUserError(clash, 'TAKEN', 'input', 'locations', 0, 'name');
    expect((await hub.customerLocations(customer.id))!.totalCount).toBe(2);
  });

  it('compares template names case-insensitively beyond ASCII: casefold on SQLite, lower() on PostgreSQL (UTF-8 ctype)', async () => {
    let unicodeLower = true; // SQLite: the casefold function registered on every connection
    if (onPostgres) {
      const sql = new Client({ connectionString: server.databaseUrl });
      await sql.connect();
      unicodeLower = (await sql.query(`SELECT lower('Å') = 'å' AS yes`)).rows[0].yes;
      await sql.end();
    }
    const hub = partner.client;
    const name = unique('rhus ');
    await hub.createTemplate(aTemplateInput(partner, { name: `Å${name}` }));
    await hub.createTemplate(aTemplateInput(partner, { name: `Ø${name}` }));
    for (const other of [`å${name}`, `ø${name.toUpperCase()}`]) {
      const payload = await hub.payloads.createTemplate(aTemplateInput(partner, { name: other }));
      // Documented in the README: PostgreSQL under LC_CTYPE=C folds ASCII only.
      if (unicodeLower) expectUserError(payload, 'TAKEN', 'input', 'name');
      else expect(payload.userErrors).toEqual([]);
    }
  });

  it('stores emails lower-cased, so one address is one user on both databases', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const email = `${unique('Mixed.Case')}@DeVries.Example`;
    const customer = await hub.createCustomer(aCustomerInput(template.id, { adminEmail: email }));
    expect(customer.adminEmail).toBe(email.toLowerCase());
    const other = await hub.payloads.createCustomer(aCustomerInput(template.id, { adminEmail: email.toUpperCase() }));
    expectUserError(other, 'TAKEN', 'input', 'adminEmail');
  });

  it('searches case-insensitively with % and _ matching themselves (LIKE … ESCAPE)', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const tag = unique('q');
    const literal = await hub.createCustomer(aCustomerInput(template.id, { companyName: `Alpha_Beta ${tag}` }));
    await hub.createCustomer(aCustomerInput(template.id, { companyName: `AlphaXBeta ${tag}` }));
    const found = await hub.customers({ first: 10, filter: { search: `ALPHA_BETA ${tag}` } });
    expect(found.edges.map((e) => e.node.id)).toEqual([literal.id]);
    expect(found.totalCount).toBe(1);
    const both = await hub.customers({ first: 10, filter: { search: tag.toUpperCase() } });
    expect(both.totalCount).toBe(2);

    // Child lists use a window function over quoted camelCase columns.
    await hub.setupCustomer({ customerId: literal.id, users: [
      aUser({ firstName: 'Zoë', lastName: `Under_Score ${tag}` }), aUser({ lastName: `UnderXScore ${tag}` }),
    ] });
    const users = await hub.customerUsers(literal.id, { first: 10, filter: { search: `under_score ${tag}` } });
    expect(users!.edges.map((e) => e.node.lastName)).toEqual([`Under_Score ${tag}`]);
    expect(users!.totalCount).toBe(1);
  });

  it('pages children per parent and across pages in id order', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await hub.createCustomer(aCustomerInput(template.id));
    await hub.setupCustomer({ customerId: customer.id, users: Array.from({ length: 7 }, () => aUser()) });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await hub.customerUsers(customer.id, { first: 3, after });
      expect(page!.totalCount).toBe(8);
      seen.push(...page!.edges.map((e) => e.node.id));
      if (!page!.pageInfo.hasNextPage) break;
      after = page!.pageInfo.endCursor!;
    }
    expect(seen).toHaveLength(8);
    expect([...seen].sort().reverse()).toEqual(seen);

    const data = await hub.request<{ customers: { edges: Array<{ node: { id: string; users: { totalCount: number; edges: unknown[] } } }> } }>(
      parse('{ customers(first: 5) { edges { node { id users(first: 2) { totalCount edges { node { id } } } } } } }'));
    const mine = data.customers.edges.find((e) => e.node.id === customer.id)!;
    expect(mine.node.users).toMatchObject({ totalCount: 8 });
    expect(mine.node.users.edges).toHaveLength(2);
  });

  it('rolls a dry run back and keeps nothing, on either database', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await hub.createCustomer(aCustomerInput(template.id));
    const dry = await hub.setupCustomer({ customerId: customer.id, dryRun: true, users: [aUser(), aUser()] });
    expect(dry.users).toHaveLength(2);
    expect((await hub.customerUsers(customer.id))!.totalCount).toBe(1);
    expect((await hub.customer(customer.id))!.status).toBe('PENDING_SETUP');
    const dryTemplate = await hub.payloads.createTemplate(aTemplateInput(partner, { dryRun: true }));
    expect(dryTemplate.template).not.toBeNull();
    expect(await hub.template(dryTemplate.template!.id)).toBeNull();
  });
});
