import { beforeAll, describe, expect, it } from 'vitest';
import type { CustomerUserInput, LocationInput, Package, SetupCustomerInput } from '../sdk/src/index';
import { expectNoUserErrors, expectUserError } from './support/expect-user-error';
import {
  aCustomerInput, aLocationIn, aMeetingsUser, anAmsterdamLocation, anAmsterdamNumber, aNewYorkLocation, aNewYorkNumber,
  AN_UNKNOWN_ID, aString, aTemplateInput, aTorontoNumber, aUser, unique,
} from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** How many users the volume test sends: SETUP_VOLUME_USERS, default and at most 10,000 (the per-call limit). */
const VOLUME_USERS = Math.min(10_000, Math.max(1, Number(process.env.SETUP_VOLUME_USERS) || 10_000));

describe('setupCustomer rules (domain.md §5)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let templateId: string;
  let otherTemplateId: string;

  const fixture = useTestServer({ partners: 2 });
  beforeAll(async () => {
    server = fixture.server;
    [partner, other] = fixture.partners;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
    otherTemplateId = (await other.client.createTemplate(aTemplateInput(other))).id;
  });

  /** A fresh customer (Amsterdam headquarters "Amsterdam HQ") of the test partner. */
  const aCustomer = async (pkg: Package = 'WEBEX_SUITE', adminEmail?: string) =>
    partner.client.createCustomer(aCustomerInput(templateId, { package: pkg, ...(adminEmail ? { adminEmail } : {}) }));
  const setup = (customerId: string, input: Omit<SetupCustomerInput, 'customerId'>) =>
    partner.client.payloads.setupCustomer({ customerId, ...input });
  const setupUsers = (customerId: string, users: CustomerUserInput[]) => setup(customerId, { users });
  const userCount = async (customerId: string) => (await partner.client.customerUsers(customerId))!.totalCount;
  const codes = (payload: { userErrors: Array<{ code: string; field: string[] }> }) =>
    payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`);

  describe('customerId', () => {
    it('is NOT_FOUND for another partner’s, an unknown or a malformed customer', async () => {
      const theirs = await other.client.createCustomer(aCustomerInput(otherTemplateId));
      for (const customerId of [theirs.id, AN_UNKNOWN_ID, 'customer-1']) {
        const payload = await setupUsers(customerId, [aUser()]);
        expectUserError(payload, 'NOT_FOUND', 'input', 'customerId');
        expect(payload.customer).toBeNull();
      }
      expect((await other.client.customerUsers(theirs.id))!.totalCount).toBe(1);
    });

    it('an unknown customer still gets every location and row error of the request, in row order', async () => {
      const theirs = await other.client.createCustomer(aCustomerInput(otherTemplateId));
      const taken = await aCustomer();
      const takenNumber = anAmsterdamNumber();
      const { users: [holder] } = await partner.client.setupCustomer({ customerId: taken.id, users: [aUser({ phoneNumber: takenNumber })] });
      const repeated = `${unique('twice')}@devries.example`;
      for (const customerId of [theirs.id, AN_UNKNOWN_ID, 'customer-1']) {
        const payload = await setup(customerId, {
          users: [
            aUser({ firstName: '' }),
            aMeetingsUser({ phoneNumber: anAmsterdamNumber() }),
            aUser({ email: repeated }),
            aUser({ email: repeated, phoneNumber: takenNumber }),
            aUser({ email: holder.email, locationName: 'NYC', phoneNumber: anAmsterdamNumber() }),
          ],
          locations: [
            anAmsterdamLocation({ name: 'Utrecht', address: { line1: '', city: 'Utrecht', postalCode: '3511 AA', countryCode: 'NL' } }),
            aNewYorkLocation({ name: 'NYC', timeZone: 'Mars/Olympus' }),
            aNewYorkLocation({ name: 'nyc' }),
          ],
        });
        expect(payload.customer).toBeNull();
        expect(codes(payload), customerId).toEqual([
          'NOT_FOUND:input.customerId',
          'REQUIRED:input.locations.0.address.line1',
          'INVALID:input.locations.1.timeZone',
          'TAKEN:input.locations.2.name',
          'REQUIRED:input.users.0.firstName',
          'NOT_ALLOWED:input.users.1.phoneNumber',
          'TAKEN:input.users.3.email',
          'TAKEN:input.users.3.phoneNumber',
          'TAKEN:input.users.4.email',
          'INVALID:input.users.4.phoneNumber',
        ]);
      }
      expect((await other.client.customerUsers(theirs.id))!.totalCount).toBe(1);
    });
  });

  describe('user names', () => {
    it('are required and take 64 characters, refusing 65', async () => {
      const customer = await aCustomer();
      const payload = await setupUsers(customer.id, [
        aUser({ firstName: ' ' }), aUser({ lastName: '' }), aUser({ firstName: aString(65) }), aUser({ lastName: aString(65) }),
      ]);
      expect(codes(payload)).toEqual([
        'REQUIRED:input.users.0.firstName', 'REQUIRED:input.users.1.lastName',
        'TOO_LONG:input.users.2.firstName', 'TOO_LONG:input.users.3.lastName',
      ]);
      const ok = await partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ firstName: aString(64), lastName: ` ${aString(64, 'b')} ` })] });
      expect(ok.users[0]).toMatchObject({ firstName: aString(64), lastName: aString(64, 'b') });
    });
  });

  describe('email', () => {
    it.each(['no-at-sign', 'a@', '', 'x y@devries.example'])('refuses %j', async (email) => {
      const customer = await aCustomer();
      const payload = await setupUsers(customer.id, [aUser({ email })]);
      expect(payload.userErrors.some((e) => e.field.join('.') === 'input.users.0.email' && ['INVALID', 'REQUIRED'].includes(e.code))).toBe(true);
    });

    it('is stored trimmed and lower-cased', async () => {
      const customer = await aCustomer();
      const email = `${unique('Case')}@DeVries.Example`;
      const result = await partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ email: ` ${email} ` })] });
      expect(result.users[0].email).toBe(email.toLowerCase());
    });

    it('is TAKEN when a user of any organization has it, in any casing', async () => {
      const first = await aCustomer();
      const taken = aUser();
      await partner.client.setupCustomer({ customerId: first.id, users: [taken] });
      const otherCustomer = await other.client.createCustomer(aCustomerInput(otherTemplateId));

      const second = await aCustomer();
      const payload = await setupUsers(second.id, [
        aUser({ email: taken.email.toUpperCase() }),
        aUser({ email: first.adminEmail }),
        aUser({ email: otherCustomer.adminEmail }),
      ]);
      expect(codes(payload)).toEqual(['TAKEN:input.users.0.email', 'TAKEN:input.users.1.email', 'TAKEN:input.users.2.email']);
    });

    it('is TAKEN on the later of two rows of one request', async () => {
      const customer = await aCustomer();
      const email = `${unique('dup')}@devries.example`;
      const payload = await setupUsers(customer.id, [aUser(), aUser({ email }), aUser(), aUser({ email: ` ${email.toUpperCase()}` })]);
      expect(codes(payload)).toEqual(['TAKEN:input.users.3.email']);
      expect(await userCount(customer.id)).toBe(1);
    });
  });

  describe('package', () => {
    it('allows the organization’s package and the ones it includes', async () => {
      const customer = await aCustomer('WEBEX_CALLING');
      const result = await partner.client.setupCustomer({
        customerId: customer.id,
        users: (['WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE'] as Package[]).map((p) => aUser({ package: p })),
      });
      expect(result.users.map((u) => u.package)).toEqual(['WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE']);
    });

    it('refuses a package the organization’s does not include with NOT_ALLOWED', async () => {
      const customer = await aCustomer('WEBEX_CALLING');
      const payload = await setupUsers(customer.id, [
        aMeetingsUser(), aUser({ package: 'WEBEX_SUITE' }), aUser({ package: 'CX_ESSENTIALS' }), aUser({ package: 'COMMON_AREA_CALLING' }),
      ]);
      expect(codes(payload)).toEqual([
        'NOT_ALLOWED:input.users.0.package', 'NOT_ALLOWED:input.users.1.package',
        'NOT_ALLOWED:input.users.2.package', 'NOT_ALLOWED:input.users.3.package',
      ]);
    });

    it('a WEBEX_SUITE organization may have meetings-only users', async () => {
      const customer = await aCustomer('WEBEX_SUITE');
      expectNoUserErrors(await setupUsers(customer.id, [aMeetingsUser()]));
    });
  });

  describe('locationName', () => {
    it('defaults to the headquarters and matches existing and same-request locations case-insensitively', async () => {
      const customer = await aCustomer();
      const result = await partner.client.setupCustomer({
        customerId: customer.id,
        locations: [aNewYorkLocation({ name: 'New York' })],
        users: [
          aUser(),
          aUser({ locationName: '  AMSTERDAM hq ' }),
          aUser({ locationName: 'new york', phoneNumber: aNewYorkNumber() }),
        ],
      });
      expect(result.users.map((u) => u.location.name)).toEqual(['Amsterdam HQ', 'Amsterdam HQ', 'New York']);
      expect(result.users[0].location.id).toBe(customer.headquarters.id);
      expect(result.users[2].location.id).toBe(result.locations[0].id);
      // a later call finds the location added by this one
      const later = await partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ locationName: 'NEW YORK', phoneNumber: aNewYorkNumber() })] });
      expect(later.users[0].location.id).toBe(result.locations[0].id);
    });

    it('is NOT_FOUND when no location of the customer (or of this request) has the name', async () => {
      const customer = await aCustomer();
      const elsewhere = await aCustomer();
      await partner.client.setupCustomer({ customerId: elsewhere.id, locations: [aNewYorkLocation({ name: 'Only Elsewhere' })] });
      const payload = await setupUsers(customer.id, [aUser({ locationName: 'Rotterdam' }), aUser({ locationName: 'Only Elsewhere' })]);
      expect(codes(payload)).toEqual(['NOT_FOUND:input.users.0.locationName', 'NOT_FOUND:input.users.1.locationName']);
    });
  });

  describe('phoneNumber', () => {
    it.each([
      ['garbage', 'call me maybe'],
      ['too short for NL', '020 79'],
      ['a US national number at an NL location', '(512) 472-1003'],
      ['too short', '+31 20'],
      ['letters', '+31 20 ABC DEFG'],
      ['unassigned country code', '+999 1234 5678'],
    ])('refuses %s (%j) with INVALID', async (_label, phoneNumber) => {
      const customer = await aCustomer();
      expectUserError(await setupUsers(customer.id, [aUser({ phoneNumber })]), 'INVALID', 'input', 'users', '0', 'phoneNumber');
    });

    it('accepts the national form of the location’s country and stores E.164 (domain.md §14)', async () => {
      const customer = await aCustomer();
      const amsterdam = anAmsterdamNumber(); // +31 20 xxx xxxx
      const newYork = aNewYorkNumber(); // +1 212.xxx.xxxx
      const [, , ny1, ny2] = newYork.split(/[ .]/);
      const result = await setup(customer.id, {
        locations: [aNewYorkLocation({ name: 'NYC' })],
        users: [
          aUser({ phoneNumber: amsterdam.replace('+31 ', '0') }), // 020 xxx xxxx at the Amsterdam headquarters
          aUser({ locationName: 'NYC', phoneNumber: `(212) ${ny1}-${ny2}` }),
        ],
      });
      expectNoUserErrors(result);
      expect(result.users.map((u) => u.phoneNumber)).toEqual([amsterdam.replace(/\s/g, ''), `+1212${ny1}${ny2}`]);
      // the same number in international form is now TAKEN: the national one was stored in E.164
      expectUserError(await setupUsers(customer.id, [aUser({ phoneNumber: amsterdam })]), 'TAKEN', 'input', 'users', '0', 'phoneNumber');
    });

    it('refuses a national number of another country, with an example of the location’s own country in the message', async () => {
      const customer = await aCustomer();
      const payload = await setup(customer.id, {
        locations: [aNewYorkLocation({ name: 'NYC' })],
        users: [
          aUser({ locationName: 'NYC', phoneNumber: '020 794 8000' }),
          aUser({ locationName: 'NYC', phoneNumber: '416 555 0123' }), // Toronto's area code: Canada's plan
          aUser({ phoneNumber: '(512) 472-1003' }), // at the Amsterdam headquarters
        ],
      });
      expect(codes(payload)).toEqual(['INVALID:input.users.0.phoneNumber', 'INVALID:input.users.1.phoneNumber', 'INVALID:input.users.2.phoneNumber']);
      const [atNewYork, canadian, atAmsterdam] = payload.userErrors.map((e) => e.message);
      expect(atNewYork).toMatch(/for US, the country of location "NYC"/);
      expect(atNewYork).toMatch(/e\.g\. \+1 /);
      expect(canadian).toMatch(/number of CA/);
      expect(atAmsterdam).toMatch(/for NL, the country of location "Amsterdam HQ"/);
      expect(atAmsterdam).toMatch(/e\.g\. \+31 /);
      expect(atAmsterdam).not.toMatch(/\+1 /);
    });

    it('refuses a number of another country than the location’s (a +1 416 Toronto number in New York, a Dutch one in New York)', async () => {
      const customer = await aCustomer();
      const payload = await setup(customer.id, {
        locations: [aNewYorkLocation({ name: 'NYC' })],
        users: [
          aUser({ locationName: 'NYC', phoneNumber: aTorontoNumber() }),
          aUser({ locationName: 'NYC', phoneNumber: anAmsterdamNumber() }),
          aUser({ phoneNumber: aNewYorkNumber() }),
          aUser({ locationName: 'NYC', phoneNumber: aNewYorkNumber() }),
        ],
      });
      expect(codes(payload)).toEqual(['INVALID:input.users.0.phoneNumber', 'INVALID:input.users.1.phoneNumber', 'INVALID:input.users.2.phoneNumber']);
    });

    it('accepts a Canadian number at a Canadian location', async () => {
      const customer = await aCustomer();
      const toronto = aLocationIn('CA', { name: 'Toronto', timeZone: 'America/Toronto', address: { line1: '1 Yonge St', city: 'Toronto', stateOrProvince: 'ON', postalCode: 'M5E 1W7', countryCode: 'CA' } });
      const number = aTorontoNumber();
      const result = await partner.client.setupCustomer({ customerId: customer.id, locations: [toronto], users: [aUser({ locationName: 'Toronto', phoneNumber: number })] });
      expect(result.users[0].phoneNumber).toBe(number.replace(/[\s]/g, ''));
    });

    it('accepts spaces, dashes, dots and brackets and stores E.164', async () => {
      const customer = await aCustomer();
      const result = await partner.client.setupCustomer({
        customerId: customer.id,
        locations: [aNewYorkLocation({ name: 'NY' })],
        users: [
          aUser({ phoneNumber: '+31 (20) 555-0101' }),
          aUser({ phoneNumber: '+31.20.555.0102' }),
          aUser({ phoneNumber: ' +31205550103 ' }),
          aUser({ locationName: 'NY', phoneNumber: '+1 (212) 555-0104' }),
        ],
      });
      expect(result.users.map((u) => u.phoneNumber)).toEqual(['+31205550101', '+31205550102', '+31205550103', '+12125550104']);
      const stored = await partner.client.customerUsers(customer.id, { filter: { search: result.users[3].email } });
      expect(stored!.edges[0].node.phoneNumber).toBe('+12125550104');
    });

    it('is TAKEN when any user of the system holds it (another customer, another partner), in any notation', async () => {
      const number = anAmsterdamNumber();
      const theirs = await other.client.createCustomer(aCustomerInput(otherTemplateId));
      await other.client.setupCustomer({ customerId: theirs.id, users: [aUser({ phoneNumber: number })] });
      const mineNumber = anAmsterdamNumber();
      const mine = await aCustomer();
      await partner.client.setupCustomer({ customerId: mine.id, users: [aUser({ phoneNumber: mineNumber })] });

      const customer = await aCustomer();
      const payload = await setupUsers(customer.id, [
        aUser({ phoneNumber: number.replace(/ /g, '-') }),
        aUser({ phoneNumber: mineNumber }),
      ]);
      expect(codes(payload)).toEqual(['TAKEN:input.users.0.phoneNumber', 'TAKEN:input.users.1.phoneNumber']);
    });

    it('is TAKEN on the later of two rows of one request', async () => {
      const customer = await aCustomer();
      const number = anAmsterdamNumber();
      const payload = await setupUsers(customer.id, [aUser({ phoneNumber: number }), aUser(), aUser({ phoneNumber: number.replace(/ /g, '') })]);
      expect(codes(payload)).toEqual(['TAKEN:input.users.2.phoneNumber']);
    });
  });

  describe('extension', () => {
    it.each(['1', '12345678901', '12a', 'ext 12', '+123'])('refuses %j with INVALID', async (extension) => {
      const customer = await aCustomer();
      expectUserError(await setupUsers(customer.id, [aUser({ phoneNumber: null, extension })]), 'INVALID', 'input', 'users', '0', 'extension');
    });

    it('takes 2 and 10 digits, alone or with a number', async () => {
      const customer = await aCustomer();
      const result = await partner.client.setupCustomer({
        customerId: customer.id, users: [aUser({ phoneNumber: null, extension: '12' }), aUser({ extension: '1234567890' })],
      });
      expect(result.users.map((u) => [u.extension, u.phoneNumber === null])).toEqual([['12', true], ['1234567890', false]]);
    });

    it('is TAKEN within the customer (existing user, or the later row of one request) but free in another customer', async () => {
      const customer = await aCustomer();
      await partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ extension: '4001' })] });
      const payload = await setupUsers(customer.id, [
        aUser({ extension: '4001' }), aUser({ extension: '4002' }), aUser({ phoneNumber: null, extension: '4002' }),
      ]);
      expect(codes(payload)).toEqual(['TAKEN:input.users.0.extension', 'TAKEN:input.users.2.extension']);

      const another = await aCustomer();
      expectNoUserErrors(await setupUsers(another.id, [aUser({ extension: '4001' }), aUser({ phoneNumber: null, extension: '4002' })]));
    });
  });

  describe('numbers and the package', () => {
    it('a calling package needs a number or an extension (REQUIRED on phoneNumber)', async () => {
      const customer = await aCustomer('WEBEX_SUITE');
      const payload = await setupUsers(customer.id, [
        aUser({ package: 'WEBEX_CALLING', phoneNumber: null }),
        aUser({ package: 'WEBEX_VOICE', phoneNumber: null, extension: null }),
        aUser({ package: 'WEBEX_SUITE', phoneNumber: null, extension: '77' }),
      ]);
      expect(codes(payload)).toEqual(['REQUIRED:input.users.0.phoneNumber', 'REQUIRED:input.users.1.phoneNumber']);
    });

    it('a package without calling may have neither (NOT_ALLOWED on each given)', async () => {
      const customer = await aCustomer('WEBEX_SUITE');
      const payload = await setupUsers(customer.id, [
        aMeetingsUser({ phoneNumber: anAmsterdamNumber() }),
        aMeetingsUser({ extension: '55' }),
        aMeetingsUser({ phoneNumber: anAmsterdamNumber(), extension: '56' }),
        aMeetingsUser(),
      ]);
      expect(codes(payload)).toEqual([
        'NOT_ALLOWED:input.users.0.phoneNumber', 'NOT_ALLOWED:input.users.1.extension',
        'NOT_ALLOWED:input.users.2.phoneNumber', 'NOT_ALLOWED:input.users.2.extension',
      ]);
    });

    it('a blank phoneNumber or extension (as a form sends it) is not given: never INVALID, never NOT_ALLOWED', async () => {
      const customer = await aCustomer('WEBEX_SUITE');
      const refused = await setupUsers(customer.id, [
        aMeetingsUser({ phoneNumber: '', extension: '' }),
        aUser({ phoneNumber: '', extension: '  ' }),
        aUser({ phoneNumber: ' ', extension: '31' }),
      ]);
      expect(codes(refused)).toEqual(['REQUIRED:input.users.1.phoneNumber']);

      const number = anAmsterdamNumber();
      const result = await partner.client.setupCustomer({ customerId: customer.id, users: [
        aMeetingsUser({ phoneNumber: '', extension: ' ' }),
        aUser({ phoneNumber: '\t', extension: '32' }),
        aUser({ phoneNumber: number, extension: '' }),
      ] });
      expect(result.users.map((u) => [u.phoneNumber, u.extension])).toEqual([[null, null], [null, '32'], [number.replace(/ /g, ''), null]]);
    });
  });

  describe('the full administrator’s row', () => {
    it('updates the administrator (package, location, numbers) instead of creating a user', async () => {
      const customer = await aCustomer('WEBEX_CALLING');
      const [admin] = (await partner.client.customerUsers(customer.id))!.edges.map((e) => e.node);
      const number = aNewYorkNumber();
      const result = await partner.client.setupCustomer({
        customerId: customer.id,
        locations: [aNewYorkLocation({ name: 'NY' })],
        users: [aUser({ email: customer.adminEmail.toUpperCase(), firstName: 'Ida', lastName: 'Admin', package: 'WEBEX_CALLING', locationName: 'ny', phoneNumber: number, extension: '100' })],
      });
      expect(result.users[0]).toMatchObject({
        id: admin.id, email: customer.adminEmail, firstName: 'Ida', lastName: 'Admin', location: { name: 'NY' },
        phoneNumber: number.replace(/[ .]/g, ''), extension: '100', roles: ['FULL_ADMIN'],
      });
      expect(await userCount(customer.id)).toBe(1);
    });

    it('refuses a lower package with DOWNGRADE_NOT_ALLOWED and any other with NOT_ALLOWED', async () => {
      const customer = await aCustomer('WEBEX_SUITE');
      const row = (pkg: Package) => aUser({ email: customer.adminEmail, package: pkg, ...(pkg === 'WEBEX_MEETINGS' ? { phoneNumber: null } : {}) });
      for (const lower of ['WEBEX_CALLING', 'WEBEX_VOICE', 'WEBEX_MEETINGS'] as Package[]) {
        expectUserError(await setupUsers(customer.id, [row(lower)]), 'DOWNGRADE_NOT_ALLOWED', 'input', 'users', '0', 'package');
      }
      expectUserError(await setupUsers(customer.id, [row('CX_ESSENTIALS')]), 'NOT_ALLOWED', 'input', 'users', '0', 'package');
      expectUserError(await setupUsers(customer.id, [row('COMMON_AREA_CALLING')]), 'NOT_ALLOWED', 'input', 'users', '0', 'package');

      const calling = await aCustomer('WEBEX_CALLING');
      expectUserError(await setupUsers(calling.id, [aUser({ email: calling.adminEmail, package: 'WEBEX_SUITE' })]), 'NOT_ALLOWED', 'input', 'users', '0', 'package');
      expectUserError(await setupUsers(calling.id, [aUser({ email: calling.adminEmail, package: 'WEBEX_CALLING_STANDARD' })]), 'DOWNGRADE_NOT_ALLOWED', 'input', 'users', '0', 'package');
    });

    it('a calling administrator’s row needs a number or extension like any row; without a row the admin keeps none', async () => {
      const customer = await aCustomer('WEBEX_CALLING');
      expectUserError(await setupUsers(customer.id, [aUser({ email: customer.adminEmail, phoneNumber: null })]), 'REQUIRED', 'input', 'users', '0', 'phoneNumber');
      await partner.client.setupCustomer({ customerId: customer.id, users: [aUser()] });
      const admin = (await partner.client.customerUsers(customer.id, { filter: { search: customer.adminEmail } }))!.edges[0].node;
      expect(admin).toMatchObject({ phoneNumber: null, extension: null });
    });

    it('may keep its own number and extension when its row is sent again', async () => {
      const customer = await aCustomer('WEBEX_CALLING');
      const row = aUser({ email: customer.adminEmail, extension: '100' });
      await partner.client.setupCustomer({ customerId: customer.id, users: [row] });
      expectNoUserErrors(await setupUsers(customer.id, [{ ...row, firstName: 'Renamed' }]));
    });
  });

  describe('locations', () => {
    it('refuses a name TAKEN by an existing location or an earlier one of the request (case-insensitive)', async () => {
      const customer = await aCustomer();
      const payload = await setup(customer.id, {
        locations: [
          aNewYorkLocation({ name: 'amsterdam HQ' }),
          aNewYorkLocation({ name: 'Brooklyn' }),
          aNewYorkLocation({ name: ' BROOKLYN ' }),
        ],
      });
      expect(codes(payload)).toEqual(['TAKEN:input.locations.0.name', 'TAKEN:input.locations.2.name']);
      expect(payload.userErrors[0].message).toBe('The customer already has a location named "amsterdam HQ".');
      expect(payload.userErrors[1].message, 'a repeat within the request is not an existing location (domain.md §14)')
        .toBe('A location named "BROOKLYN" appears in an earlier row of this request.');
      // another customer may use the same names
      const another = await aCustomer();
      expectNoUserErrors(await setup(another.id, { locations: [aNewYorkLocation({ name: 'Brooklyn' })] }));
    });

    it('checks every location field on its own path', async () => {
      const customer = await aCustomer();
      const payload = await setup(customer.id, {
        locations: [
          aNewYorkLocation(),
          { name: aString(81), address: { line1: '', city: ' ', countryCode: 'US' }, timeZone: '+01:00' },
          { name: '', address: { line1: aString(51), line2: aString(51), city: 'Berlin', countryCode: 'DE', stateOrProvince: null }, timeZone: 'Mars/Olympus', language: 'de-XX' },
          aLocationIn('XX'),
        ],
      });
      expect(codes(payload).sort()).toEqual([
        'INVALID:input.locations.1.timeZone',
        'INVALID:input.locations.2.language',
        'INVALID:input.locations.2.timeZone',
        'INVALID:input.locations.3.address.countryCode',
        'REQUIRED:input.locations.1.address.city',
        'REQUIRED:input.locations.1.address.line1',
        'REQUIRED:input.locations.1.address.postalCode',
        'REQUIRED:input.locations.1.address.stateOrProvince',
        'REQUIRED:input.locations.2.address.postalCode',
        'REQUIRED:input.locations.2.name',
        'TOO_LONG:input.locations.1.name',
        'TOO_LONG:input.locations.2.address.line1',
        'TOO_LONG:input.locations.2.address.line2',
      ]);
    });

    it('refuses a time zone, subdivision or postal code that does not fit the location’s country (domain.md §14)', async () => {
      const customer = await aCustomer();
      const payload = await setup(customer.id, {
        locations: [
          anAmsterdamLocation({ name: 'Damrak', timeZone: 'America/Los_Angeles' }),
          aNewYorkLocation({ name: 'Albany', address: { line1: '1 State St', city: 'Albany', stateOrProvince: 'Nueva York', postalCode: '12207', countryCode: 'US' } }),
          anAmsterdamLocation({ name: 'Zuidas', address: { line1: 'Gustav Mahlerlaan 1', city: 'Amsterdam', postalCode: '1082', countryCode: 'NL' } }),
          aNewYorkLocation({ name: 'Brooklyn', address: { line1: '1 Main St', city: 'Brooklyn', stateOrProvince: 'New York', postalCode: '11201', countryCode: 'US' } }),
        ],
      });
      expect(codes(payload)).toEqual([
        'INVALID:input.locations.0.timeZone',
        'INVALID:input.locations.1.address.stateOrProvince',
        'INVALID:input.locations.2.address.postalCode',
      ]);
      expect(payload.userErrors[0].message).toMatch(/America\/Los_Angeles is not a time zone of NL.*Europe\/Amsterdam/);
    });

    it('defaults a location’s language to the customer’s and keeps an explicit one (nl-BE stored as nl_BE)', async () => {
      const frenchTemplate = (await partner.client.createTemplate(aTemplateInput(partner, { defaultEmailLanguage: 'fr_FR' }))).id;
      const customer = await partner.client.createCustomer(aCustomerInput(frenchTemplate));
      const result = await partner.client.setupCustomer({
        customerId: customer.id, locations: [aLocationIn('FR', { name: 'Paris' }), aLocationIn('BE', { name: 'Gent', language: 'nl-BE' })],
      });
      expect(result.locations.map((l) => [l.name, l.language, l.isHeadquarters])).toEqual([['Paris', 'fr_FR', false], ['Gent', 'nl_BE', false]]);
    });
  });

  describe('limits', () => {
    it('refuses 10,001 users and 1,001 locations with LIMIT_EXCEEDED', async () => {
      const customer = await aCustomer();
      const user = { firstName: 'A', lastName: 'B', email: 'a@b.example', package: 'WEBEX_MEETINGS' as Package };
      const users = await setupUsers(customer.id, Array.from({ length: 10_001 }, () => user));
      expect(codes(users)).toEqual(['LIMIT_EXCEEDED:input.users']);
      const location = aLocationIn('ZA');
      const locations = await setup(customer.id, { locations: Array.from({ length: 1_001 }, () => location) });
      expect(codes(locations)).toEqual(['LIMIT_EXCEEDED:input.locations']);
      expect(await userCount(customer.id)).toBe(1);
    });

    it('accepts 1,000 locations in one call (dry run)', async () => {
      const customer = await aCustomer();
      const locations: LocationInput[] = Array.from({ length: 1_000 }, (_, i) => ({
        name: `Site ${i}`, address: { line1: 'Main Road 1', city: 'Cape Town', countryCode: 'ZA' }, timeZone: 'Africa/Johannesburg',
      }));
      const payload = await setup(customer.id, { locations, dryRun: true });
      expectNoUserErrors(payload);
      expect(payload.locations).toHaveLength(1_000);
      expect((await partner.client.customerLocations(customer.id))!.totalCount).toBe(1);
    });

    it(`accepts ${VOLUME_USERS} users in one call`, async () => {
      const customer = await aCustomer();
      const tag = unique('v');
      const users: CustomerUserInput[] = Array.from({ length: VOLUME_USERS }, (_, i) => ({
        firstName: 'V', lastName: String(i), email: `${tag}.${i}@v.example`, package: 'WEBEX_MEETINGS',
      }));
      const started = Date.now();
      const response = await server.post({
        query: 'mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { customer { status } userErrors { code field } } }',
        variables: { input: { customerId: customer.id, users } },
      }, { token: partner.token });
      const ms = Date.now() - started;
      console.log(`setupCustomer with ${VOLUME_USERS} users: ${ms} ms`);
      expect(response.body.data.setupCustomer).toEqual({ customer: { status: 'ACTIVE' }, userErrors: [] });
      expect(await userCount(customer.id)).toBe(VOLUME_USERS + 1);
    }, 120_000);
  });

  it('reports one error per bad row (~40) with each row’s path, and writes nothing', async () => {
    const customer = await aCustomer('WEBEX_CALLING');
    // one fresh row per kind of mistake, each with exactly one error
    const badRows: Array<() => [CustomerUserInput, string]> = [
      () => [aUser({ email: 'broken' }), 'INVALID:email'],
      () => [aUser({ phoneNumber: '12345' }), 'INVALID:phoneNumber'],
      () => [aUser({ extension: '1' }), 'INVALID:extension'],
      () => [aMeetingsUser(), 'NOT_ALLOWED:package'],
      () => [aUser({ locationName: 'Nowhere' }), 'NOT_FOUND:locationName'],
      () => [aUser({ phoneNumber: null }), 'REQUIRED:phoneNumber'],
      () => [aUser({ firstName: '' }), 'REQUIRED:firstName'],
      () => [aUser({ lastName: aString(65) }), 'TOO_LONG:lastName'],
    ];
    const users: CustomerUserInput[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      if (i % 5 === 4) {
        users.push(aUser());
        continue;
      }
      const [row, error] = badRows[i % badRows.length]();
      const [code, field] = error.split(':');
      users.push(row);
      expected.push(`${code}:input.users.${i}.${field}`);
    }
    const payload = await setupUsers(customer.id, users);
    expect(expected).toHaveLength(40);
    expect(codes(payload)).toEqual(expected);
    expect(payload.users).toEqual([]);
    expect(await userCount(customer.id)).toBe(1);
    expect((await partner.client.customer(customer.id))!.status).toBe('PENDING_SETUP');
  });

  it('a bad location fails the whole request: no user, no location is written', async () => {
    const customer = await aCustomer();
    const payload = await setup(customer.id, { locations: [aNewYorkLocation({ name: 'Good' }), aLocationIn('XX')], users: [aUser(), aUser()] });
    expect(codes(payload)).toEqual(['INVALID:input.locations.1.address.countryCode']);
    expect(await userCount(customer.id)).toBe(1);
    expect((await partner.client.customerLocations(customer.id))!.totalCount).toBe(1);
  });

  describe('status and repeated calls', () => {
    it('moves PENDING_SETUP → ACTIVE on the first real call, not on a dry run; a second call adds more', async () => {
      const customer = await aCustomer();
      expect(customer.status).toBe('PENDING_SETUP');

      const dry = await setup(customer.id, { locations: [aNewYorkLocation({ name: 'NY' })], users: [aUser(), aUser({ locationName: 'ny', phoneNumber: aNewYorkNumber() })], dryRun: true });
      expectNoUserErrors(dry);
      expect(dry.users).toHaveLength(2);
      expect(dry.users[1].location.name).toBe('NY');
      expect(dry.locations.map((l) => l.name)).toEqual(['NY']);
      expect((await partner.client.customer(customer.id))!.status).toBe('PENDING_SETUP');
      expect(await userCount(customer.id)).toBe(1);
      expect((await partner.client.customerLocations(customer.id))!.totalCount).toBe(1);

      const first = await partner.client.setupCustomer({ customerId: customer.id, locations: [aNewYorkLocation({ name: 'NY' })], users: [aUser()] });
      expect(first.customer.status).toBe('ACTIVE');
      expect((await partner.client.customer(customer.id))!.status).toBe('ACTIVE');

      const second = await partner.client.setupCustomer({
        customerId: customer.id,
        locations: [aLocationIn('GB', { name: 'London', timeZone: 'Europe/London' })],
        users: [aUser({ locationName: 'NY', phoneNumber: aNewYorkNumber() }), aUser()],
      });
      expect(second.customer.status).toBe('ACTIVE');
      expect(second.locations.map((l) => l.name)).toEqual(['London']);
      expect(await userCount(customer.id)).toBe(4);
      expect((await partner.client.customerLocations(customer.id))!.totalCount).toBe(3);
    });

    it('a dry run’s customer shows the would-be users and locations, like the real call’s', async () => {
      const customer = await aCustomer();
      const query = `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) {
        customer { status locations { totalCount } users(first: 100) { totalCount edges { node { email location { name } } } } }
        userErrors { code field } } }`;
      const input = { customerId: customer.id, locations: [aNewYorkLocation({ name: 'NY' })], users: [aUser({ email: `${unique('preview')}@devries.example` }), aUser({ locationName: 'NY', phoneNumber: aNewYorkNumber() })] };
      const dry = (await server.post({ query, variables: { input: { ...input, dryRun: true } } }, { token: partner.token })).body.data.setupCustomer;
      const real = (await server.post({ query, variables: { input } }, { token: partner.token })).body.data.setupCustomer;
      expect(dry.userErrors).toEqual([]);
      expect(dry.customer.locations.totalCount).toBe(2);
      expect(dry.customer.users.totalCount).toBe(3);
      expect(dry).toEqual(real);
    });

    it('an empty call is a valid first call and activates the customer', async () => {
      const customer = await aCustomer();
      const result = await partner.client.setupCustomer({ customerId: customer.id });
      expect(result).toMatchObject({ customer: { status: 'ACTIVE' }, locations: [], users: [] });
    });

    it('a dry run with errors answers the same errors as the real call', async () => {
      const customer = await aCustomer();
      const input = { customerId: customer.id, users: [aUser({ phoneNumber: 'x' }), aUser({ locationName: 'Mars' })] };
      const dry = await partner.client.payloads.setupCustomer({ ...input, dryRun: true });
      const real = await partner.client.payloads.setupCustomer(input);
      expect(dry.userErrors).toEqual(real.userErrors);
      expect(dry.userErrors).toHaveLength(2);
    });
  });
});
