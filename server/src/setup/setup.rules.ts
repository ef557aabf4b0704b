import { Package, packageRow } from '../catalog/packages';
import { normalizeEmail } from '../rules/email';
import { NAME_MAX, requiredText } from '../rules/strings';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';
import { parseNumberAt, parseUserNumber, ParsedPhone } from '../rules/phone-number';
import type { CustomerUserInput } from './setup-customer.inputs';

export const MAX_USERS_PER_SETUP = 10_000;
export const MAX_LOCATIONS_PER_SETUP = 1_000;
export { NAME_MAX };
const EXTENSION = /^\d{2,10}$/;

/** One user row after the checks that need no database: trimmed, parsed once. */
export interface UserRowDraft {
  index: number;
  firstName: string;
  lastName: string;
  email: string;
  package: Package;
  locationKey: string | null;
  /** The number as given (null when blank): national forms are read once the row's location is known. */
  phoneRaw: string | null;
  phone: ParsedPhone | null;
  extension: string | null;
}

/** An optional text field as a form sends it: blank (empty or whitespace only) means not given. */
function givenOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

export function normalizeUserRow(input: CustomerUserInput, index: number, errors: UserErrors): UserRowDraft {
  // Forms and CSV files send "" for an empty field: a blank number or extension is not given,
  // like a blank address line 2, never INVALID (nor NOT_ALLOWED on a row without calling).
  const extension = givenOrNull(input.extension)?.trim() ?? null;
  if (extension !== null && !EXTENSION.test(extension)) {
    errors.add(UserErrorCode.INVALID, 'An extension is 2 to 10 digits.', 'extension');
  }
  // Read for good by resolveNumbers once the row's location (and so its country) is known.
  const phoneRaw = givenOrNull(input.phoneNumber);
  const phone = phoneRaw === null ? null : parseUserNumber(phoneRaw);
  const locationName = input.locationName?.trim() ?? '';
  return {
    index,
    firstName: requiredText(input.firstName, NAME_MAX, errors, 'firstName', 'First name'),
    lastName: requiredText(input.lastName, NAME_MAX, errors, 'lastName', 'Last name'),
    email: normalizeEmail(input.email, errors, 'email'),
    package: input.package,
    locationKey: locationName ? locationName.toLowerCase() : null,
    phoneRaw,
    phone,
    extension,
  };
}

/**
 * Reads each row's number against the country of the row's location (international or that
 * country's national form, domain.md §14) and records INVALID with an example of that country.
 * A row whose location is unknown keeps the international reading; a national number there gets
 * no error of its own, because the unknown location (or customer) already has one.
 */
export function resolveNumbers(
  rows: UserRowDraft[],
  locationOf: (row: UserRowDraft) => { countryCode: string; name: string } | undefined,
  errorsOf: (row: UserRowDraft) => UserErrors,
): void {
  for (const row of rows) {
    if (row.phoneRaw === null || row.phone === null) continue;
    const location = locationOf(row);
    if (location) row.phone = parseNumberAt(row.phoneRaw, location.countryCode, location.name);
    else if (!row.phone.ok && row.phone.national) continue;
    if (!row.phone.ok) errorsOf(row).add(UserErrorCode.INVALID, `"${row.phoneRaw.slice(0, 40)}" ${row.phone.reason}.`, 'phoneNumber');
  }
}

/** Calling packages need a number or an extension; the others may have neither. */
export function checkNumbersForPackage(row: UserRowDraft, errors: UserErrors): void {
  if (packageRow(row.package).calling) {
    if (row.phone === null && row.extension === null) {
      errors.add(UserErrorCode.REQUIRED, `${row.package} includes calling: give a phone number, an extension or both.`, 'phoneNumber');
    }
    return;
  }
  if (row.phone !== null) errors.add(UserErrorCode.NOT_ALLOWED, `${row.package} has no calling: no phone number.`, 'phoneNumber');
  if (row.extension !== null) errors.add(UserErrorCode.NOT_ALLOWED, `${row.package} has no calling: no extension.`, 'extension');
}

/** A row's fields in the order of the input type (and of a CSV's usual columns). */
const FIELD_ORDER = ['name', 'address', 'timeZone', 'language', 'emergencyLocationIdentifier',
  'firstName', 'lastName', 'email', 'package', 'locationName', 'phoneNumber', 'extension'];

/**
 * Rules run in passes (row shape, numbers at their location's country, then lookups), so errors
 * arrive grouped by pass; a client turning them into a CSV report wants them row by row:
 * locations, then users, by index, and within a row in the order of its fields.
 */
export function inRowOrder(list: UserError[]): UserError[] {
  const fieldRank = (name: string | undefined) => {
    const i = name === undefined ? -1 : FIELD_ORDER.indexOf(name);
    return i < 0 ? FIELD_ORDER.length : i;
  };
  const rank = (e: UserError) => [e.field[1] === 'users' ? 1 : 0, Number(e.field[2] ?? -1), fieldRank(e.field[3])] as const;
  return list
    .map((e, i) => ({ e, i, r: rank(e) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.r[2] - b.r[2] || a.i - b.i)
    .map(({ e }) => e);
}
