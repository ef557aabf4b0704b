import type { Customer } from '../customers/customer.entity';
import { CustomerAdminRole } from '../customers/customer.enums';
import { CustomerUser, customerUserOf } from '../customers/customer-user.entity';
import { Location } from '../customers/location.entity';
import type { LocationInput } from '../customers/location.inputs';
import { LocationDraft, normalizeLocation } from '../customers/location.rules';
import { newId } from '../db/ids';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { STOP, type Stop } from '../mutations/define-mutation';
import { DEFAULT_EMAIL_LANGUAGE } from '../templates/template.rules';
import { phoneMatchesCountry } from '../rules/phone-number';
import type { CustomerUserInput } from './setup-customer.inputs';
import { checkUserPackage } from '../catalog/package.rules';
import { checkNumbersForPackage, UserRowDraft } from './setup.rules';

/** setupCustomer's input after the checks that need no database (before the writer is taken). */
export interface SetupDraft {
  customerId: string;
  rows: UserRowDraft[];
  userInputs: readonly CustomerUserInput[];
  locationInputs: readonly LocationInput[];
}

/** What the rules need from the database, read with a few set-based queries whatever the row count. */
export interface SetupSnapshot {
  /** Null: no customer of the caller's partner has the id (the other rules still run). */
  customer: Customer | null;
  existingLocations: Location[];
  /** The full administrator's row (its email is the customer's admin email). */
  admin: CustomerUser | null;
  /** Lower-cased emails of the request that some user already has. */
  takenEmails: Set<string>;
  /** E.164 number → id of the user holding it, for the request's numbers. */
  phoneHolders: Map<string, string>;
  /** Extension → id of the customer's user holding it. */
  extensionHolders: Map<string, string>;
}

/** The rows to write: new locations and users, the full administrator's row updated, the customer set ACTIVE. */
export interface SetupPlan {
  customer: Customer;
  newLocations: Location[];
  created: CustomerUser[];
  adminUpdate: CustomerUser | null;
  /** Every user of the request, in row order (the administrator's row included). */
  users: CustomerUser[];
  existingLocations: Location[];
  headquarters: Location | undefined;
  now: Date;
}

/**
 * Every rule of setupCustomer over one snapshot of the customer, with no database: the rows to
 * write, or STOP with every error recorded on `errors` (rooted at `input`).
 */
export function planSetup(draft: SetupDraft, snapshot: SetupSnapshot, errors: UserErrors, now: Date): SetupPlan | Stop {
  const { rows, userInputs, locationInputs } = draft;
  const { customer, existingLocations } = snapshot;
  // An unknown customer does not end the checks: every rule that does not need the customer
  // (location fields, row shapes, numbers against the package, values taken in the system or
  // repeated in the request) still runs, so the caller gets all of the request's errors at once.
  if (!customer) errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
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
    // Two sources, not a literal spreading the draft (slow in V8: see planCustomer).
    const location = Object.assign(new Location(), draft satisfies LocationDraft, {
      // without a customer the row is only looked at (errors are certain), never written
      id: newId(), customerId: customer?.id ?? '', isHeadquarters: false, createdAt: now,
    } satisfies Omit<Location, keyof LocationDraft>);
    if (!locationsByKey.has(key)) locationsByKey.set(key, location);
    newLocations.push(location);
  });

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
  if (errors.any() || !customer) return STOP;
  return { customer, newLocations, created, adminUpdate: adminUpdate as CustomerUser | null, users, existingLocations, headquarters, now };

}
