import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { UserErrorCode, UserErrors } from '../server/src/errors/user-error';

/**
 * hasAt answers from an index of path prefixes (a bulk import whose rows all fail used to scan
 * the whole list per row: quadratic). Its answers must stay those of the scan.
 */
describe('UserErrors.hasAt', () => {
  it('is true at the error’s path and every prefix of it, false elsewhere', () => {
    const errors = UserErrors.root('input');
    const row = errors.at('users', 1);
    expect(errors.hasAt('users')).toBe(false);
    row.add(UserErrorCode.TAKEN, 'taken', 'email');
    expect(row.hasAt('email')).toBe(true);
    expect(row.hasAt()).toBe(true);
    expect(errors.hasAt('users')).toBe(true);
    expect(errors.hasAt('users', 1, 'email')).toBe(true);
    expect(row.hasAt('phoneNumber')).toBe(false);
    expect(errors.at('users', 10).hasAt('email'), 'row 10 is not row 1').toBe(false);
    expect(errors.hasAt('users', 1, 'emai'), 'a segment matches whole, not as a prefix of its text').toBe(false);
    expect(errors.at('users').hasAt('1')).toBe(true);
  });

  it('sees errors added through any collector of the same list, and numbers and strings alike', () => {
    const errors = UserErrors.root('input');
    errors.at('locations', '3', 'address').add(UserErrorCode.INVALID, 'bad', 'postalCode');
    expect(errors.at('locations', 3).hasAt('address', 'postalCode')).toBe(true);
    expect(errors.at('locations', 3).at('address').hasAt('postalCode')).toBe(true);
    expect(errors.list.map((e) => e.field.join('.'))).toEqual(['input.locations.3.address.postalCode']);
  });

  it('with no path, tells whether the list holds any error (as the scan did)', () => {
    const root = UserErrors.root();
    expect(root.hasAt()).toBe(false);
    root.add(UserErrorCode.REQUIRED, 'x', 'a');
    expect(root.hasAt()).toBe(true);
  });
});
