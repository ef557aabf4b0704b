import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { CustomerStatus } from '../customers/customer.enums';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { takenEmails } from '../customers/customer.service';
import { Location } from '../customers/location.entity';
import type { LocationInput } from '../customers/location.inputs';
import type { Loaders } from '../graphql/loaders';
import type { UniqueViolation } from '../mutations/write';
import { bulkInsert } from '../db/bulk-insert';
import { findOneWhere } from '../db/find-one';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { selectIn } from '../db/select-in';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';
import { concurrentlyTakenMessage, takenByIndex, takenOnUserRows, type TakenAt } from '../mutations/unique-indexes';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { deletedMeanwhile } from '../mutations/foreign-key';
import { captureCustomer } from '../graphql/customer-capture';
import { enqueueWelcomeEmails } from '../outbox/outbox.enqueue';
import type { CustomerHooks } from '../customers/customer.hooks';
import { planSetup, type SetupDraft, type SetupSnapshot } from './setup.plan';
import { SetupCustomerInput, SetupCustomerPayload } from './setup-customer.inputs';
import {
  inRowOrder, MAX_LOCATIONS_PER_SETUP, MAX_USERS_PER_SETUP, normalizeUserRow, resolveNumbers, UserRowDraft,
} from './setup.rules';

/**
 * setupCustomer: validate every row against one snapshot of the customer, collect every error,
 * then write all rows in one transaction (multi-row inserts in chunks), or nothing.
 */
export class SetupService {
  constructor(private readonly db: Database, private readonly hooks: CustomerHooks) {}

