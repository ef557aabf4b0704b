import { beforeAll, describe, expect, it } from 'vitest';
import type { AddOn, CreateCustomerInput, Package } from '../sdk/src/index';
import { expectNoUserErrors, expectUserError, expectUserErrors } from './support/expect-user-error';
import {
  aCustomerInput, aLocationIn, anAmsterdamLocation, aNewYorkLocation, AN_UNKNOWN_ID, aString, aTemplateInput, aUser, unique,
} from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** The customer with its users and locations, as the wizard's review step shows it. */
const CREATE_WITH_USERS = `mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer {
      id companyName adminEmail package status dataRegion language template { id customerCount }
      headquarters { id name isHeadquarters language address { countryCode } }
      locations { totalCount edges { node { id name isHeadquarters } } }
      users(first: 10) { totalCount edges { node { id email package roles phoneNumber extension firstName lastName location { id name isHeadquarters } } } }
    }
    userErrors { code field message }
  }
}`;

describe('createCustomer rules (domain.md §4)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let templateId: string;
  let provisioningId: string;
  let otherTemplate: { id: string; provisioningId: string };

  const fixture = useTestServer({ partners: 2 });
  beforeAll(async () => {
    server = fixture.server;
    [partner, other] = fixture.partners;
    ({ id: templateId, provisioningId } = await partner.client.createTemplate(aTemplateInput(partner)));
    otherTemplate = await other.client.createTemplate(aTemplateInput(other));
  });

  const create = (overrides: Partial<CreateCustomerInput> = {}) =>
    partner.client.payloads.createCustomer(aCustomerInput(templateId, overrides));
  const countCustomers = async (who: TestPartner = partner) => (await who.client.customers()).totalCount;

  describe('templateId / provisioningId', () => {
    it('refuses both with INVALID and neither with REQUIRED, on ["input","templateId"]', async () => {
      expectUserError(await create({ provisioningId }), 'INVALID', 'input', 'templateId');
      expectUserError(await create({ templateId: null, provisioningId: null }), 'REQUIRED', 'input', 'templateId');
      expectUserError(await create({ templateId: undefined }), 'REQUIRED', 'input', 'templateId');
    });

    it('accepts either one alone', async () => {
      const byId = await create();
      expectNoUserErrors(byId);
      expect(byId.customer!.template.id).toBe(templateId);
      const byProvisioningId = await create({ templateId: undefined, provisioningId });
      expectNoUserErrors(byProvisioningId);
      expect(byProvisioningId.customer!.template.id).toBe(templateId);
      // Copied from a page or an email, an ID often carries spaces or a newline.
      const padded = await create({ templateId: undefined, provisioningId: `  ${provisioningId}\n` });
      expectNoUserErrors(padded);
      expect(padded.customer!.template.id).toBe(templateId);
    });

    it.each([
      ['another partner’s', () => otherTemplate.id],
      ['an unknown', () => AN_UNKNOWN_ID],
      ['a malformed', () => 'template-1'],
    ])('refuses %s templateId with NOT_FOUND on templateId', async (_label, id) => {
      expectUserError(await create({ templateId: id() }), 'NOT_FOUND', 'input', 'templateId');
    });

    it.each([
      ['another partner’s', () => otherTemplate.provisioningId],
      ['an unknown', () => 'AAAAAAAAAAAAAAAAAAAAAAAA'],
      ['an overlong', () => aString(300)],
      ['a blank', () => '   '],
    ])('refuses %s provisioningId with NOT_FOUND on provisioningId', async (_label, id) => {
      expectUserError(await create({ templateId: undefined, provisioningId: id() }), 'NOT_FOUND', 'input', 'provisioningId');
    });
  });

  describe('companyName', () => {
    it('is required, takes 256 characters, refuses 257 and %', async () => {
      expectUserError(await create({ companyName: '  ' }), 'REQUIRED', 'input', 'companyName');
      const ok = await create({ companyName: aString(256, 'c') });
      expectNoUserErrors(ok);
      expect(ok.customer!.companyName).toBe(aString(256, 'c'));
      expectUserError(await create({ companyName: aString(257, 'c') }), 'TOO_LONG', 'input', 'companyName');
      expectUserError(await create({ companyName: '100% Bakery' }), 'INVALID', 'input', 'companyName');
    });

    it('is stored trimmed', async () => {
      expect((await create({ companyName: '  Bakkerij Jansen  ' })).customer!.companyName).toBe('Bakkerij Jansen');
    });
  });

  describe('adminEmail', () => {
    it.each(['not-an-email', 'a@', '@devries.example', 'two words@devries.example', 'a@b@c.example'])('refuses %j with INVALID', async (adminEmail) => {
      expectUserError(await create({ adminEmail }), 'INVALID', 'input', 'adminEmail');
    });

    it('is required', async () => {
      expectUserError(await create({ adminEmail: '  ' }), 'REQUIRED', 'input', 'adminEmail');
    });

    it('is stored trimmed and lower-cased', async () => {
      const email = `${unique('Mixed')}@DeVries.Example`;
      const payload = await create({ adminEmail: `  ${email}  ` });
      expectNoUserErrors(payload);
      expect(payload.customer!.adminEmail).toBe(email.toLowerCase());
    });

    it('is TAKEN when another customer’s admin has it, in any casing', async () => {
      const email = `${unique('owner')}@devries.example`;
      expectNoUserErrors(await create({ adminEmail: email }));
      const before = await countCustomers();
      expectUserError(await create({ adminEmail: email.toUpperCase() }), 'TAKEN', 'input', 'adminEmail');
      // across partners too: admin emails are unique in the whole system
      const fromOther = await other.client.payloads.createCustomer(aCustomerInput(otherTemplate.id, { adminEmail: email }));
      expectUserError(fromOther, 'TAKEN', 'input', 'adminEmail');
      expect(await countCustomers()).toBe(before);
    });

    it('is TAKEN when a user created in setup of another partner’s customer has it', async () => {
      const otherCustomer = await other.client.createCustomer(aCustomerInput(otherTemplate.id));
      const user = aUser();
      await other.client.setupCustomer({ customerId: otherCustomer.id, users: [user] });
      expectUserError(await create({ adminEmail: user.email.toUpperCase() }), 'TAKEN', 'input', 'adminEmail');
    });
  });

  describe('package and addOns', () => {
    it('refuses COMMON_AREA_CALLING as the organization’s package with NOT_ALLOWED', async () => {
      expectUserError(await create({ package: 'COMMON_AREA_CALLING' }), 'NOT_ALLOWED', 'input', 'package');
    });

    it.each(['WEBEX_SUITE', 'WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE', 'WEBEX_MEETINGS', 'CX_ESSENTIALS'] as Package[])(
      'accepts %s as the organization’s package', async (pkg) => {
        const payload = await create({ package: pkg });
        expectNoUserErrors(payload);
        expect(payload.customer!.package).toBe(pkg);
      });

    // §6: an add-on's dependency is met when the org package or one it includes is in its list.
    const needs: Record<AddOn, Package[]> = {
      CISCO_CALLING_PLAN: ['WEBEX_CALLING', 'WEBEX_SUITE', 'WEBEX_VOICE', 'CX_ESSENTIALS', 'WEBEX_CALLING_STANDARD'],
      ATTENDANT_CONSOLE: ['WEBEX_CALLING', 'WEBEX_SUITE', 'CX_ESSENTIALS', 'WEBEX_VOICE'],
    };
    const includes: Record<string, Package[]> = {
      WEBEX_SUITE: ['WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE', 'WEBEX_MEETINGS'],
      WEBEX_CALLING: ['WEBEX_CALLING_STANDARD', 'WEBEX_VOICE'],
      WEBEX_CALLING_STANDARD: ['WEBEX_VOICE'],
      WEBEX_VOICE: [],
      WEBEX_MEETINGS: [],
      CX_ESSENTIALS: ['WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE'],
    };
    const cases = Object.keys(includes).flatMap((pkg) => (Object.keys(needs) as AddOn[]).map((addOn) => {
      const covered = [pkg, ...includes[pkg]] as Package[];
      return [pkg as Package, addOn, needs[addOn].some((p) => covered.includes(p))] as const;
    }));

    it.each(cases)('%s with %s: allowed = %s', async (pkg, addOn, allowed) => {
      const payload = await create({ package: pkg, addOns: [addOn] });
      if (allowed) {
        expectNoUserErrors(payload);
        expect(payload.customer!.addOns).toEqual([addOn]);
      } else {
        expectUserError(payload, 'NOT_ALLOWED', 'input', 'addOns');
      }
    });

    it('accepts both add-ons together and no add-ons at all', async () => {
      const both = await create({ package: 'WEBEX_SUITE', addOns: ['CISCO_CALLING_PLAN', 'ATTENDANT_CONSOLE'] });
      expectNoUserErrors(both);
      expect([...both.customer!.addOns].sort()).toEqual(['ATTENDANT_CONSOLE', 'CISCO_CALLING_PLAN']);
      expect((await create({ addOns: [] })).customer!.addOns).toEqual([]);
      expect((await create()).customer!.addOns).toEqual([]);
    });
  });

  describe('adminFirstName and adminLastName (domain.md §14)', () => {
    const adminNames = async (customerId: string) =>
      (await partner.client.customerUsers(customerId))!.edges.map((e) => [e.node.firstName, e.node.lastName]);

    it('name the full administrator when given, trimmed', async () => {
      const payload = await create({ adminFirstName: ' Eva ', adminLastName: ' de Vries ' });
      expectNoUserErrors(payload);
      expect(await adminNames(payload.customer!.id)).toEqual([['Eva', 'de Vries']]);
    });

    it('are derived as before when omitted (the email’s local part and the company name), each on its own', async () => {
      const adminEmail = `${unique('it')}@devries.example`;
      const derived = await create({ adminEmail, companyName: 'Bakkerij de Vries' });
      expect(await adminNames(derived.customer!.id)).toEqual([[adminEmail.split('@')[0], 'Bakkerij de Vries']]);
      const firstOnly = await create({ adminFirstName: 'Eva', adminLastName: null, companyName: 'Bakkerij de Vries' });
      expect(await adminNames(firstOnly.customer!.id)).toEqual([['Eva', 'Bakkerij de Vries']]);
    });

    it('take 64 characters; 65 are TOO_LONG and a blank value is REQUIRED, as for a user’s names', async () => {
      const ok = await create({ adminFirstName: aString(64, 'f'), adminLastName: aString(64, 'l') });
      expectNoUserErrors(ok);
      expect(await adminNames(ok.customer!.id)).toEqual([[aString(64, 'f'), aString(64, 'l')]]);
      const bad = await create({ adminFirstName: aString(65, 'f'), adminLastName: '  ' });
      expect(bad.userErrors.map((e) => `${e.code}:${e.field.join('.')}`)).toEqual(['TOO_LONG:input.adminFirstName', 'REQUIRED:input.adminLastName']);
      expect(bad.customer).toBeNull();
    });

    it('are part of an externalId replay: the same names replay, other names are TAKEN', async () => {
      const input = aCustomerInput(templateId, { externalId: unique('crm-'), adminFirstName: 'Eva', adminLastName: 'de Vries' });
      const first = await partner.client.payloads.createCustomer(input);
      expectNoUserErrors(first);
      const again = await partner.client.payloads.createCustomer(input);
      expectNoUserErrors(again);
      expect(again.customer!.id).toBe(first.customer!.id);
      // Other names are another input: the externalId is TAKEN, and so is the email the first call's admin holds (every error at once).
      expectUserErrors(await partner.client.payloads.createCustomer({ ...input, adminLastName: 'Jansen' }), [
        ['TAKEN', 'input', 'externalId'], ['TAKEN', 'input', 'adminEmail'],
      ]);
    });
  });

  describe('externalId', () => {
    it('replays an identical input (by provisioning ID instead of template id, email in another casing) without a second customer', async () => {
      const externalId = unique('crm-');
      const input = aCustomerInput(templateId, { externalId, adminEmail: `${unique('replay')}@devries.example` });
      const first = await partner.client.createCustomer(input);
      const before = await countCustomers();

      const again = await partner.client.payloads.createCustomer(input);
      expectNoUserErrors(again);
      expect(again.customer!.id).toBe(first.id);

      const variant = await partner.client.payloads.createCustomer({
        ...input, templateId: undefined, provisioningId, adminEmail: `  ${input.adminEmail.toUpperCase()} `,
        companyName: ` ${input.companyName} `, externalId: ` ${externalId} `,
      });
      expectNoUserErrors(variant);
      expect(variant.customer!.id).toBe(first.id);

      // defaults filled in: the explicit default data region and language are the same input
      const explicitDefaults = await partner.client.payloads.createCustomer({ ...input, dataRegion: 'EU', language: 'en_US' });
      expectNoUserErrors(explicitDefaults);
      expect(explicitDefaults.customer!.id).toBe(first.id);

      expect(await countCustomers()).toBe(before);
      expect((await partner.client.customers({ filter: { externalId } })).totalCount).toBe(1);
    });

    it('refuses the same externalId with a different input with TAKEN on externalId', async () => {
      const externalId = unique('crm-');
      const input = aCustomerInput(templateId, { externalId });
      await partner.client.createCustomer(input);
      const before = await countCustomers();
      // The first customer holds the admin email: with the same email, that is TAKEN too (every error at once).
      expectUserErrors(await partner.client.payloads.createCustomer({ ...input, companyName: 'Another Company' }), [
        ['TAKEN', 'input', 'externalId'], ['TAKEN', 'input', 'adminEmail'],
      ]);
      expectUserError(await partner.client.payloads.createCustomer({ ...input, adminEmail: `${unique('x')}@devries.example` }), 'TAKEN', 'input', 'externalId');
      expectUserErrors(await partner.client.payloads.createCustomer({ ...input, package: 'WEBEX_SUITE' }), [
        ['TAKEN', 'input', 'externalId'], ['TAKEN', 'input', 'adminEmail'],
      ]);
      expect(await countCustomers()).toBe(before);
    });

    it('is unique per partner: another partner may use the same externalId', async () => {
      const externalId = unique('crm-');
      expectNoUserErrors(await create({ externalId }));
      expectNoUserErrors(await other.client.payloads.createCustomer(aCustomerInput(otherTemplate.id, { externalId })));
    });
  });

  describe('headquarters', () => {
    const hq = (address: Partial<ReturnType<typeof anAmsterdamLocation>['address']>, rest: Partial<ReturnType<typeof anAmsterdamLocation>> = {}) =>
      create({ headquarters: anAmsterdamLocation({ ...rest, address: { ...anAmsterdamLocation().address, ...address } }) });

    it('takes address lines of 50 characters and refuses 51 with TOO_LONG', async () => {
      expectNoUserErrors(await hq({ line1: aString(50), line2: aString(50) }));
      expectUserError(await hq({ line1: aString(51) }), 'TOO_LONG', 'input', 'headquarters', 'address', 'line1');
      expectUserError(await hq({ line2: aString(51) }), 'TOO_LONG', 'input', 'headquarters', 'address', 'line2');
    });

    it('requires line1 and city', async () => {
      expectUserError(await hq({ line1: ' ' }), 'REQUIRED', 'input', 'headquarters', 'address', 'line1');
      expectUserError(await hq({ city: '' }), 'REQUIRED', 'input', 'headquarters', 'address', 'city');
    });

    it.each(['US', 'CA', 'AU', 'IN', 'BR', 'MX', 'CN', 'JP'])('requires stateOrProvince and postalCode in %s', async (countryCode) => {
      const location = aLocationIn(countryCode);
      const payload = await create({ headquarters: { ...location, address: { ...location.address, stateOrProvince: null, postalCode: ' ' } } });
      expectUserErrors(payload, [
        ['REQUIRED', 'input', 'headquarters', 'address', 'stateOrProvince'],
        ['REQUIRED', 'input', 'headquarters', 'address', 'postalCode'],
      ]);
    });

    it.each(['GB', 'DE', 'FR', 'IE', 'NL', 'PL', 'SE'])('requires a postal code but no state in %s', async (countryCode) => {
      const location = aLocationIn(countryCode);
      const payload = await create({ headquarters: { ...location, address: { ...location.address, stateOrProvince: null, postalCode: null } } });
      expect(payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`)).toEqual(['REQUIRED:input.headquarters.address.postalCode']);
    });

    it.each(['NO', 'CH', 'ZA', 'AE', 'SG'])('needs neither state nor postal code in %s', async (countryCode) => {
      const location = aLocationIn(countryCode);
      expectNoUserErrors(await create({ headquarters: { ...location, address: { ...location.address, stateOrProvince: null, postalCode: null } } }));
    });

    it.each(['XX', 'NLD', ''])('refuses country code %j with INVALID', async (countryCode) => {
      expectUserError(await hq({ countryCode }), 'INVALID', 'input', 'headquarters', 'address', 'countryCode');
    });

    it.each(['Mars/Olympus', '+01:00', 'UTC+1', 'Europe/Atlantis', ''])('refuses time zone %j with INVALID', async (timeZone) => {
      expectUserError(await hq({}, { timeZone }), 'INVALID', 'input', 'headquarters', 'timeZone');
    });

    it.each([['America/Argentina/Buenos_Aires', 'AR'], ['Asia/Kolkata', 'IN'], ['Asia/Calcutta', 'IN'], ['Europe/Amsterdam', 'NL']])(
      'accepts time zone %s in %s, as given', async (timeZone, countryCode) => {
        const payload = await create({ headquarters: aLocationIn(countryCode, { timeZone }) });
        expectNoUserErrors(payload);
        expect(payload.customer!.headquarters.timeZone).toBe(timeZone);
      });

    it.each([['America/Los_Angeles', 'NL'], ['UTC', 'NL'], ['Europe/Amsterdam', 'US'], ['Asia/Tokyo', 'IN']])(
      'refuses time zone %s, which %s does not use, with INVALID (domain.md §14)', async (timeZone, countryCode) => {
        const payload = await create({ headquarters: aLocationIn(countryCode, { timeZone }) });
        expect(payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`)).toEqual(['INVALID:input.headquarters.timeZone']);
        expect(payload.userErrors[0].message).toContain(`not a time zone of ${countryCode}`);
      });

    it.each([
      ['US', 'TX'], ['US', 'us-tx'], ['US', 'Texas'], ['US', ' new york '], ['BR', 'São Paulo'], ['BR', 'Sao Paulo'], ['MX', 'CMX'],
      ['JP', '13'], ['JP', 'JP-13'], ['AU', 'NSW'], ['CA', 'Québec'], ['IN', 'Maharashtra'],
    ])('accepts %s subdivision %j (ISO 3166-2 code or name) and stores it as given', async (countryCode, stateOrProvince) => {
      const location = aLocationIn(countryCode);
      const payload = await create({ headquarters: { ...location, address: { ...location.address, stateOrProvince } } });
      expectNoUserErrors(payload);
      expect(payload.customer!.headquarters.address.stateOrProvince).toBe(stateOrProvince.trim());
    });

    it.each([['US', 'Texass'], ['US', 'ON'], ['CA', 'TX'], ['AU', 'Region'], ['JP', 'Tokyo-to-be']])(
      'refuses %s subdivision %j with INVALID', async (countryCode, stateOrProvince) => {
        const location = aLocationIn(countryCode);
        const payload = await create({ headquarters: { ...location, address: { ...location.address, stateOrProvince } } });
        expect(payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`)).toEqual(['INVALID:input.headquarters.address.stateOrProvince']);
        expect(payload.userErrors[0].message).toContain(`not a state or province of ${countryCode}`);
      });

    it('does not check stateOrProvince where it is not required', async () => {
      expectNoUserErrors(await hq({ stateOrProvince: 'Randstad' }));
    });

    it.each([['NL', '1012'], ['NL', '12345'], ['US', '7870'], ['GB', '12345'], ['CA', '12345'], ['JP', '1000001x'], ['DE', '1011']])(
      'refuses %s postal code %j that does not fit the country’s format with INVALID', async (countryCode, postalCode) => {
        const location = aLocationIn(countryCode);
        const payload = await create({ headquarters: { ...location, address: { ...location.address, postalCode } } });
        expect(payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`)).toEqual(['INVALID:input.headquarters.address.postalCode']);
      });

    it.each([['NL', '1012LG'], ['US', '78701-1234'], ['GB', 'EC1A 1BB'], ['CA', 'K1A 0B1'], ['ZA', '2000']])(
      'accepts %s postal code %j', async (countryCode, postalCode) => {
        const location = aLocationIn(countryCode);
        expectNoUserErrors(await create({ headquarters: { ...location, address: { ...location.address, postalCode } } }));
      });

    it.each(['europe/amsterdam', 'EUROPE/AMSTERDAM', ' Europe/Amsterdam '])('stores time zone %j in its canonical spelling', async (timeZone) => {
      const payload = await hq({}, { timeZone });
      expectNoUserErrors(payload);
      expect(payload.customer!.headquarters.timeZone).toBe('Europe/Amsterdam');
    });

    it.each(['dutch', 'NL', 'xx_NL'])('refuses language %j with INVALID', async (language) => {
      expectUserError(await hq({}, { language }), 'INVALID', 'input', 'headquarters', 'language');
    });

    it('accepts nl-NL for the customer and its headquarters and stores nl_NL (domain.md §14)', async () => {
      const payload = await create({ language: 'nl-NL', headquarters: anAmsterdamLocation({ language: 'nl-nl' }) });
      expectNoUserErrors(payload);
      expect(payload.customer!.language).toBe('nl_NL');
      expect(payload.customer!.headquarters.language).toBe('nl_NL');
      const defaulted = await create({ language: 'fr-BE' });
      expect(defaulted.customer!.headquarters.language, 'the headquarters inherits the stored form').toBe('fr_BE');
    });

    it('says an unknown language is unknown, and suggests GB for UK', async () => {
      const unknown = await create({ language: 'zz_NL' });
      expectUserError(unknown, 'INVALID', 'input', 'language');
      expect(unknown.userErrors[0].message).toMatch(/"zz" .*not a known language/);
      const uk = await hq({ countryCode: 'UK' });
      expectUserError(uk, 'INVALID', 'input', 'headquarters', 'address', 'countryCode');
      expect(uk.userErrors.find((e) => e.field.at(-1) === 'countryCode')!.message).toMatch(/did you mean GB\?/);
    });

    it('refuses an empty or overlong name', async () => {
      expectUserError(await hq({}, { name: ' ' }), 'REQUIRED', 'input', 'headquarters', 'name');
      expectUserError(await hq({}, { name: aString(81) }), 'TOO_LONG', 'input', 'headquarters', 'name');
    });

    it('needs the supported-location confirmation (NOT_CONFIRMED)', async () => {
      expectUserError(await create({ supportedLocationConfirmed: false }), 'NOT_CONFIRMED', 'input', 'supportedLocationConfirmed');
    });
  });

  describe('dataRegion and language', () => {
    it.each([
      ['US', 'US'], ['PR', 'US'], ['CA', 'CA'], ['GB', 'UK'], ['JE', 'UK'], ['IM', 'UK'], ['DE', 'EU'], ['NO', 'EU'], ['CH', 'EU'],
      ['RE', 'EU'], ['GF', 'EU'], ['JP', 'JP'], ['AU', 'AU'], ['NZ', 'AU'], ['SA', 'SA'], ['AE', 'AE'], ['IN', 'SG'],
      ['SG', 'SG'], ['KR', 'SG'], ['BR', 'US'], ['ZA', 'US'], ['AR', 'US'],
    ])('a headquarters in %s defaults to data region %s', async (countryCode, region) => {
      const payload = await create({ headquarters: aLocationIn(countryCode) });
      expectNoUserErrors(payload);
      expect(payload.customer!.dataRegion).toBe(region);
    });

    it('takes an explicit dataRegion over the default', async () => {
      const payload = await create({ headquarters: aNewYorkLocation(), dataRegion: 'EU' });
      expect(payload.customer!.dataRegion).toBe('EU');
    });

    it('defaults the language to the template’s defaultEmailLanguage, for the customer and its headquarters', async () => {
      const french = await partner.client.createTemplate(aTemplateInput(partner, { defaultEmailLanguage: 'fr_BE' }));
      const payload = await partner.client.payloads.createCustomer(aCustomerInput(french.id));
      expectNoUserErrors(payload);
      expect(payload.customer!.language).toBe('fr_BE');
      expect(payload.customer!.headquarters.language).toBe('fr_BE');
      const explicit = await partner.client.createCustomer(aCustomerInput(french.id, { language: 'nl_BE' }));
      expect(explicit.language).toBe('nl_BE');
      expectUserError(await create({ language: 'Flemish' }), 'INVALID', 'input', 'language');
      // A form's empty field is "not given": the template's default, not INVALID.
      const blank = await partner.client.createCustomer(aCustomerInput(french.id, { language: ' ' }));
      expect(blank.language).toBe('fr_BE');
    });
  });

  it('creates the organization PENDING_SETUP with its headquarters and its full administrator as first user', async () => {
    const adminEmail = `${unique('first')}@devries.example`;
    const response = await server.post({ query: CREATE_WITH_USERS, variables: { input: aCustomerInput(templateId, { adminEmail, package: 'CX_ESSENTIALS' }) } }, { token: partner.token });
    const customer = response.body.data.createCustomer.customer;
    expect(customer).toMatchObject({ status: 'PENDING_SETUP', package: 'CX_ESSENTIALS', adminEmail });
    expect(customer.headquarters).toMatchObject({ name: 'Amsterdam HQ', isHeadquarters: true });
    expect(customer.locations.totalCount).toBe(1);
    expect(customer.users.totalCount).toBe(1);
    const admin = customer.users.edges[0].node;
    expect(admin).toMatchObject({
      email: adminEmail, package: 'CX_ESSENTIALS', roles: ['FULL_ADMIN'], phoneNumber: null, extension: null,
      location: { id: customer.headquarters.id, isHeadquarters: true },
    });
    const users = await partner.client.customerUsers(customer.id);
    expect(users!.edges.map((e) => e.node.id)).toEqual([admin.id]);
  });

  it('dryRun answers the same shape (headquarters, users, template customerCount) and writes nothing', async () => {
    const adminEmail = `${unique('dry')}@devries.example`;
    const input = aCustomerInput(templateId, { adminEmail, externalId: unique('dry-'), headquarters: aNewYorkLocation() });
    const before = await countCustomers();
    const dry = await server.post({ query: CREATE_WITH_USERS, variables: { input: { ...input, dryRun: true } } }, { token: partner.token });
    const preview = dry.body.data.createCustomer;
    expect(preview.userErrors).toEqual([]);
    expect(preview.customer).toMatchObject({ adminEmail, status: 'PENDING_SETUP', dataRegion: 'US', headquarters: { isHeadquarters: true, address: { countryCode: 'US' } } });
    expect(preview.customer.locations.totalCount).toBe(1);
    expect(preview.customer.users.totalCount).toBe(1);
    expect(preview.customer.users.edges[0].node).toMatchObject({ email: adminEmail, roles: ['FULL_ADMIN'], location: { id: preview.customer.headquarters.id } });

    expect(await countCustomers()).toBe(before);
    expect(await partner.client.customer(preview.customer.id)).toBeNull();
    // nothing was kept: the email, the externalId and the template's count are still free
    const real = await server.post({ query: CREATE_WITH_USERS, variables: { input } }, { token: partner.token });
    const created = real.body.data.createCustomer;
    expect(created.userErrors).toEqual([]);
    expect(created.customer.id).not.toBe(preview.customer.id);
    const { id: _a, headquarters: hqA, users: usersA, locations: locationsA, ...restA } = preview.customer;
    const { id: _b, headquarters: hqB, users: usersB, locations: locationsB, ...restB } = created.customer;
    expect(restA).toEqual(restB);
    expect({ ...hqA, id: null }).toEqual({ ...hqB, id: null });
    expect(usersA.totalCount).toBe(usersB.totalCount);
  });

  it('dryRun gives the same user errors as the real call', async () => {
    const input = aCustomerInput(templateId, { companyName: '', supportedLocationConfirmed: false });
    const dry = await partner.client.payloads.createCustomer({ ...input, dryRun: true });
    const real = await partner.client.payloads.createCustomer(input);
    expect(dry.userErrors).toEqual(real.userErrors);
    expect(dry.userErrors).toHaveLength(2);
  });

  it('reports every error of one bad input at once and writes nothing', async () => {
    const before = await countCustomers();
    const payload = await partner.client.payloads.createCustomer({
      templateId: AN_UNKNOWN_ID,
      companyName: '50% off',
      adminEmail: 'nope',
      package: 'COMMON_AREA_CALLING',
      headquarters: { name: '', address: { line1: aString(51), city: '', countryCode: 'US' }, timeZone: 'Mars/Olympus', language: 'x' },
      supportedLocationConfirmed: false,
    });
    expect(payload.customer).toBeNull();
    expect(payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`).sort()).toEqual([
      'INVALID:input.adminEmail',
      'INVALID:input.companyName',
      'INVALID:input.headquarters.language',
      'INVALID:input.headquarters.timeZone',
      'NOT_ALLOWED:input.package',
      'NOT_CONFIRMED:input.supportedLocationConfirmed',
      'NOT_FOUND:input.templateId',
      'REQUIRED:input.headquarters.address.city',
      'REQUIRED:input.headquarters.address.postalCode',
      'REQUIRED:input.headquarters.address.stateOrProvince',
      'REQUIRED:input.headquarters.name',
      'TOO_LONG:input.headquarters.address.line1',
    ]);
    expect(await countCustomers()).toBe(before);
  });
});

describe('customers list', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateA: string;
  let templateB: string;
  const ids: Record<string, string> = {};

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    const other = await server.newPartner();
    templateA = (await partner.client.createTemplate(aTemplateInput(partner))).id;
    templateB = (await partner.client.createTemplate(aTemplateInput(partner))).id;
    const otherTemplate = (await other.client.createTemplate(aTemplateInput(other))).id;
    const make = async (key: string, templateId: string, overrides: Partial<CreateCustomerInput>) => {
      ids[key] = (await partner.client.createCustomer(aCustomerInput(templateId, overrides))).id;
    };
    await make('bakery', templateA, { companyName: 'Bakkerij de Vries', adminEmail: 'eva@bakkerij.example', externalId: 'CRM-0001' });
    await make('dentist', templateA, { companyName: 'Tandarts Jansen', adminEmail: 'info@jansen-dental.example', externalId: 'crm-0002' });
    await make('garage', templateB, { companyName: 'Garage Pietersen', adminEmail: 'Boss@Pietersen.example' });
    await make('florist', templateB, { companyName: 'Bloemen Bakker', adminEmail: 'anna@bloemen.example', externalId: 'ERP-77' });
    await partner.client.setupCustomer({ customerId: ids.garage, users: [aUser()] });
    await other.client.createCustomer(aCustomerInput(otherTemplate, { companyName: 'Bakkerij Other Partner', externalId: 'CRM-0001' }));
  });

  const names = async (filter: Parameters<TestPartner['client']['customers']>[0]) =>
    (await partner.client.customers(filter)).edges.map((e) => e.node.companyName);

  it('lists only the caller’s customers, newest first', async () => {
    const page = await partner.client.customers();
    expect(page.totalCount).toBe(4);
    expect(page.edges.map((e) => e.node.id)).toEqual([ids.florist, ids.garage, ids.dentist, ids.bakery]);
  });

  it('searches company name, admin email and external id case-insensitively by substring', async () => {
    expect(await names({ filter: { search: 'BAKK' } })).toEqual(['Bloemen Bakker', 'Bakkerij de Vries']);
    expect(await names({ filter: { search: 'jansen-DENTAL' } })).toEqual(['Tandarts Jansen']);
    expect(await names({ filter: { search: 'boss@pietersen' } })).toEqual(['Garage Pietersen']);
    expect(await names({ filter: { search: 'crm-000' } })).toEqual(['Tandarts Jansen', 'Bakkerij de Vries']);
    expect(await names({ filter: { search: 'erp' } })).toEqual(['Bloemen Bakker']);
    expect(await names({ filter: { search: 'nothing like it' } })).toEqual([]);
    // LIKE wildcards in the search text match themselves
    expect(await names({ filter: { search: '_' } })).toEqual([]);
  });

  it('folds case beyond ASCII in customer and user searches (Ö = ö, Å = å)', async () => {
    const fresh = await server.newPartner();
    const template = (await fresh.client.createTemplate(aTemplateInput(fresh))).id;
    const customer = await fresh.client.createCustomer(aCustomerInput(template, { companyName: 'ÖZDEMIR BÄCKEREI', externalId: 'ÆBLE-1' }));
    await fresh.client.createCustomer(aCustomerInput(template, { companyName: 'Ozdemir Backerei' }));
    const found = async (search: string) => (await fresh.client.customers({ filter: { search } })).edges.map((e) => e.node.id);
    expect(await found('özdemir bäck')).toEqual([customer.id]);
    expect(await found('æble')).toEqual([customer.id]);
    await fresh.client.setupCustomer({ customerId: customer.id, users: [aUser({ firstName: 'Åsa', lastName: 'Ångström' }), aUser({ firstName: 'Asa', lastName: 'Angstrom' })] });
    const users = await fresh.client.customerUsers(customer.id, { filter: { search: 'ÅNGSTRÖM' } });
    expect(users!.edges.map((e) => e.node.lastName)).toEqual(['Ångström']);
    expect((await fresh.client.customerUsers(customer.id, { filter: { search: 'åsa' } }))!.totalCount).toBe(1);
  });

  it('filters on status, template and externalId, combined with search', async () => {
    expect(await names({ filter: { status: 'ACTIVE' } })).toEqual(['Garage Pietersen']);
    expect(await names({ filter: { status: 'PENDING_SETUP' } })).toEqual(['Bloemen Bakker', 'Tandarts Jansen', 'Bakkerij de Vries']);
    expect(await names({ filter: { templateId: templateB } })).toEqual(['Bloemen Bakker', 'Garage Pietersen']);
    expect(await names({ filter: { templateId: 'not-an-id' } })).toEqual([]);
    expect(await names({ filter: { externalId: 'ERP-77' } })).toEqual(['Bloemen Bakker']);
    expect(await names({ filter: { templateId: templateA, search: 'jansen' } })).toEqual(['Tandarts Jansen']);
    expect((await partner.client.customers({ filter: { templateId: templateB, status: 'ACTIVE' } })).totalCount).toBe(1);
  });

  it('pages with first/after, totalCount following the filter', async () => {
    const first = await partner.client.customers({ first: 3 });
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await partner.client.customers({ first: 3, after: first.pageInfo.endCursor! });
    expect(second.edges.map((e) => e.node.id)).toEqual([ids.bakery]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const filtered = await partner.client.customers({ first: 1, filter: { search: 'bakk' } });
    expect(filtered.totalCount).toBe(2);
    expect(filtered.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses first outside 1–100 on a customer’s users and locations too', async () => {
    for (const field of ['users(first: 0)', 'users(first: 101)', 'locations(first: 0)']) {
      const response = await server.post({ query: `query($id: ID!) { customer(id: $id) { ${field} { totalCount } } }`, variables: { id: ids.bakery } }, { token: partner.token });
      expect(response.status, field).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('answers values outside the contract’s types with 400 BAD_USER_INPUT, never a 5xx', async () => {
    const mutation = 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }';
    for (const input of [
      { ...aCustomerInput(templateA), package: 'WEBEX_GOLD' },
      { ...aCustomerInput(templateA), supportedLocationConfirmed: null },
      { ...aCustomerInput(templateA), addOns: ['FREE_LUNCH'] },
      { ...aCustomerInput(templateA), companyName: 5 },
    ]) {
      const response = await server.post({ query: mutation, variables: { input } }, { token: partner.token });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect((await partner.client.customers()).totalCount).toBe(4);
  });

  it('refuses first outside 1–100 with BAD_USER_INPUT (400)', async () => {
    for (const first of [0, 101]) {
      const response = await server.post({ query: 'query($first: Int) { customers(first: $first) { totalCount } }', variables: { first } }, { token: partner.token });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });
});
