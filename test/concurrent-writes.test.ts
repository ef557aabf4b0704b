import { Client } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, expectUserErrors } from './support/expect-user-error';
import { aCustomerInput, anAmsterdamNumber, aTemplateInput, aUser, unique } from './support/factories';
import { onPostgres, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const RACERS = 8;

type Payload = { userErrors: Array<{ code: string; field: string[]; message: string }> };

/** Exactly one payload without errors; every other one TAKEN at `field`. */
function expectOneWinner(payloads: Payload[], ...field: Array<string | number>): void {
  const winners = payloads.filter((p) => p.userErrors.length === 0);
  expect(winners, JSON.stringify(payloads.map((p) => p.userErrors))).toHaveLength(1);
  payloads.filter((p) => p.userErrors.length > 0).forEach((p) => expectUserError(p, 'TAKEN', ...field));
}

/**
 * Races on uniqueness, sent at once to one server. On SQLite the write queue serialises them; on
 * PostgreSQL they really run concurrently and the unique indexes decide (a loser is retried and
 * its checks then see the winner).
 */
describe(`concurrent writes (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });

  it('two createTemplate with the same name (in any case): one template', async () => {
    const name = unique('Racing ');
    const payloads = await Promise.all(Array.from({ length: RACERS }, (_, i) =>
      partner.client.payloads.createTemplate(aTemplateInput(partner, { name: i % 2 ? name.toUpperCase() : name }))));
    expectOneWinner(payloads, 'input', 'name');
  });

  it('createCustomer with the same admin email: one customer', async () => {
    const email = `${unique('race')}@devries.example`;
    const payloads = await Promise.all(Array.from({ length: RACERS }, () =>
      partner.client.payloads.createCustomer(aCustomerInput(templateId, { adminEmail: email }))));
    expectOneWinner(payloads, 'input', 'adminEmail');
  });

  it('createCustomer with the same externalId and another input: one customer', async () => {
    const externalId = unique('crm-');
    const payloads = await Promise.all(Array.from({ length: RACERS }, () =>
      partner.client.payloads.createCustomer(aCustomerInput(templateId, { externalId }))));
    expectOneWinner(payloads, 'input', 'externalId');
  });

  it('identical createCustomer retries with one externalId: all answer the one customer they created', async () => {
    const input = aCustomerInput(templateId, { externalId: unique('crm-') });
    const payloads = await Promise.all(Array.from({ length: RACERS }, () => partner.client.payloads.createCustomer(input)));
    payloads.forEach((p) => expect(p.userErrors).toEqual([]));
    expect(new Set(payloads.map((p) => p.customer!.id)).size).toBe(1);
    const listed = await partner.client.customers({ filter: { externalId: input.externalId! } });
    expect(listed.totalCount).toBe(1);
  });

  it('setupCustomer on several customers claiming one phone number and one email: one holder each', async () => {
    const customers = await Promise.all(Array.from({ length: RACERS }, () =>
      partner.client.createCustomer(aCustomerInput(templateId))));
    const phone = anAmsterdamNumber();
    const phonePayloads = await Promise.all(customers.map((c) =>
      partner.client.payloads.setupCustomer({ customerId: c.id, users: [aUser(), aUser({ phoneNumber: phone }), aUser()] })));
    expectOneWinner(phonePayloads, 'input', 'users', 1, 'phoneNumber');

    const email = `${unique('shared')}@devries.example`;
    const pending = customers.filter((_, i) => phonePayloads[i].userErrors.length > 0);
    const emailPayloads = await Promise.all(pending.map((c) =>
      partner.client.payloads.setupCustomer({ customerId: c.id, users: [aUser(), aUser(), aUser({ email })] })));
    expectOneWinner(emailPayloads, 'input', 'users', 2, 'email');
  });

  it('setupCustomer calls on one customer claiming one extension: one holder', async () => {
    const customer = await partner.client.createCustomer(aCustomerInput(templateId));
    const payloads = await Promise.all(Array.from({ length: RACERS }, () =>
      partner.client.payloads.setupCustomer({ customerId: customer.id, users: [aUser({ extension: '4711' })] })));
    expectOneWinner(payloads, 'input', 'users', 0, 'extension');
    expect((await partner.client.customerUsers(customer.id))!.totalCount).toBe(2);
  });

  it.runIf(onPostgres)('a setup that lost to a transaction committing its number late reports TAKEN on the row', async () => {
    const hub = partner.client;
    const holder = await hub.createCustomer(aCustomerInput(templateId));
    const target = await hub.createCustomer(aCustomerInput(templateId));
    const phone = anAmsterdamNumber();
    const e164 = phone.replace(/\s/g, '');
    const other = new Client({ connectionString: server.databaseUrl });
    await other.connect();
    try {
      // Another process's transaction has inserted the number but not yet committed: the API's
      // check cannot see it, its insert waits on the row lock, then violates the unique index.
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO "customer_user" ("id", "customerId", "locationId", "firstName", "lastName", "email", "package",
           "phoneNumber", "extension", "roles", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, 'Late', 'Committer', $4, 'WEBEX_CALLING', $5, NULL, '[]', $6, $6)`,
        ['00000000-0000-7000-8000-000000000001', holder.id, holder.headquarters.id, `${unique('late')}@devries.example`, e164, Date.now()]);
      const setup = hub.payloads.setupCustomer({ customerId: target.id, users: [aUser(), aUser({ phoneNumber: phone })] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query('COMMIT');
      const payload = await setup;
      expectUserError(payload, 'TAKEN', 'input', 'users', 1, 'phoneNumber');
      expect(payload.userErrors).toHaveLength(1);
      // The message of the check, not of the fallback: the write was retried and re-checked.
      expect(payload.userErrors[0].message).toMatch(/already assigned/);
      expect((await hub.customerUsers(target.id))!.totalCount).toBe(1);
    } finally {
      await other.end();
    }
  });

  it.runIf(onPostgres)('a setup chosen as the victim of a deadlock is retried and reports TAKEN, not an error', async () => {
    const hub = partner.client;
    const holder = await hub.createCustomer(aCustomerInput(templateId));
    const target = await hub.createCustomer(aCustomerInput(templateId));
    const [x, y] = [anAmsterdamNumber(), anAmsterdamNumber()];
    const other = new Client({ connectionString: server.databaseUrl });
    await other.connect();
    const insert = (n: number, phone: string) => other.query(
      `INSERT INTO "customer_user" ("id", "customerId", "locationId", "firstName", "lastName", "email", "package",
         "phoneNumber", "extension", "roles", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'Other', 'Process', $4, 'WEBEX_CALLING', $5, NULL, '[]', $6, $6)`,
      [`00000000-0000-7000-8000-00000000010${n}`, holder.id, holder.headquarters.id, `${unique('other')}@devries.example`,
        phone.replace(/\s/g, ''), Date.now()]);
    try {
      // The other transaction holds y; the API's insert takes x, then waits for y; the other then
      // wants x: a deadlock. PostgreSQL aborts the API's transaction (it waited first).
      await other.query('BEGIN');
      await insert(1, y);
      const setup = hub.payloads.setupCustomer({ customerId: target.id, users: [aUser({ phoneNumber: x }), aUser({ phoneNumber: y })] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await insert(2, x);
      await other.query('COMMIT');
      const payload = await setup;
      expectUserErrors(payload, [['TAKEN', 'input', 'users', 0, 'phoneNumber'], ['TAKEN', 'input', 'users', 1, 'phoneNumber']]);
      expect((await hub.customerUsers(target.id))!.totalCount).toBe(1);
    } finally {
      await other.end();
    }
  });
});
