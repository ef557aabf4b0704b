import { EntityManager, In } from 'typeorm';
import type { Caller } from '../auth/caller';
import { addOnAllowed, AddOn, Package, packageRow, packagesCoveredBy } from '../catalog/packages';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { lockRow } from '../db/lock-row';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { captureCustomer } from '../graphql/customer-capture';
import type { Loaders } from '../graphql/loaders';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { takenByIndex } from '../mutations/unique-indexes';
import { requiredText } from '../rules/strings';
import { normalizeLanguage } from '../templates/template.rules';
import type { CustomerHooks } from './customer.hooks';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { COMPANY_NAME_MAX, normalizeExternalId } from './customer.service';
import {
  DeleteCustomerInput, DeleteCustomerPayload, UpdateCustomerInput, UpdateCustomerPayload,
} from './lifecycle.inputs';
import { Location } from './location.entity';

/** How many blocking users a refused package change names (the count says how many there are). */
export const BLOCKERS_NAMED = 5;
const CHUNK = 900;

/** updateCustomer's input after the checks that need no database: only the fields given. */
interface CustomerPatchDraft {
  id: string;
  companyName?: string;
  package?: Package;
  addOns?: AddOn[];
  addOnsGiven: boolean;
  /** undefined: keep; null: the template's default. */
  language?: string | null;
  rawLanguage?: string | null;
  externalId?: string | null;
}

interface CustomerUpdatePlan {
  before: Customer;
  after: Customer;
  /** Administrators (the full administrator and admin-role holders) moved to the new package. */
  moved: { before: CustomerUser; after: CustomerUser }[];
}

/** The full administrator and every admin-role holder of a customer (they hold exactly its package, §5). */
async function administrators(tx: EntityManager, customer: Customer): Promise<CustomerUser[]> {
  return tx.createQueryBuilder(CustomerUser, 'u')
    .where('u.customerId = :customerId', { customerId: customer.id })
    .andWhere(`(u.roles <> '[]' OR lower(u.email) = :adminEmail)`, { adminEmail: customer.adminEmail })
    .getMany();
}

/**
 * updateCustomer and deleteCustomer (domain.md §12). A package change follows §6: the full
 * administrator and the admin-role holders move with the organization; every other user must
 * already hold a package the new one covers, or the change is refused naming how many users block
 * it and the first few of them (a downgrade must not silently strip anyone's service).
 */
export class CustomerLifecycleService {
  constructor(private readonly db: Database, private readonly hooks: CustomerHooks) {}

