import { In } from 'typeorm';
import type { Caller } from '../auth/caller';
import type { Loaders } from '../graphql/loaders';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { checkUserPackage } from '../catalog/package.rules';
import { AssignCustomerAdminRolesInput, AssignCustomerAdminRolesPayload } from './admin-roles.inputs';
import { CustomerAdminRole } from './customer.enums';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';

export const MAX_ROLE_ASSIGNMENTS = 10_000;
const CHUNK = 900;

/**
 * assignCustomerAdminRoles: each assignment sets one user's Control Hub roles to the given list.
 * Every role holder is bound by the administrator package rule of setupCustomer (exactly the
 * organization's package), and the customer's full administrator (the admin email of
 * createCustomer) always keeps FULL_ADMIN: removing it is refused with NOT_ALLOWED, because the
 * organization would be left without the administrator its invitation was sent to.
 */
export class AdminRolesService {
  constructor(private readonly db: Database) {}

  private readonly assignMutation = defineMutation({
    name: 'assignCustomerAdminRoles',
    normalise: (input: AssignCustomerAdminRolesInput, errors) => {
      if (input.assignments.length > MAX_ROLE_ASSIGNMENTS) {
        errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_ROLE_ASSIGNMENTS} assignments per call.`, 'assignments');
        return STOP;
      }
      // Roles in the enum's order, so equal sets compare (and group) equal.
      const assignments = input.assignments.map((a) => ({ userId: a.userId, roles: Object.values(CustomerAdminRole).filter((r) => a.roles.includes(r)) }));
      return { customerId: input.customerId, assignments };
    },
    check: async (tx, { customerId, assignments }, errors, caller) => {
      const customer = isId(customerId) ? await tx.findOneBy(Customer, { id: customerId, partnerId: caller.partnerId }) : null;
      if (!customer) {
        errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
        return STOP;
      }
      const ids = [...new Set(assignments.map((a) => a.userId).filter(isId))];
      const found = new Map<string, CustomerUser>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await tx.findBy(CustomerUser, { customerId: customer.id, id: In(ids.slice(i, i + CHUNK)) });
        rows.forEach((u) => found.set(u.id, u));
      }

      const seen = new Set<string>();
      const assigned: Array<{ before: CustomerUser; after: CustomerUser }> = [];
      assignments.forEach(({ userId, roles }, i) => {
        const at = errors.at('assignments', i);
        const user = found.get(userId);
        if (!user) {
          at.add(UserErrorCode.NOT_FOUND, 'No user of this customer has this id.', 'userId');
          return;
        }
        if (seen.has(user.id)) {
          at.add(UserErrorCode.INVALID, 'This user already has an earlier assignment in this request.', 'userId');
          return;
        }
        seen.add(user.id);
        if (user.email === customer.adminEmail && !roles.includes(CustomerAdminRole.FULL_ADMIN)) {
          at.add(UserErrorCode.NOT_ALLOWED, 'The customer’s full administrator keeps FULL_ADMIN.', 'roles');
        }
        if (roles.length > 0) {
          // The rule reports on the user's package, which this input does not carry: report it on the roles.
          const packageErrors = UserErrors.root();
          checkUserPackage(customer.package, user.package, true, packageErrors);
          for (const e of packageErrors.list) {
            // Say what does work: the package changes first (updateUsers), the roles after.
            at.add(e.code, `${e.message} ${user.email} holds ${user.package}: move the user to ${customer.package} first (updateUsers), `
              + 'then assign the roles.', 'roles');
          }
        }
        assigned.push({ before: user, after: Object.assign(new CustomerUser(), user, { roles }) });
      });
      return { customer, assigned };
    },
    write: async (tx, { customer, assigned }) => {
      // Only users whose roles change are written (and audited); the answer lists every assigned user.
      const changed = assigned.filter(({ before, after }) => [...before.roles].sort().join() !== [...after.roles].sort().join()).map((a) => a.after);
      const users = assigned.map((a) => a.after);
      if (changed.length === 0) return { value: users, changed: [] };
      // One UPDATE per distinct role list (a handful), whatever the number of users.
      const now = new Date();
      const byRoles = new Map<string, string[]>();
      for (const user of changed) {
        user.updatedAt = now;
        const key = JSON.stringify(user.roles);
        byRoles.set(key, [...(byRoles.get(key) ?? []), user.id]);
      }
      for (const [key, userIds] of byRoles) {
        for (let i = 0; i < userIds.length; i += CHUNK) {
          await tx.update(CustomerUser, { id: In(userIds.slice(i, i + CHUNK)) }, { roles: JSON.parse(key), updatedAt: now });
        }
      }
      return { value: users, changed: [customer.id, ...changed.map((u) => u.id)] };
    },
    payload: (outcome): AssignCustomerAdminRolesPayload => (outcome.ok
      ? { users: outcome.value, userErrors: [] }
      : { users: [], userErrors: outcome.userErrors }),
  });

  assign(caller: Caller, input: AssignCustomerAdminRolesInput, loaders?: Loaders | null): Promise<AssignCustomerAdminRolesPayload> {
    return this.assignMutation.run(this.db, { caller, loaders }, input);
  }
}
