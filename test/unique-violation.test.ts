import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyValuesOf, uniqueViolationOf, writeOrUserErrors, type UniqueViolation } from '../server/src/mutations/write';
import { CustomerUser } from '../server/src/customers/customer-user.entity';
import { takenEmails, uniqueViolationAsUserErrors as createCustomerMapping } from '../server/src/customers/customer.service';
import { findOneWhere } from '../server/src/db/find-one';
import { newId } from '../server/src/db/ids';
import type { UserError } from '../server/src/errors/user-error';
import { UserErrors } from '../server/src/errors/user-error';
import { uniqueFieldOf } from '../server/src/mutations/unique-indexes';
import { normalizeUserRow } from '../server/src/setup/setup.rules';
import { uniqueViolationAsUserErrors as setupCustomerMapping } from '../server/src/setup/setup.service';
import { aCustomerInput, anAmsterdamLocation, anAmsterdamNumber, aTemplateInput, aUser, unique } from './support/factories';
import { onPostgres, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const USER_INSERT = `INSERT INTO "customer_user" ("id", "customerId", "locationId", "firstName", "lastName", "email", "package",
    "phoneNumber", "extension", "roles", "createdAt", "updatedAt")
  VALUES (:1, :2, :3, 'Raw', 'Insert', :4, 'WEBEX_CALLING', :5, :6, '[]', 0, 0)`;
const LOCATION_INSERT = `INSERT INTO "location" ("id", "customerId", "name", "line1", "city", "countryCode", "timeZone", "language", "isHeadquarters", "createdAt")
  VALUES (:1, :2, :3, 'Damrak 1', 'Amsterdam', 'NL', 'Europe/Amsterdam', 'en_US', :4, 0)`;
/** A copy of customer :3 with id :1 and admin email :2 (same partner, same externalId). */
const CUSTOMER_COPY = `INSERT INTO "customer" ("id", "partnerId", "templateId", "companyName", "adminEmail", "package", "addOns",
    "externalId", "status", "dataRegion", "language", "templateSettings", "inputFingerprint", "createdAt", "updatedAt")
  SELECT :1, "partnerId", "templateId", "companyName", :2, "package", "addOns", "externalId", "status", "dataRegion",
    "language", "templateSettings", "inputFingerprint", "createdAt", "updatedAt" FROM "customer" WHERE "id" = :3`;
/** A copy of template :4 with id :1, provisioningId :2 and name :3 (same partner). */
const TEMPLATE_COPY = `INSERT INTO "onboarding_template" ("id", "partnerId", "provisioningId", "name", "offer", "countryCode",
    "serviceProviderAdminId", "subscriptionId", "authenticationMethod", "idpEntityId", "oidcIdpName", "pstnProviderId", "brandName",
    "defaultEmailLanguage", "restrictAdminInvitationEmails", "disableWebexCallingOneToOne", "createdAt", "updatedAt")
  SELECT :1, "partnerId", :2, :3, "offer", "countryCode", "serviceProviderAdminId", "subscriptionId", "authenticationMethod",
    "idpEntityId", "oidcIdpName", "pstnProviderId", "brandName", "defaultEmailLanguage", "restrictAdminInvitationEmails",
    "disableWebexCallingOneToOne", "createdAt", "updatedAt" FROM "onboarding_template" WHERE "id" = :4`;

/** `:1`, `:2`… as the engine's placeholders. */
function sqlFor(sql: string): string {
  return sql.replace(/:(\d+)/g, (_, n) => (onPostgres ? `$${n}` : '?'));
}

/** How SQLite names a violated index: `index 'name'` for an index on expressions, `table.column, …` otherwise. */
function indexAsReported(name: string, sqliteColumns?: string): string {
  return onPostgres ? name : sqliteColumns ?? `index '${name}'`;
}

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

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  /** The error of raw SQL in a write transaction (the application's checks bypassed), or null. */
  function rawWrite(sql: string, params: unknown[]): Promise<unknown> {
    return server.app.db.write((tx) => tx.query(sqlFor(sql), params)).then(() => null, (e: unknown) => e);
  }

  async function violation(sql: string, params: unknown[]) {
    const error = await rawWrite(sql, params);
    expect(error).not.toBeNull();
    return uniqueViolationOf(error);
  }

  /**
   * A write that violates a unique index on every attempt (on PostgreSQL after writeOrUserErrors'
   * retries, as a race that keeps repeating), answered through `mapping`, the service's own.
   */
  async function lostRace(sql: string, params: unknown[], mapping: (v: UniqueViolation) => UserError[] | null) {
    const seen: UniqueViolation[] = [];
    const outcome = await writeOrUserErrors(server.app.db, (tx) => tx.query(sqlFor(sql), params), {
      onUniqueViolation: (v) => { seen.push(v); return mapping(v); },
    });
    expect(seen).toHaveLength(1);
    expect(outcome.ok).toBe(false);
    const errors = outcome.ok ? [] : outcome.userErrors;
    for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
    return { index: seen[0].index, errors: errors.map((e) => `${e.code}@${e.field.join('.')}`) };
  }

  async function aCustomer() {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    return partner.client.createCustomer(aCustomerInput(template.id, { externalId: unique('crm-') }));
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

  it('enforces case-insensitive emails in the schema: a second user differing only in case violates ux_user_email_lower', async () => {
    const customer = await aCustomer();
    const mixed = `${unique('Raw.Case')}@DeVries.Example`;
    expect(await rawWrite(USER_INSERT, [newId(), customer.id, customer.headquarters.id, mixed, null, null])).toBeNull();
    for (const other of [mixed.toLowerCase(), mixed.toUpperCase(), customer.adminEmail.toUpperCase()]) {
      const byEmail = await violation(USER_INSERT, [newId(), customer.id, customer.headquarters.id, other, null, null]);
      expect(byEmail?.index).toBe(indexAsReported('ux_user_email_lower'));
      if (onPostgres) expect(byEmail?.values).toEqual([other.toLowerCase()]);
    }
    // Beyond ASCII: PostgreSQL's lower() under a UTF-8 ctype folds Æ; SQLite's built-in lower() folds
    // ASCII only, so there the index lets it through and the serialised application check (which
    // compares addresses lower-cased in JavaScript) is what refuses it (README).
    const nordic = `${unique('ærø')}@devries.example`;
    expect(await rawWrite(USER_INSERT, [newId(), customer.id, customer.headquarters.id, nordic, null, null])).toBeNull();
    const upper = nordic.replace('ærø', 'ÆRØ');
    const error = await rawWrite(USER_INSERT, [newId(), customer.id, customer.headquarters.id, upper, null, null]);
    if (onPostgres) expect(uniqueViolationOf(error)).toEqual({ index: 'ux_user_email_lower', values: [nordic] });
    else expect(error).toBeNull();
  });

  it('enforces case-insensitive template names in the schema: ASCII on both engines, Å/å on PostgreSQL (UTF-8 ctype)', async () => {
    if (onPostgres) {
      // The README's claim needs a UTF-8 ctype; scripts/pg-local.sh (CI) initialises the cluster with C.UTF-8.
      const [{ ctype }] = await server.app.db.manager.query('SELECT datctype AS ctype FROM pg_database WHERE datname = current_database()');
      expect(ctype).toMatch(/utf-?8/i);
    }
    const ascii = await partner.client.createTemplate(aTemplateInput(partner, { name: unique('Case Schema ') }));
    const byAscii = await violation(TEMPLATE_COPY, [newId(), unique('prov-'), ascii.name.toUpperCase(), ascii.id]);
    expect(byAscii?.index).toBe(indexAsReported('ux_template_name'));
    if (onPostgres) expect(byAscii?.values).toEqual([partner.partnerId, ascii.name.toLowerCase()]);

    const aarhus = await partner.client.createTemplate(aTemplateInput(partner, { name: unique('Århus ') }));
    const lowered = aarhus.name.replace('Å', 'å');
    const error = await rawWrite(TEMPLATE_COPY, [newId(), unique('prov-'), lowered, aarhus.id]);
    if (onPostgres) expect(uniqueViolationOf(error)).toEqual({ index: 'ux_template_name', values: [partner.partnerId, lowered] });
    else expect(error).toBeNull(); // SQLite's lower() folds ASCII only: the casefold check in the service is the arbiter there
  });

  it('looks users up by email through the lower("email") index (EXPLAIN on both engines)', async () => {
    const customer = await aCustomer();
    // The statements the services send, recorded by a manager that answers no rows.
    const statements: Array<{ sql: string; params: unknown[] }> = [];
    const recorder = {
      connection: server.app.db.manager.connection,
      query: async (sql: string, params: unknown[]) => { statements.push({ sql, params }); return []; },
    } as unknown as EntityManager;
    await takenEmails(recorder, [customer.adminEmail, `${unique('free')}@devries.example`]);
    await findOneWhere(recorder, CustomerUser, { customerId: customer.id, email: customer.adminEmail }, { lower: ['email'] });
    expect(statements).toHaveLength(2);
    for (const { sql, params } of statements) {
      expect(sql).toContain('lower("email")');
      const plan = onPostgres
        ? await server.app.db.write(async (tx) => {
          // The tables are tiny: forbid sequential scans so the plan shows whether an index can serve the query.
          await tx.query('SET LOCAL enable_seqscan = off');
          const rows: Array<{ 'QUERY PLAN': string }> = await tx.query(`EXPLAIN ${sql}`, params);
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        })
        : (await server.app.db.manager.query(`EXPLAIN QUERY PLAN ${sql}`, params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      expect(plan, sql).toContain('ux_user_email_lower');
    }
  });

  it('maps every unique index createCustomer can violate to TAKEN on its field, after the retries', async () => {
    const customer = await aCustomer();
    const byEmail = await lostRace(USER_INSERT, [newId(), customer.id, customer.headquarters.id, customer.adminEmail.toUpperCase(), null, null],
      createCustomerMapping);
    expect(byEmail).toEqual({ index: indexAsReported('ux_user_email_lower'), errors: ['TAKEN@input.adminEmail'] });
    const byExternalId = await lostRace(CUSTOMER_COPY, [newId(), `${unique('copy')}@devries.example`, customer.id], createCustomerMapping);
    expect(byExternalId).toEqual({
      index: indexAsReported('ux_customer_external_id', 'customer.partnerId, customer.externalId'), errors: ['TAKEN@input.externalId'],
    });
  });

  it('maps the template name index to TAKEN on the name, for createTemplate and updateTemplate alike', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner, { name: unique('Race Name ') }));
    // updateTemplate (template-edit.service.ts) answers through the same mapping as createTemplate.
    const mapping = (v: UniqueViolation) => server.app.services.templates.uniqueViolationAsUserErrors(v);
    const byName = await lostRace(TEMPLATE_COPY, [newId(), unique('prov-'), template.name.toUpperCase(), template.id], mapping);
    expect(byName).toEqual({ index: indexAsReported('ux_template_name'), errors: ['TAKEN@input.name'] });
  });

  it('maps every unique index setupCustomer can violate to TAKEN on the clashing row (PostgreSQL names the value)', async () => {
    const holder = await aCustomer();
    const target = await aCustomer();
    const taken = { email: `${unique('race')}@devries.example`, phone: anAmsterdamNumber(), extension: '4711', location: 'Paris, Nord' };
    await partner.client.setupCustomer({
      customerId: holder.id,
      locations: [anAmsterdamLocation({ name: taken.location })],
      users: [aUser({ email: taken.email, phoneNumber: taken.phone, extension: taken.extension })],
    });
    // The request that lost: its second user claims each value, its second location the name.
    const inputs = [aUser(), aUser({ email: taken.email.toUpperCase(), phoneNumber: taken.phone, extension: taken.extension })];
    const rows = inputs.map((u, i) => normalizeUserRow(u as never, i, UserErrors.root('input').at('users', i)));
    const locations = [anAmsterdamLocation({ name: 'Zuidas' }), anAmsterdamLocation({ name: ' PARIS, NORD ' })];
    const mapping = (v: UniqueViolation) => setupCustomerMapping(v, rows, locations as never);
    const e164 = taken.phone.replace(/\s/g, '');

    const byEmail = await lostRace(USER_INSERT, [newId(), target.id, target.headquarters.id, taken.email.toUpperCase(), null, null], mapping);
    expect(byEmail).toEqual({ index: indexAsReported('ux_user_email_lower'), errors: [onPostgres ? 'TAKEN@input.users.1.email' : 'TAKEN@input.users'] });
    const byPhone = await lostRace(USER_INSERT, [newId(), target.id, target.headquarters.id, `${unique('p')}@devries.example`, e164, null], mapping);
    expect(byPhone).toEqual({
      index: indexAsReported('ux_user_phone', 'customer_user.phoneNumber'), errors: [onPostgres ? 'TAKEN@input.users.1.phoneNumber' : 'TAKEN@input.users'],
    });
    // The extension is unique per customer: the clash is inside the holder.
    const byExtension = await lostRace(USER_INSERT, [newId(), holder.id, holder.headquarters.id, `${unique('x')}@devries.example`, null, taken.extension], mapping);
    expect(byExtension).toEqual({
      index: indexAsReported('ux_user_extension', 'customer_user.customerId, customer_user.extension'),
      errors: [onPostgres ? 'TAKEN@input.users.1.extension' : 'TAKEN@input.users'],
    });
    // A name containing ", ": PostgreSQL's detail joins values with ", " too; the last value keeps them.
    const byLocation = await lostRace(LOCATION_INSERT, [newId(), holder.id, 'paris, nord', false], mapping);
    expect(byLocation).toEqual({ index: indexAsReported('ux_location_name'), errors: [onPostgres ? 'TAKEN@input.locations.1.name' : 'TAKEN@input.locations'] });
  });

  it('has no unique index that these tests do not cover (a new or renamed one must get its mapping and its test)', async () => {
    const rows: Array<{ name: string }> = onPostgres
      ? await server.app.db.manager.query(`SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indisunique AND NOT i.indisprimary AND n.nspname = current_schema()`)
      : await server.app.db.manager.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE INDEX%'`);
    const mapped = ['ux_customer_external_id', 'ux_location_name', 'ux_template_name', 'ux_user_email_lower', 'ux_user_extension', 'ux_user_phone'];
    // Values no request chooses: a generated provisioningId, a random token's hash, subscriptions created by the CLI.
    const unreachable = ['ux_api_token_hash', 'ux_subscription_external', 'ux_template_provisioning_id'];
    expect(rows.map((r) => r.name).sort()).toEqual([...mapped, ...unreachable].sort());
    // The kernel's one table of unique indexes (mutations/unique-indexes.ts) knows every mapped index, and no other.
    expect(mapped.map((index) => uniqueFieldOf({ index, values: null }))).toEqual(['externalId', 'locationName', 'templateName', 'email', 'extension', 'phoneNumber']);
    expect(unreachable.map((index) => uniqueFieldOf({ index, values: null }))).toEqual([null, null, null]);
  });
});
