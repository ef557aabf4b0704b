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
 * A real state or province, postal code and time zone for the countries the tests use: addresses
 * are checked against the country's subdivisions, postal code format and zones (domain.md §14).
 */
const ADDRESS_SAMPLES: Record<string, { stateOrProvince: string; postalCode: string; timeZone: string }> = {
  US: { stateOrProvince: 'TX', postalCode: '78701', timeZone: 'America/Chicago' },
  CA: { stateOrProvince: 'ON', postalCode: 'M5E 1W7', timeZone: 'America/Toronto' },
  AU: { stateOrProvince: 'NSW', postalCode: '2000', timeZone: 'Australia/Sydney' },
  IN: { stateOrProvince: 'Maharashtra', postalCode: '400001', timeZone: 'Asia/Kolkata' },
  BR: { stateOrProvince: 'SP', postalCode: '01310-100', timeZone: 'America/Sao_Paulo' },
  MX: { stateOrProvince: 'CMX', postalCode: '06600', timeZone: 'America/Mexico_City' },
  CN: { stateOrProvince: 'Beijing', postalCode: '100000', timeZone: 'Asia/Shanghai' },
  JP: { stateOrProvince: '13', postalCode: '100-0001', timeZone: 'Asia/Tokyo' },
  PR: { stateOrProvince: 'San Juan', postalCode: '00901', timeZone: 'America/Puerto_Rico' },
  GB: { stateOrProvince: 'England', postalCode: 'SW1A 1AA', timeZone: 'Europe/London' },
  JE: { stateOrProvince: 'St Helier', postalCode: 'JE2 3AB', timeZone: 'Europe/Jersey' },
  IM: { stateOrProvince: 'Douglas', postalCode: 'IM1 1AA', timeZone: 'Europe/Isle_of_Man' },
  DE: { stateOrProvince: 'Berlin', postalCode: '10115', timeZone: 'Europe/Berlin' },
  NO: { stateOrProvince: 'Oslo', postalCode: '0150', timeZone: 'Europe/Oslo' },
  CH: { stateOrProvince: 'Zürich', postalCode: '8001', timeZone: 'Europe/Zurich' },
  RE: { stateOrProvince: 'Saint-Denis', postalCode: '97400', timeZone: 'Indian/Reunion' },
  GF: { stateOrProvince: 'Cayenne', postalCode: '97300', timeZone: 'America/Cayenne' },
  NZ: { stateOrProvince: 'Wellington', postalCode: '6011', timeZone: 'Pacific/Auckland' },
  SA: { stateOrProvince: 'Riyadh', postalCode: '11564', timeZone: 'Asia/Riyadh' },
  AE: { stateOrProvince: 'Dubai', postalCode: '00000', timeZone: 'Asia/Dubai' },
  SG: { stateOrProvince: 'Singapore', postalCode: '018956', timeZone: 'Asia/Singapore' },
  KR: { stateOrProvince: 'Seoul', postalCode: '03187', timeZone: 'Asia/Seoul' },
  ZA: { stateOrProvince: 'Western Cape', postalCode: '8001', timeZone: 'Africa/Johannesburg' },
  AR: { stateOrProvince: 'Buenos Aires', postalCode: 'C1002', timeZone: 'America/Argentina/Buenos_Aires' },
  FR: { stateOrProvince: 'Île-de-France', postalCode: '75001', timeZone: 'Europe/Paris' },
  BE: { stateOrProvince: 'Oost-Vlaanderen', postalCode: '9000', timeZone: 'Europe/Brussels' },
  NL: { stateOrProvince: 'Noord-Holland', postalCode: '1012 LG', timeZone: 'Europe/Amsterdam' },
  IE: { stateOrProvince: 'Dublin', postalCode: 'D02 X285', timeZone: 'Europe/Dublin' },
  PL: { stateOrProvince: 'Mazowieckie', postalCode: '00-001', timeZone: 'Europe/Warsaw' },
  SE: { stateOrProvince: 'Stockholm', postalCode: '111 20', timeZone: 'Europe/Stockholm' },
};

/**
 * A headquarters-capable location in any country: state and postal code are always given, and are
 * real for the countries of ADDRESS_SAMPLES, so only the rule under test can fail.
 */
export function aLocationIn(countryCode: string, overrides: Partial<LocationInput> = {}): LocationInput {
  const sample = ADDRESS_SAMPLES[countryCode] ?? { stateOrProvince: 'Region', postalCode: '12345', timeZone: 'UTC' };
  return {
    name: unique(`Office ${countryCode} `),
    address: { line1: 'Main Street 1', city: 'Capital', stateOrProvince: sample.stateOrProvince, postalCode: sample.postalCode, countryCode },
    timeZone: sample.timeZone,
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
