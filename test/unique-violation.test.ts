import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyValuesOf, uniqueViolationOf } from '../server/src/common/write';
import { newId } from '../server/src/db/ids';
import { aCustomerInput, anAmsterdamNumber, aTemplateInput, aUser } from './support/factories';
import { onPostgres, startTestServer, type TestPartner, type TestServer } from './support/test-server';

describe('keyValuesOf: the values of PostgreSQL\'s unique-violation detail', () => {
  it('gives one value per indexed column; the last keeps its commas', () => {
    expect(keyValuesOf('Key ("customerId", lower(name::text))=(0193a1b2-0000-7000-8000-000000000001, paris, nord) already exists.'))
      .toEqual(['0193a1b2-0000-7000-8000-000000000001', 'paris, nord']);
    expect(keyValuesOf('Key ("phoneNumber")=(+31207948000) already exists.')).toEqual(['+31207948000']);
    expect(keyValuesOf('Key (lower(email::text))=("a, b"@x.example) already exists.')).toEqual(['"a, b"@x.example']);
    expect(keyValuesOf('Key ("customerId", extension)=(0193, 2001) already exists.')).toEqual(['0193', '2001']);
    // Commas and parentheses inside a quoted column name or an expression do not separate columns.
    expect(keyValuesOf('Key ("a, b", coalesce(x, \'(\'), c)=(1, 2, y, z) already exists.')).toEqual(['1', '2', 'y, z']);
    expect(keyValuesOf('Key ("partnerId", "externalId")=(0193, ) already exists.')).toEqual(['0193', '']);
  });

  it('is null for anything else', () => {
    expect(keyValuesOf('')).toBeNull();
    expect(keyValuesOf('Key (a, b)=(1) already exists.')).toBeNull();
    expect(keyValuesOf('Key (a=(1) already exists.')).toBeNull();
    expect(keyValuesOf('Failing row contains (1, 2).')).toBeNull();
  });
});

/**
 * What a unique violation tells the services on each engine: the index always (its name on
 * PostgreSQL, table.column on SQLite), the clashing values on PostgreSQL only. The fallback that maps
 * a lost race to TAKEN on the right row (setupCustomer) depends on it.
 */
describe(`unique violations as the services see them (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let server: TestServer;
  let partner: TestPartner;

  beforeAll(async () => {
    server = await startTestServer();
    partner = await server.newPartner();
  });
  afterAll(() => server.stop());

  async function violation(sql: string, params: unknown[]) {
    const marks = params.map((_, i) => (onPostgres ? `$${i + 1}` : '?'));
    const text = sql.replace(/:(\d+)/g, (_, n) => marks[Number(n) - 1]);
    const error = await server.app.db.write((tx) => tx.query(text, params)).then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    return uniqueViolationOf(error);
  }

  it('names the index and, on PostgreSQL, the values', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const customer = await partner.client.createCustomer(aCustomerInput(template.id));
    const phone = anAmsterdamNumber();
    await partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ phoneNumber: phone })] });
    const e164 = phone.replace(/\s/g, '');

    const byPhone = await violation(
      `INSERT INTO "customer_user" ("id", "customerId", "locationId", "firstName", "lastName", "email", "package",
         "phoneNumber", "extension", "roles", "createdAt", "updatedAt")
       VALUES (:1, :2, :3, 'A', 'B', :4, 'WEBEX_CALLING', :5, NULL, '[]', 0, 0)`,
      [newId(), customer.id, customer.headquarters.id, `x${Date.now()}@devries.example`, e164]);
    expect(byPhone).toEqual(onPostgres
      ? { index: 'ux_user_phone', values: [e164] }
      : { index: 'customer_user.phoneNumber', values: null });

    const byName = await violation(
      `INSERT INTO "location" ("id", "customerId", "name", "line1", "city", "countryCode", "timeZone", "language", "isHeadquarters", "createdAt")
       VALUES (:1, :2, :3, 'Damrak 1', 'Amsterdam', 'NL', 'Europe/Amsterdam', 'en_US', :4, 0)`,
      [newId(), customer.id, customer.headquarters.name.toUpperCase(), false]);
    expect(byName?.index).toMatch(onPostgres ? /^ux_location_name$/ : /location/);
    if (onPostgres) expect(byName?.values).toEqual([customer.id, customer.headquarters.name.toLowerCase()]);
  });
});
