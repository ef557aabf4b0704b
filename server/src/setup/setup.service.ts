import { EntityManager, IsNull, Not } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { CustomerAdminRole, CustomerStatus } from '../customers/customer.enums';
import { CustomerUser, customerUserOf } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { attachPreview, rememberHeadquarters, rememberLocations } from '../customers/customer.preview';
import { takenEmails } from '../customers/customer.service';
import { Location } from '../customers/location.entity';
import type { LocationInput } from '../customers/location.inputs';
import { normalizeLocation } from '../customers/location.rules';
import { UniqueViolation, writeOrUserErrors } from '../common/write';
import { bulkInsert } from '../db/bulk-insert';
import { findOneWhere } from '../db/find-one';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { selectIn } from '../db/select-in';
import { UserError, UserErrorCode, UserErrors, UserErrorsAbort } from '../errors/user-error';
import { enqueueWelcomeEmails } from '../outbox/outbox.enqueue';
import { DEFAULT_EMAIL_LANGUAGE } from '../templates/template.rules';
import { phoneMatchesCountry } from './phone-number';
import { SetupCustomerInput, SetupCustomerPayload } from './setup-customer.inputs';
import {
  checkNumbersForPackage, checkUserPackage, inRowOrder, MAX_LOCATIONS_PER_SETUP, MAX_USERS_PER_SETUP, normalizeUserRow, resolveNumbers, UserRowDraft,
} from './setup.rules';

/**
 * setupCustomer: validate every row against one snapshot of the customer, collect every error,
 * then write all rows in one transaction (multi-row inserts in chunks), or nothing.
 */
export class SetupService {
  constructor(private readonly db: Database) {}

