import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Package } from '../../server/src/catalog/packages';
import { CustomerAdminRole, CustomerStatus } from '../../server/src/customers/customer.enums';
import { customerUserOf, type CustomerUser } from '../../server/src/customers/customer-user.entity';
import { Customer } from '../../server/src/customers/customer.entity';
import { Location } from '../../server/src/customers/location.entity';
import type { LocationInput } from '../../server/src/customers/location.inputs';
import { UserErrors } from '../../server/src/errors/user-error';
import { STOP } from '../../server/src/mutations/define-mutation';
import { planSetup, type SetupPlan, type SetupSnapshot } from '../../server/src/setup/setup.plan';
import type { CustomerUserInput } from '../../server/src/setup/setup-customer.inputs';
import { normalizeUserRow } from '../../server/src/setup/setup.rules';

/** planSetup is every rule of setupCustomer over a snapshot: no server, no database. */
const now = new Date('2026-01-01T00:00:00Z');

function aCustomer(): Customer {
  return Object.assign(new Customer(), {
    id: 'c1', partnerId: 'p1', templateId: 't1', companyName: 'Bakkerij', adminEmail: 'boss@bakkerij.example',
    package: Package.WEBEX_CALLING, addOns: [], externalId: null, status: CustomerStatus.PENDING_SETUP, dataRegion: 'EU',
    language: 'nl_NL', templateSettings: {} as never, inputFingerprint: 'fingerprint', createdAt: now, updatedAt: now,
  } as Customer);
}

function aLocation(name: string, isHeadquarters: boolean, countryCode = 'NL'): Location {
  return Object.assign(new Location(), {
    id: `loc-${name}`, customerId: 'c1', name, line1: 'Damrak 1', line2: null, city: 'Amsterdam', stateOrProvince: null,
    postalCode: '1012 LG', countryCode, timeZone: 'Europe/Amsterdam', language: 'nl_NL', emergencyLocationIdentifier: null,
    isHeadquarters, createdAt: now,
  } satisfies Location);
}

function theAdmin(): CustomerUser {
  return customerUserOf({
    id: 'admin', customerId: 'c1', locationId: 'loc-HQ', firstName: 'boss', lastName: 'Bakkerij', email: 'boss@bakkerij.example',
    package: Package.WEBEX_CALLING, phoneNumber: null, extension: null, roles: [CustomerAdminRole.FULL_ADMIN], createdAt: now, updatedAt: now,
  });
}

function snapshot(overrides: Partial<SetupSnapshot> = {}): SetupSnapshot {
  return {
    customer: aCustomer(), existingLocations: [aLocation('HQ', true)], admin: theAdmin(),
    takenEmails: new Set(), phoneHolders: new Map(), extensionHolders: new Map(), ...overrides,
  };
}

let n = 0;
function aUser(overrides: Partial<CustomerUserInput> = {}): CustomerUserInput {
  n += 1;
  return { firstName: 'Eva', lastName: `Jansen ${n}`, email: `eva${n}@bakkerij.example`, package: Package.WEBEX_CALLING, phoneNumber: `+31 20 794 80${String(n).padStart(2, '0')}`, ...overrides } as CustomerUserInput;
}

function plan(users: CustomerUserInput[], snap: SetupSnapshot = snapshot(), locations: LocationInput[] = []) {
  const errors = UserErrors.root('input');
  const rows = users.map((u, i) => normalizeUserRow(u, i, errors.at('users', i)));
  const result = planSetup({ customerId: 'c1', rows, userInputs: users, locationInputs: locations }, snap, errors, now);
  return { result, errors: errors.list.map((e) => `${e.code}@${e.field.join('.')}`) };
}

describe('planSetup', () => {
  it('plans new users at the headquarters, each with a welcome-email row to come, and the administrator’s row as an update', () => {
    const { result, errors } = plan([aUser(), aUser({ email: 'BOSS@bakkerij.example', firstName: 'Anna' })]);
    expect(errors).toEqual([]);
    const p = result as SetupPlan;
    expect(p.created.map((u) => u.locationId)).toEqual(['loc-HQ']);
    expect(p.adminUpdate).toMatchObject({ id: 'admin', firstName: 'Anna', roles: [CustomerAdminRole.FULL_ADMIN] });
    expect(p.users.map((u) => u.id)).toEqual([p.created[0].id, 'admin']);
  });

  it('finds every row’s errors at once: repeated and taken emails, numbers and extensions', () => {
    const taken = aUser();
    const holder = aUser({ extension: '201' });
    const snap = snapshot({
      takenEmails: new Set([taken.email]),
      phoneHolders: new Map([[holder.phoneNumber!.replace(/\s/g, ''), 'someone']]),
      extensionHolders: new Map([['201', 'someone']]),
    });
    const first = aUser({ extension: '300' });
    const { result, errors } = plan([
      taken,
      holder,
      first,
      { ...aUser(), email: first.email, phoneNumber: first.phoneNumber, extension: '300' },
    ], snap);
    expect(result).toBe(STOP);
    expect(errors.sort()).toEqual([
      'TAKEN@input.users.0.email', 'TAKEN@input.users.1.extension', 'TAKEN@input.users.1.phoneNumber',
      'TAKEN@input.users.3.email', 'TAKEN@input.users.3.extension', 'TAKEN@input.users.3.phoneNumber',
    ]);
  });

  it('checks a number against the country of the user’s location, which may be added by the same request', () => {
    const brussels: LocationInput = { name: 'Brussel', address: { line1: 'Grote Markt 1', city: 'Brussel', postalCode: '1000', countryCode: 'BE' }, timeZone: 'Europe/Brussels' } as LocationInput;
    const { result, errors } = plan([aUser({ locationName: ' brussel ' }), aUser({ locationName: 'Gent' })], snapshot(), [brussels]);
    expect(result).toBe(STOP);
    expect(errors).toEqual(['INVALID@input.users.0.phoneNumber', 'NOT_FOUND@input.users.1.locationName']);
  });

  it('refuses a location name the customer already has, whatever its case', () => {
    const again: LocationInput = { name: 'hq', address: { line1: 'Damrak 2', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' }, timeZone: 'Europe/Amsterdam' } as LocationInput;
    expect(plan([], snapshot(), [again]).errors).toEqual(['TAKEN@input.locations.0.name']);
  });

  it('without a customer still reports every rule that does not need one', () => {
    const { result, errors } = plan([aUser({ email: 'not-an-email' }), aUser({ package: Package.WEBEX_MEETINGS })], snapshot({ customer: null, existingLocations: [], admin: null }));
    expect(result).toBe(STOP);
    expect(errors.sort()).toEqual(['INVALID@input.users.0.email', 'NOT_ALLOWED@input.users.1.phoneNumber', 'NOT_FOUND@input.customerId']);
  });

  it('applies the package rules: a regular user holds the organization’s package or one it includes; the administrator exactly it', () => {
    const { errors } = plan([
      aUser({ package: Package.WEBEX_SUITE }),
      aUser({ package: Package.WEBEX_VOICE }),
      aUser({ email: 'boss@bakkerij.example', package: Package.WEBEX_VOICE }),
    ]);
    expect(errors).toEqual(['NOT_ALLOWED@input.users.0.package', 'DOWNGRADE_NOT_ALLOWED@input.users.2.package']);
  });
});
