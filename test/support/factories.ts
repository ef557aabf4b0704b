import type {
  CreateCustomerInput, CreateTemplateInput, CustomerUserInput, LocationInput, Package,
} from '../../sdk/src/index';
import type { TestPartner } from './test-server';

let sequence = 0;
const run = Date.now().toString(36);

/** A value unique within this test process (emails, names, external ids). */
export function unique(prefix = 'x'): string {
  sequence += 1;
  return `${prefix}${run}${sequence}`;
}

export function aTemplateInput(partner: TestPartner, overrides: Partial<CreateTemplateInput> = {}): CreateTemplateInput {
  return {
    name: unique('Benelux SMB '),
    countryCode: 'NL',
    serviceProviderAdminId: partner.adminId,
    subscriptionId: partner.subscriptionIds[0],
    brandName: 'Acme Telecom',
    ...overrides,
  };
}

export function anAmsterdamLocation(overrides: Partial<LocationInput> = {}): LocationInput {
  return {
    name: 'Amsterdam HQ',
    address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' },
    timeZone: 'Europe/Amsterdam',
    ...overrides,
  };
}

export function aNewYorkLocation(overrides: Partial<LocationInput> = {}): LocationInput {
  return {
    name: unique('New York '),
    address: { line1: '350 5th Ave', city: 'New York', stateOrProvince: 'NY', postalCode: '10118', countryCode: 'US' },
    timeZone: 'America/New_York',
    ...overrides,
  };
}

export function aCustomerInput(templateId: string, overrides: Partial<CreateCustomerInput> = {}): CreateCustomerInput {
  return {
    templateId,
    companyName: 'Bakkerij de Vries',
    adminEmail: `${unique('admin')}@devries.example`,
    package: 'WEBEX_CALLING',
    headquarters: anAmsterdamLocation(),
    supportedLocationConfirmed: true,
    ...overrides,
  };
}

let phoneSequence = Math.floor(Math.random() * 4_000_000);

/** A valid, unused Amsterdam number (+31 20 …), in international form with spaces. */
export function anAmsterdamNumber(): string {
  phoneSequence += 1;
  const subscriber = String(2_000_000 + (phoneSequence % 7_000_000)).padStart(7, '0');
  return `+31 20 ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`;
}

export function aUser(overrides: Partial<CustomerUserInput> & { package?: Package } = {}): CustomerUserInput {
  const id = unique('user');
  return {
    firstName: 'Eva',
    lastName: `de Vries ${id}`,
    email: `${id}@devries.example`,
    package: 'WEBEX_CALLING',
    phoneNumber: anAmsterdamNumber(),
    ...overrides,
  };
}

/** A string of exactly `length` characters (for N passes / N+1 fails checks). */
export function aString(length: number, char = 'a'): string {
  return char.repeat(length);
}

/** A made-up but well-formed id (UUIDv7 shape) that names nothing. */
export const AN_UNKNOWN_ID = '0191f3a0-dead-7000-8000-00000000beef';

/**
 * A headquarters-capable location in any country: state and postal code are always given, so only
 * the rule under test can fail.
 */
export function aLocationIn(countryCode: string, overrides: Partial<LocationInput> = {}): LocationInput {
  return {
    name: unique(`Office ${countryCode} `),
    address: { line1: 'Main Street 1', city: 'Capital', stateOrProvince: 'Region', postalCode: '12345', countryCode },
    timeZone: 'UTC',
    ...overrides,
  };
}

let northAmericaSequence = Math.floor(Math.random() * 4_000_000);

/** A valid, unused New York number (+1 212 …), written with dots. */
export function aNewYorkNumber(): string {
  northAmericaSequence += 1;
  const subscriber = String(2_000_000 + (northAmericaSequence % 7_000_000)).padStart(7, '0');
  return `+1 212.${subscriber.slice(0, 3)}.${subscriber.slice(3)}`;
}

/** A valid Toronto number (+1 416 …): North American plan, but Canada's. */
export function aTorontoNumber(): string {
  northAmericaSequence += 1;
  const subscriber = String(2_000_000 + (northAmericaSequence % 7_000_000)).padStart(7, '0');
  return `+1 416 ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`;
}

/** A user on a package without calling: no number, no extension (the cheapest valid row). */
export function aMeetingsUser(overrides: Partial<CustomerUserInput> = {}): CustomerUserInput {
  return aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null, ...overrides });
}