  async setup(caller: Caller, input: SetupCustomerInput): Promise<SetupCustomerPayload> {
    const errors = UserErrors.root('input');
    const userInputs = input.users ?? [];
    const locationInputs = input.locations ?? [];
    if (userInputs.length > MAX_USERS_PER_SETUP) {
      errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_USERS_PER_SETUP} users per call (got ${userInputs.length}); split the import.`, 'users');
    }
    if (locationInputs.length > MAX_LOCATIONS_PER_SETUP) {
      errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_LOCATIONS_PER_SETUP} locations per call (got ${locationInputs.length}).`, 'locations');
    }
    if (errors.any()) return failed(errors);

    // Everything that needs no database happens before the write lock is taken.
    const rows = userInputs.map((u, i) => normalizeUserRow(u, i, errors.at('users', i)));

    const dryRun = input.dryRun ?? false;
    const outcome = await writeOrUserErrors(this.db, async (tx) => {
      const customer = isId(input.customerId)
        ? await tx.findOneBy(Customer, { id: input.customerId, partnerId: caller.partnerId }) : null;
      // An unknown customer does not end the checks: every rule that does not need the customer
      // (location fields, row shapes, numbers against the package, values taken in the system or
      // repeated in the request) still runs, so the caller gets all of the request's errors at once.
      if (!customer) errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
      const now = new Date();
      const existingLocations = customer ? await tx.findBy(Location, { customerId: customer.id }) : [];
      const locationsByKey = new Map(existingLocations.map((l) => [l.name.toLowerCase(), l]));
      const headquarters: Location | undefined = existingLocations.find((l) => l.isHeadquarters);

      const newLocations: Location[] = [];
      locationInputs.forEach((locationInput, i) => {
        const at = errors.at('locations', i);
        const draft = normalizeLocation(locationInput, customer?.language ?? DEFAULT_EMAIL_LANGUAGE, at);
        const key = draft.name.toLowerCase();
        const earlier = draft.name && !at.hasAt('name') ? locationsByKey.get(key) : undefined;
        if (earlier) {
          at.add(UserErrorCode.TAKEN, newLocations.includes(earlier)
            ? `A location named "${draft.name}" appears in an earlier row of this request.`
            : `The customer already has a location named "${draft.name}".`, 'name');
        }
        const location = Object.assign(new Location(), {
          // without a customer the row is only looked at (errors are certain), never written
          ...draft, id: newId(), customerId: customer?.id ?? '', isHeadquarters: false, createdAt: now,
        } satisfies Location);
        if (!locationsByKey.has(key)) locationsByKey.set(key, location);
        newLocations.push(location);
      });

      // Numbers are read in the country of each row's location (national forms need it) before
      // the request's numbers are looked up together.
      resolveNumbers(rows, (row) => (row.locationKey === null ? headquarters : locationsByKey.get(row.locationKey)),
        (row) => errors.at('users', row.index));
      const snapshot = await this.loadSnapshot(tx, customer, rows);
      const users: CustomerUser[] = [];
      const created: CustomerUser[] = [];
      let adminUpdate: CustomerUser | null = null;
      const seenEmails = new Set<string>();
      const seenPhones = new Set<string>();
      const seenExtensions = new Set<string>();

      for (const row of rows) {
        const at = errors.at('users', row.index);
        const isAdminRow = snapshot.admin !== null && row.email === snapshot.admin.email;
        if (row.email && !at.hasAt('email')) {
          if (seenEmails.has(row.email)) at.add(UserErrorCode.TAKEN, `${row.email} appears in an earlier row of this request.`, 'email');
          else if (!isAdminRow && snapshot.takenEmails.has(row.email)) at.add(UserErrorCode.TAKEN, `${row.email} already belongs to a user.`, 'email');
          seenEmails.add(row.email);
        }
        if (customer) checkUserPackage(customer.package, row.package, isAdminRow, at);
        checkNumbersForPackage(row, at);

        let location: Location | undefined = headquarters;
        if (row.locationKey !== null) {
          location = locationsByKey.get(row.locationKey);
          // an unknown customer's locations are unknown: only a name added in this request resolves
          if (!location && customer) at.add(UserErrorCode.NOT_FOUND, `No location named "${userInputs[row.index].locationName?.trim()}" exists or is added in this request.`, 'locationName');
        }

        let phoneNumber: string | null = null;
        if (row.phone?.ok) {
          phoneNumber = row.phone.e164;
          if (location && !phoneMatchesCountry(row.phone.phone, location.countryCode)) {
            at.add(UserErrorCode.INVALID, `${phoneNumber} is not a valid number for ${location.countryCode}, the country of location "${location.name}".`, 'phoneNumber');
          } else if (seenPhones.has(phoneNumber)) {
            at.add(UserErrorCode.TAKEN, `${phoneNumber} appears in an earlier row of this request.`, 'phoneNumber');
          } else {
            const holder = snapshot.phoneHolders.get(phoneNumber);
            if (holder !== undefined && !(isAdminRow && holder === snapshot.admin?.id)) {
              at.add(UserErrorCode.TAKEN, `${phoneNumber} is already assigned to a user.`, 'phoneNumber');
            }
          }
          seenPhones.add(phoneNumber);
        }
        if (row.extension !== null && !at.hasAt('extension')) {
          const holder = snapshot.extensionHolders.get(row.extension);
          if (seenExtensions.has(row.extension)) {
            at.add(UserErrorCode.TAKEN, `Extension ${row.extension} appears in an earlier row of this request.`, 'extension');
          } else if (holder !== undefined && !(isAdminRow && holder === snapshot.admin?.id)) {
            at.add(UserErrorCode.TAKEN, `Extension ${row.extension} is already used in this organization.`, 'extension');
          }
          seenExtensions.add(row.extension);
        }
        if (errors.any() || !customer) continue;

        const admin = isAdminRow ? snapshot.admin! : null;
        const user = customerUserOf({
          id: admin?.id ?? newId(), customerId: customer.id, email: admin?.email ?? row.email,
          roles: admin?.roles ?? ([] as CustomerAdminRole[]), createdAt: admin?.createdAt ?? now,
          firstName: row.firstName, lastName: row.lastName, package: row.package,
          locationId: location!.id, phoneNumber, extension: row.extension, updatedAt: now,
        });
        users.push(user);
        if (admin) adminUpdate = user;
        else created.push(user);
      }
      if (errors.any() || !customer) throw new UserErrorsAbort(inRowOrder(errors.list));

      await bulkInsert(tx, Location, newLocations);
      await bulkInsert(tx, CustomerUser, created);
      if (adminUpdate) {
        const { firstName, lastName, package: pkg, locationId, phoneNumber, extension, updatedAt } = adminUpdate as CustomerUser;
        await tx.update(CustomerUser, { id: (adminUpdate as CustomerUser).id }, { firstName, lastName, package: pkg, locationId, phoneNumber, extension, updatedAt });
      }
      customer.status = CustomerStatus.ACTIVE;
      customer.updatedAt = now;
      await tx.update(Customer, { id: customer.id }, { status: customer.status, updatedAt: now });
      await enqueueWelcomeEmails(tx, customer, created);
      // A dry run records no audit event (domain.md: only mutations that are not dry runs do), so
      // its caller need not be a stored admin: the CLI validates a CSV import without writing one.
      if (!dryRun) await recordAudit(tx, caller, 'setupCustomer', [customer.id, ...newLocations.map((l) => l.id), ...users.map((u) => u.id)]);
      rememberLocations(users, [...existingLocations, ...newLocations]);
      rememberHeadquarters(customer, headquarters!);
      if (dryRun) await attachPreview(tx, customer);
      return { customer, locations: newLocations, users };
    }, { dryRun, onUniqueViolation: (v) => uniqueViolationAsUserErrors(v, rows, locationInputs) });

    return outcome.ok ? { ...outcome.value, userErrors: [] } : { customer: null, locations: [], users: [], userErrors: outcome.userErrors };
  }

  /** Set-based lookups for the whole request: a few queries, whatever the row count. */
  private async loadSnapshot(tx: EntityManager, customer: Customer | null, rows: UserRowDraft[]) {
    const emails = [...new Set(rows.map((r) => r.email).filter(Boolean))];
    const phones = [...new Set(rows.flatMap((r) => (r.phone?.ok ? [r.phone.e164] : [])))];
    const admin = customer
      ? await findOneWhere(tx, CustomerUser, { customerId: customer.id, email: customer.adminEmail }, { lower: ['email'] }) : null;
    const phoneHolders = new Map<string, string>();
    for (const u of await selectIn<{ id: string; phoneNumber: string }>(tx, 'customer_user', ['id', 'phoneNumber'], 'phoneNumber', phones)) {
      phoneHolders.set(u.phoneNumber, u.id);
    }
    const extensionHolders = new Map<string, string>();
    if (customer && rows.some((r) => r.extension !== null)) {
      const found = await tx.find(CustomerUser, { select: { id: true, extension: true }, where: { customerId: customer.id, extension: Not(IsNull()) } });
      found.forEach((u) => extensionHolders.set(u.extension!, u.id));
    }
    return { admin, takenEmails: await takenEmails(tx, emails), phoneHolders, extensionHolders };
  }
}

