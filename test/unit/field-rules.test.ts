import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { AddOn, addOnAllowed, isBelow, Package, userPackageAllowed } from '../../server/src/catalog/packages';
import type { LocationInput } from '../../server/src/customers/location.inputs';
import { normalizeLocation } from '../../server/src/customers/location.rules';
import { UserErrors } from '../../server/src/errors/user-error';
import { parseInternationalNumber, phoneMatchesCountry } from '../../server/src/rules/phone-number';
import { checkUserPackage } from '../../server/src/catalog/package.rules';
import { checkNumbersForPackage, normalizeUserRow } from '../../server/src/setup/setup.rules';

const codes = (errors: UserErrors) => errors.list.map((e) => `${e.code}@${e.field.join('.')}`);

describe('package rules (domain.md §6)', () => {
  it('lets a user hold the organization’s package or one it includes, and nothing above or beside it', () => {
    expect(userPackageAllowed(Package.WEBEX_SUITE, Package.WEBEX_VOICE)).toBe(true);
    expect(userPackageAllowed(Package.WEBEX_CALLING, Package.WEBEX_CALLING)).toBe(true);
    expect(userPackageAllowed(Package.WEBEX_CALLING, Package.WEBEX_SUITE)).toBe(false);
    expect(userPackageAllowed(Package.WEBEX_CALLING, Package.WEBEX_MEETINGS)).toBe(false);
    expect(isBelow(Package.WEBEX_VOICE, Package.WEBEX_CALLING)).toBe(true);
    expect(isBelow(Package.WEBEX_MEETINGS, Package.WEBEX_CALLING)).toBe(false);
  });

  it('gives an administrator exactly the organization’s package: below is a downgrade, beside is not allowed', () => {
    const errors = UserErrors.root('input');
    checkUserPackage(Package.WEBEX_CALLING, Package.WEBEX_CALLING, true, errors.at('a'));
    checkUserPackage(Package.WEBEX_CALLING, Package.WEBEX_VOICE, true, errors.at('b'));
    checkUserPackage(Package.WEBEX_CALLING, Package.WEBEX_MEETINGS, true, errors.at('c'));
    checkUserPackage(Package.WEBEX_CALLING, Package.WEBEX_VOICE, false, errors.at('d'));
    expect(codes(errors)).toEqual(['DOWNGRADE_NOT_ALLOWED@input.b.package', 'NOT_ALLOWED@input.c.package']);
  });

  it('allows an add-on only with a package that is, or includes, one the add-on requires', () => {
    expect(addOnAllowed(Package.WEBEX_CALLING, AddOn.CISCO_CALLING_PLAN)).toBe(true);
    // WEBEX_CALLING_STANDARD is not listed for ATTENDANT_CONSOLE, but includes WEBEX_VOICE, which is.
    expect(addOnAllowed(Package.WEBEX_CALLING_STANDARD, AddOn.ATTENDANT_CONSOLE)).toBe(true);
    expect(addOnAllowed(Package.WEBEX_MEETINGS, AddOn.CISCO_CALLING_PLAN)).toBe(false);
    expect(addOnAllowed(Package.WEBEX_MEETINGS, AddOn.ATTENDANT_CONSOLE)).toBe(false);
  });

  it('needs a number or an extension for calling packages, and refuses both without calling', () => {
    const errors = UserErrors.root('input');
    const row = (i: number, pkg: Package, phoneNumber: string | null, extension: string | null) =>
      normalizeUserRow({ firstName: 'A', lastName: 'B', email: `a${i}@x.example`, package: pkg, phoneNumber, extension } as never, i, errors.at('users', i));
    checkNumbersForPackage(row(0, Package.WEBEX_CALLING, null, null), errors.at('users', 0));
    checkNumbersForPackage(row(1, Package.WEBEX_CALLING, null, '201'), errors.at('users', 1));
    checkNumbersForPackage(row(2, Package.WEBEX_MEETINGS, '+31 20 794 8000', '202'), errors.at('users', 2));
    // A blank number or extension (a form's or a CSV's empty field) is not given.
    checkNumbersForPackage(row(3, Package.WEBEX_MEETINGS, ' ', ''), errors.at('users', 3));
    expect(codes(errors)).toEqual(['REQUIRED@input.users.0.phoneNumber', 'NOT_ALLOWED@input.users.2.phoneNumber', 'NOT_ALLOWED@input.users.2.extension']);
  });
});

describe('phone numbers', () => {
  it('reads the international form with spaces, dashes, dots and brackets, and stores E.164', () => {
    const parsed = parseInternationalNumber(' +31 (20) 794-80.00 ');
    expect(parsed.ok && parsed.e164).toBe('+31207948000');
    expect(parseInternationalNumber('+31 20 12').ok).toBe(false);
    expect(parseInternationalNumber('hello').ok).toBe(false);
  });

  it('matches a number to its country’s numbering plan (a Canadian +1 number is not a US one)', () => {
    const toronto = parseInternationalNumber('+1 416 555 0199');
    const austin = parseInternationalNumber('+1 512 472 1003');
    if (!toronto.ok || !austin.ok) throw new Error('fixtures must parse');
    expect(phoneMatchesCountry(toronto.phone, 'CA')).toBe(true);
    expect(phoneMatchesCountry(toronto.phone, 'US')).toBe(false);
    expect(phoneMatchesCountry(austin.phone, 'US')).toBe(true);
  });
});

describe('normalizeLocation', () => {
  const amsterdam = (overrides: Partial<LocationInput['address']> = {}, rest: Partial<LocationInput> = {}): LocationInput => ({
    name: '  Amsterdam HQ ', address: { line1: ' Damrak 1 ', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'nl', ...overrides },
    timeZone: ' Europe/Amsterdam ', ...rest,
  } as LocationInput);

  it('trims every field, upper-cases the country and takes the default language', () => {
    const errors = UserErrors.root('input', 'headquarters');
    const draft = normalizeLocation(amsterdam(), 'nl_NL', errors);
    expect(errors.list).toEqual([]);
    expect(draft).toMatchObject({ name: 'Amsterdam HQ', line1: 'Damrak 1', countryCode: 'NL', timeZone: 'Europe/Amsterdam', language: 'nl_NL' });
  });

  it('reports a missing state where the country needs one, and a time zone that is not IANA, on their paths', () => {
    const errors = UserErrors.root('input', 'headquarters');
    normalizeLocation(amsterdam({ countryCode: 'US', postalCode: '10118' }, { timeZone: 'Mars/Olympus' }), 'en_US', errors);
    expect(codes(errors).sort()).toEqual(['INVALID@input.headquarters.timeZone', 'REQUIRED@input.headquarters.address.stateOrProvince']);
  });

  it('reports a blank name and line 1 as REQUIRED', () => {
    const errors = UserErrors.root('input');
    normalizeLocation(amsterdam({ line1: '  ' }, { name: ' ' }), 'en_US', errors);
    expect(codes(errors).sort()).toEqual(['REQUIRED@input.address.line1', 'REQUIRED@input.name']);
  });
});
