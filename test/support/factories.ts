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