function failed(errors: UserErrors): SetupCustomerPayload {
  return { customer: null, locations: [], users: [], userErrors: errors.list };
}

/**
 * A concurrent writer (PostgreSQL) took a number, address, extension or location name after our
 * checks, and did so again on every retry: still TAKEN, never a 500, on the row whose value
 * clashed when PostgreSQL names the value (on SQLite, which serialises writers, this cannot happen).
 */
export function uniqueViolationAsUserErrors(
  violation: UniqueViolation, rows: UserRowDraft[], locationInputs: readonly LocationInput[],
): UserError[] | null {
  const errors = UserErrors.root('input');
  const value = violation.values?.at(-1) ?? null;
  const field = /phone/i.test(violation.index) ? 'phoneNumber' : /email/i.test(violation.index) ? 'email'
    : /extension/i.test(violation.index) ? 'extension' : /location/i.test(violation.index) ? 'name' : null;
  if (!field) return null;
  const message = `A concurrent request took ${value ?? `a value of this request (${field})`}; retry to see the current state.`;
  if (field === 'name') {
    const i = value === null ? -1 : locationInputs.findIndex((l) => l.name?.trim().toLowerCase() === value);
    return (i >= 0 ? errors.at('locations', i).add(UserErrorCode.TAKEN, message, 'name') : errors.add(UserErrorCode.TAKEN, message, 'locations')).list;
  }
  const row = value === null ? undefined : rows.find((r) =>
    field === 'phoneNumber' ? r.phone?.ok && r.phone.e164 === value : field === 'email' ? r.email === value : r.extension === value);
  return (row ? errors.at('users', row.index).add(UserErrorCode.TAKEN, message, field) : errors.add(UserErrorCode.TAKEN, message, 'users')).list;
}