  private readonly updateMutation = defineMutation({
    name: 'updateCustomer',
    normalise: (input: UpdateCustomerInput, errors): CustomerPatchDraft => {
      const draft: CustomerPatchDraft = { id: input.id, addOnsGiven: input.addOns !== undefined };
      if (input.companyName === null) errors.add(UserErrorCode.REQUIRED, 'companyName cannot be removed; omit it to keep the current value.', 'companyName');
      else if (input.companyName !== undefined) {
        draft.companyName = requiredText(input.companyName, COMPANY_NAME_MAX, errors, 'companyName', 'Company name');
        if (draft.companyName.includes('%')) errors.add(UserErrorCode.INVALID, 'Company name must not contain %.', 'companyName');
      }
      if (input.package === null) errors.add(UserErrorCode.REQUIRED, 'package cannot be removed; omit it to keep the current one.', 'package');
      else if (input.package !== undefined) {
        const row = packageRow(input.package);
        if (!row.customerLevel || !row.userAssignable) {
          errors.add(UserErrorCode.NOT_ALLOWED, `${input.package} cannot be an organization's package: the full administrator must be able to hold it.`, 'package');
        }
        draft.package = input.package;
      }
      if (draft.addOnsGiven) draft.addOns = [...new Set(input.addOns ?? [])];
      if (input.language !== undefined) draft.rawLanguage = input.language;
      if (input.externalId !== undefined) draft.externalId = input.externalId === null ? null : normalizeExternalId(input.externalId, errors);
      return draft;
    },
    check: async (tx, draft, errors, caller) => {
      const before = isId(draft.id) ? await tx.findOneBy(Customer, { id: draft.id, partnerId: caller.partnerId }) : null;
      if (!before) {
        errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'id');
        return STOP;
      }
      const after: Customer = Object.assign(new Customer(), before);
      if (draft.companyName !== undefined) after.companyName = draft.companyName;
      if (draft.package !== undefined) after.package = draft.package;
      if (draft.addOns !== undefined) after.addOns = draft.addOns;
      if (draft.rawLanguage !== undefined) {
        after.language = normalizeLanguage(draft.rawLanguage, before.templateSettings.defaultEmailLanguage, errors, 'language');
      }
      if (draft.externalId !== undefined) after.externalId = draft.externalId;

      // Add-ons against the package the customer will have (§6).
      for (const addOn of after.addOns) {
        if (addOnAllowed(after.package, addOn)) continue;
        if (draft.addOnsGiven) errors.add(UserErrorCode.NOT_ALLOWED, `${addOn} needs a package with calling that ${after.package} does not include.`, 'addOns');
        else {
          errors.add(UserErrorCode.NOT_ALLOWED, `The customer's add-on ${addOn} needs a package with calling that ${after.package} does not include; `
            + 'remove it with addOns in the same call.', 'package');
        }
      }
      if (after.externalId !== null && after.externalId !== before.externalId && !errors.hasAt('externalId')) {
        const holder = await tx.findOneBy(Customer, { partnerId: caller.partnerId, externalId: after.externalId });
        if (holder && holder.id !== before.id) errors.add(UserErrorCode.TAKEN, `externalId "${after.externalId}" already names another customer.`, 'externalId');
      }
      const moved = after.package !== before.package && !errors.hasAt('package')
        ? await this.checkPackageChange(tx, before, after.package, errors) : [];
      return { before, after, moved };
    },
    write: async (tx, { before, after, moved }: CustomerUpdatePlan) => {
      const fields = ['companyName', 'package', 'addOns', 'language', 'externalId'] as const;
      const changed = fields.some((f) => JSON.stringify(after[f]) !== JSON.stringify(before[f]));
      if (!changed) return { value: before, changed: [] };
      const now = new Date();
      after.updatedAt = now;
      const { companyName, package: pkg, addOns, language, externalId } = after;
      await tx.update(Customer, { id: after.id }, { companyName, package: pkg, addOns, language, externalId, updatedAt: now });
      const movedIds = moved.map((m) => m.after.id);
      for (let i = 0; i < movedIds.length; i += CHUNK) {
        await tx.update(CustomerUser, { id: In(movedIds.slice(i, i + CHUNK)) }, { package: pkg, updatedAt: now });
      }
      for (const m of moved) m.after.updatedAt = now;
      // Cisco gets the complete package list, then the moved administrators' new package.
      await this.hooks.customerChanged(tx, before, after);
      await this.hooks.usersChanged(tx, after, moved);
      return { value: after, changed: [after.id, ...movedIds] };
    },
    capture: (tx, customer, overlay) => captureCustomer(tx, overlay, customer),
    taken: (violation) => takenByIndex(violation, {
      externalId: { path: ['externalId'], message: 'A concurrent request gave this externalId to another customer.' },
    }),
    payload: (outcome): UpdateCustomerPayload => (outcome.ok
      ? { customer: outcome.value, userErrors: [] }
      : { customer: null, userErrors: outcome.userErrors }),
  });

  /**
   * The users a package change moves (the administrators), or errors on ["input","package"]: users
   * whose package the new one does not cover block it, and so do administrators who hold numbers
   * when the new package has no calling (§5: a user without calling holds neither).
   */
  private async checkPackageChange(tx: EntityManager, customer: Customer, next: Package, errors: UserErrors) {
    const covered = [...packagesCoveredBy(next)];
    const blocking = tx.createQueryBuilder(CustomerUser, 'u')
      .where('u.customerId = :customerId', { customerId: customer.id })
      .andWhere(`u.roles = '[]'`)
      .andWhere('lower(u.email) <> :adminEmail', { adminEmail: customer.adminEmail })
      .andWhere('u.package NOT IN (:...covered)', { covered });
    const count = await blocking.clone().getCount();
    if (count > 0) {
      const named = await blocking.clone().select('u.email', 'email').orderBy('u.email', 'ASC').limit(BLOCKERS_NAMED).getRawMany<{ email: string }>();
      const emails = named.map((r) => r.email).join(', ');
      errors.add(UserErrorCode.NOT_ALLOWED, `${count} user(s) hold a package that ${next} does not include (${emails}${count > named.length ? ', …' : ''}); `
        + `move them to ${next} or a package it includes first (updateUsers), or remove them.`, 'package');
    }
    const admins = await administrators(tx, customer);
    if (!packageRow(next).calling) {
      const numbered = admins.filter((u) => u.phoneNumber !== null || u.extension !== null);
      if (numbered.length > 0) {
        errors.add(UserErrorCode.NOT_ALLOWED, `${next} has no calling, and ${numbered.length} administrator(s) hold a phone number or an extension `
          + `(${numbered.slice(0, BLOCKERS_NAMED).map((u) => u.email).join(', ')}); clear them first (updateUsers).`, 'package');
      }
    }
    return admins.filter((u) => u.package !== next).map((u) => ({ before: u, after: Object.assign(new CustomerUser(), u, { package: next }) }));
  }

  update(caller: Caller, input: UpdateCustomerInput, loaders?: Loaders | null): Promise<UpdateCustomerPayload> {
    return this.updateMutation.run(this.db, { caller, loaders }, input);
  }

  private readonly deleteMutation = defineMutation({
    name: 'deleteCustomer',
    normalise: (input: DeleteCustomerInput) => input.id,
    check: async (tx, id, errors, caller) => {
      // A setupCustomer in flight (its users reference the customer) finishes first; its users then go too.
      if (isId(id)) await lockRow(tx, 'customer', id);
      const customer = isId(id) ? await tx.findOneBy(Customer, { id, partnerId: caller.partnerId }) : null;
      if (!customer) {
        errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'id');
        return STOP;
      }
      return customer;
    },
    write: async (tx, customer) => {
      const where = { customerId: customer.id };
      const locations = await tx.find(Location, { select: { id: true }, where });
      const users = await tx.find(CustomerUser, { select: { id: true }, where });
      // Its unsent emails are cancelled and its Setup Assist requests go (the outbox's and assist's hooks).
      await this.hooks.customerDeleting(tx, customer);
      await tx.delete(CustomerUser, where);
      await tx.delete(Location, where);
      await tx.delete(Customer, { id: customer.id });
      await this.hooks.customerDeleted(tx, customer);
      return { value: customer.id, changed: [customer.id, ...locations.map((l) => l.id), ...users.map((u) => u.id)] };
    },
    payload: (outcome): DeleteCustomerPayload => (outcome.ok
      ? { deletedCustomerId: outcome.value, userErrors: [] }
      : { deletedCustomerId: null, userErrors: outcome.userErrors }),
  });

  /** Frees the customer's emails, numbers, extensions and externalId; its audit events stay. */
  delete(caller: Caller, input: DeleteCustomerInput, loaders?: Loaders | null): Promise<DeleteCustomerPayload> {
    return this.deleteMutation.run(this.db, { caller, loaders }, input);
  }
}
