import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Package } from '../../server/src/catalog/packages';
import { CustomerAdminRole } from '../../server/src/customers/customer.enums';
import { Customer } from '../../server/src/customers/customer.entity';
import { CustomerUser, customerUserOf } from '../../server/src/customers/customer-user.entity';
import { Location } from '../../server/src/customers/location.entity';
import { UserErrors } from '../../server/src/errors/user-error';
import { STOP } from '../../server/src/mutations/define-mutation';
import { updateRaceAsUserErrors } from '../../server/src/users/user-lifecycle.service';
import { normalizeUpdateRow, planUserUpdate, type UserUpdatePlan, type UserUpdateSnapshot } from '../../server/src/users/user-update.plan';
import type { CustomerUserUpdateInput } from '../../server/src/users/user-lifecycle.inputs';

const now = new Date('2026-01-01T00:00:00Z');
const customer = Object.assign(new Customer(), { id: 'c1', adminEmail: 'admin@x.example', package: Package.WEBEX_CALLING });
const hq = Object.assign(new Location(), { id: 'l1', name: 'HQ', countryCode: 'NL' });

function user(id: string, fields: Partial<CustomerUser> = {}): CustomerUser {
  return customerUserOf({
    id, customerId: 'c1', locationId: 'l1', firstName: id, lastName: 'X', email: `${id}@x.example`, package: Package.WEBEX_CALLING,
    phoneNumber: null, extension: null, roles: [] as CustomerAdminRole[], createdAt: now, updatedAt: now, ...fields,
  });
}

function plan(users: CustomerUser[], inputs: CustomerUserUpdateInput[]) {
  const errors = UserErrors.root('input');
  const rows = inputs.map((u, i) => normalizeUpdateRow(u, i, errors.at('users', i)));
  const holders = (field: 'email' | 'phoneNumber' | 'extension') => new Map(users.filter((u) => u[field] !== null).map((u) => [u[field]!, u.id]));
  const snapshot: UserUpdateSnapshot = {
    customer, users: new Map(users.map((u) => [u.id, u])), locations: [hq],
    emailHolders: holders('email'), phoneHolders: holders('phoneNumber'), extensionHolders: holders('extension'),
  };
  const result = planUserUpdate(rows, snapshot, errors, now);
  return { result, codes: errors.list.map((e) => `${e.code}@${e.field.join('.')}`), rows };
}

describe('planUserUpdate (domain.md §12)', () => {
  it('vacates only the values another row takes: a rotation of three extensions, a plain change left alone', () => {
    const users = [user('a', { extension: '11' }), user('b', { extension: '12' }), user('c', { extension: '13' }), user('d', { extension: '14' })];
    const { result, codes } = plan(users, [{ id: 'a', extension: '12' }, { id: 'b', extension: '13' }, { id: 'c', extension: '11' }, { id: 'd', extension: '99' }]);
    expect(codes).toEqual([]);
    const p = result as UserUpdatePlan;
    expect(p.vacate).toEqual({ email: [], phoneNumber: [], extension: ['a', 'b', 'c'] });
    expect(p.changes.map((c) => [c.after.id, c.after.extension])).toEqual([['a', '12'], ['b', '13'], ['c', '11'], ['d', '99']]);
    expect(p.changes.every((c) => c.after.updatedAt === now)).toBe(true);
  });

  it('a value freed by one row and taken by a later one is fine; one kept by its holder is TAKEN', () => {
    const users = [user('a', { extension: '11' }), user('b', { extension: '12' })];
    expect(plan(users, [{ id: 'a', extension: null, phoneNumber: '+31 20 794 8000' }, { id: 'b', extension: '11' }]).codes).toEqual([]);
    expect(plan(users, [{ id: 'b', extension: '11' }, { id: 'a', firstName: 'A' }]).codes).toEqual(['TAKEN@input.users.0.extension']);
  });

  it('leaves unchanged users out of the write and the audit, and finds the full administrator’s new email', () => {
    const users = [user('admin', { email: 'admin@x.example' }), user('b', { extension: '12' })];
    const p = plan(users, [{ id: 'admin', email: 'Boss@X.example' }, { id: 'b', extension: '12' }]).result as UserUpdatePlan;
    expect(p.changes.map((c) => c.after.id)).toEqual(['admin']);
    expect(p.adminEmail).toBe('boss@x.example');
  });

  it('stops with NOT_FOUND on customerId when the customer is not the caller’s', () => {
    const errors = UserErrors.root('input');
    const empty: UserUpdateSnapshot = { customer: null, users: new Map(), locations: [], emailHolders: new Map(), phoneHolders: new Map(), extensionHolders: new Map() };
    expect(planUserUpdate([], empty, errors, now)).toBe(STOP);
    expect(errors.list.map((e) => e.field.join('.'))).toEqual(['input.customerId']);
  });

  it('maps a concurrent writer’s unique violation to TAKEN on the row that gave the value', () => {
    const errors = UserErrors.root('input');
    const rows = [{ id: 'a', extension: '11' }, { id: 'b', extension: '42' }].map((u, i) => normalizeUpdateRow(u, i, errors.at('users', i)));
    const taken = updateRaceAsUserErrors({ index: 'ux_user_extension', values: ['c1', '42'] }, rows);
    expect(taken!.map((e) => `${e.code}@${e.field.join('.')}`)).toEqual(['TAKEN@input.users.1.extension']);
    expect(updateRaceAsUserErrors({ index: 'ux_location_name', values: null }, rows)).toBeNull();
  });
});