  private readonly setupMutation = defineMutation({
    name: 'setupCustomer',
    normalise: (input: SetupCustomerInput, errors) => {
      const userInputs = input.users ?? [];
      const locationInputs = input.locations ?? [];
      if (userInputs.length > MAX_USERS_PER_SETUP) {
        errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_USERS_PER_SETUP} users per call (got ${userInputs.length}); split the import.`, 'users');
      }
      if (locationInputs.length > MAX_LOCATIONS_PER_SETUP) {
        errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_LOCATIONS_PER_SETUP} locations per call (got ${locationInputs.length}).`, 'locations');
      }
      if (errors.any()) return STOP;
      // Everything that needs no database happens before the write lock is taken.
      const rows = userInputs.map((u, i) => normalizeUserRow(u, i, errors.at('users', i)));
      return { customerId: input.customerId, rows, userInputs, locationInputs };
    },
    check: async (tx, draft: SetupDraft, errors, caller) => planSetup(draft, await this.loadSnapshot(tx, caller, draft, errors), errors, new Date()),
    write: async (tx, plan) => {
      const { customer, newLocations, created, adminUpdate, users, now } = plan;
      await bulkInsert(tx, Location, newLocations);
      await bulkInsert(tx, CustomerUser, created);
      if (adminUpdate) {
        const { firstName, lastName, package: pkg, locationId, phoneNumber, extension, updatedAt } = adminUpdate;
        await tx.update(CustomerUser, { id: adminUpdate.id }, { firstName, lastName, package: pkg, locationId, phoneNumber, extension, updatedAt });
      }
      customer.status = CustomerStatus.ACTIVE;
      customer.updatedAt = now;
      await tx.update(Customer, { id: customer.id }, { status: customer.status, updatedAt: now });
      await enqueueWelcomeEmails(tx, customer, created);
      await this.hooks.setupApplied(tx, customer, newLocations, users);
      return { value: plan, changed: [customer.id, ...newLocations.map((l) => l.id), ...users.map((u) => u.id)] };
    },
    capture: (tx, plan, overlay) => captureCustomer(tx, overlay, plan.customer),
    // The answer's locations are rows this call already holds: no query for them.
    prime: (loaders, plan) => {
      loaders.hold(Location, [...plan.existingLocations, ...plan.newLocations]);
      if (plan.headquarters) loaders.headquarters.prime(plan.customer.id, plan.headquarters);
    },
    taken: (violation, draft) => uniqueViolationAsUserErrors(violation, draft.rows, draft.locationInputs),
    // PostgreSQL: deleteCustomer removed the customer after our checks (its rows' foreign keys refuse them).
    refused: (error) => deletedMeanwhile(error, 'customerId', 'customer'),
    payload: (outcome): SetupCustomerPayload => (outcome.ok
      ? { customer: outcome.value.customer, locations: outcome.value.newLocations, users: outcome.value.users, userErrors: [] }
      : { customer: null, locations: [], users: [], userErrors: inRowOrder(outcome.userErrors) }),
  });

  setup(caller: Caller, input: SetupCustomerInput, loaders?: Loaders | null): Promise<SetupCustomerPayload> {
    return this.setupMutation.run(this.db, { caller, loaders }, input);
  }

  /** Set-based lookups for the whole request: a few queries, whatever the row count. */
  private async loadSnapshot(tx: EntityManager, caller: Caller, draft: SetupDraft, errors: UserErrors): Promise<SetupSnapshot> {
    const { rows } = draft;
    const customer = isId(draft.customerId)
      ? await tx.findOneBy(Customer, { id: draft.customerId, partnerId: caller.partnerId }) : null;
    const existingLocations = customer ? await tx.findBy(Location, { customerId: customer.id }) : [];
    // Numbers are read in the country of each row's location (national forms need it) before the
    // request's numbers are looked up together: an existing location by name, else one this request adds.
    const countryOf = new Map<string, { countryCode: string; name: string }>();
    for (const l of draft.locationInputs) {
      const name = l.name?.trim() ?? '';
      const countryCode = l.address?.countryCode?.trim().toUpperCase() ?? '';
      if (name && countryCode) countryOf.set(name.toLowerCase(), { countryCode, name });
    }
    for (const l of existingLocations) countryOf.set(l.name.toLowerCase(), l);
    const headquarters = existingLocations.find((l) => l.isHeadquarters);
    resolveNumbers(rows, (row) => (row.locationKey === null ? headquarters : countryOf.get(row.locationKey)),
      (row) => errors.at('users', row.index));
    const emails = [...new Set(rows.map((r) => r.email).filter(Boolean))];
    const phones = [...new Set(rows.flatMap((r) => (r.phone?.ok ? [r.phone.e164] : [])))];
    const admin = customer
      ? await findOneWhere(tx, CustomerUser, { customerId: customer.id, email: customer.adminEmail }, { lower: ['email'] }) : null;
    const phoneHolders = new Map<string, string>();
    for (const u of await selectIn<{ id: string; phoneNumber: string }>(tx, 'customer_user', ['id', 'phoneNumber'], 'phoneNumber', phones)) {
      phoneHolders.set(u.phoneNumber, u.id);
    }
    const extensionHolders = new Map<string, string>();
    const extensions = [...new Set(rows.flatMap((r) => (r.extension !== null ? [r.extension] : [])))];
    if (customer && extensions.length) {
      // Only the request's extensions, through ux_user_extension ("customerId", "extension"):
      // reading every extension of a 200,000-user customer cost more than the rest of the check,
      // while the SQLite writer was held.
      const found = await selectIn<{ id: string; extension: string }>(tx, 'customer_user', ['id', 'extension'], 'extension', extensions,
        { equal: { column: 'customerId', value: customer.id } });
      found.forEach((u) => extensionHolders.set(u.extension, u.id));
    }
    return { customer, existingLocations, admin, takenEmails: await takenEmails(tx, emails), phoneHolders, extensionHolders };
  }
}

/**
 * A concurrent writer (PostgreSQL) took a number, address, extension or location name after our
 * checks, and did so again on every retry: still TAKEN, never a 500, on the row whose value
 * clashed when PostgreSQL names the value (on SQLite, which serialises writers, this cannot happen).
 */
export function uniqueViolationAsUserErrors(
  violation: UniqueViolation, rows: UserRowDraft[], locationInputs: readonly LocationInput[],
): UserError[] | null {
  return takenByIndex(violation, {
    ...takenOnUserRows(rows),
    locationName: (value): TakenAt => {
      const i = value === null ? -1 : locationInputs.findIndex((l) => l.name?.trim().toLowerCase() === value);
      return { path: i >= 0 ? ['locations', i, 'name'] : ['locations'], message: concurrentlyTakenMessage(value, 'name') };
    },
  });
}
