import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { checkUserPackage } from '../catalog/package.rules';
import { Package, packageRow } from '../catalog/packages';
import type { Customer } from '../customers/customer.entity';
import { CustomerUser, customerUserOf } from '../customers/customer-user.entity';
import type { Location } from '../customers/location.entity';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { STOP, type Stop } from '../mutations/define-mutation';
import { normalizeEmail } from '../rules/email';
import { requiredText } from '../rules/strings';
import { parseNumberAt, parseUserNumber, phoneMatchesCountry, type ParsedPhone } from '../rules/phone-number';
import { NAME_MAX } from '../setup/setup.rules';
import type { CustomerUserUpdateInput } from './user-lifecycle.inputs';

export const MAX_USERS_PER_UPDATE = 10_000;
const EXTENSION = /^\d{2,10}$/;

/**
 * One row of updateUsers after the checks that need no database. `undefined` means the field was
 * left out (keep the value); for the number and the extension `null` means clear it.
 */
export interface UserUpdateRow {
  index: number;
  id: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  package?: Package;
  /** Lower-cased location name, and the name as given (for messages). */
  location?: { key: string; label: string };
  phone?: ParsedPhone | null;
  /** The number as given (blank: null); a national form is read once the user's location is known (resolveUpdateNumbers). */
  phoneRaw?: string | null;
  extension?: string | null;
}

/** Blank (as a form or a CSV cell sends it) or null. */
const blank = (value: string | null | undefined): boolean => value === null || value === undefined || value.trim() === '';

export function normalizeUpdateRow(input: CustomerUserUpdateInput, index: number, errors: UserErrors): UserUpdateRow {
  // Every field present from the start: one hidden class for all 10,000 rows (fields added one by
  // one gave each combination its own shape, and the plan's property reads went megamorphic).
  const row: UserUpdateRow = {
    index, id: input.id, firstName: undefined, lastName: undefined, email: undefined, package: undefined,
    location: undefined, phone: undefined, phoneRaw: undefined, extension: undefined,
  };
  // A field that cannot be empty is refused when sent empty, rather than read as "keep": the
  // caller may believe it cleared something.
  const cannotClear = (field: string, label: string) => errors.add(UserErrorCode.REQUIRED, `${label} cannot be cleared; leave the field out to keep it.`, field);
  if (input.firstName !== undefined) {
    if (blank(input.firstName)) cannotClear('firstName', 'First name');
    else row.firstName = requiredText(input.firstName, NAME_MAX, errors, 'firstName', 'First name');
  }
  if (input.lastName !== undefined) {
    if (blank(input.lastName)) cannotClear('lastName', 'Last name');
    else row.lastName = requiredText(input.lastName, NAME_MAX, errors, 'lastName', 'Last name');
  }
  if (input.email !== undefined) {
    if (blank(input.email)) cannotClear('email', 'The email address');
    else row.email = normalizeEmail(input.email, errors, 'email');
  }
  if (input.package !== undefined) {
    if (input.package === null) cannotClear('package', 'The package');
    else row.package = input.package;
  }
  if (input.locationName !== undefined) {
    if (blank(input.locationName)) cannotClear('locationName', 'The location');
    else row.location = { key: input.locationName!.trim().toLowerCase(), label: input.locationName!.trim() };
  }
  if (input.phoneNumber !== undefined) {
    if (blank(input.phoneNumber)) row.phone = row.phoneRaw = null;
    else {
      // International form is read at once (so the request's numbers can be looked up together);
      // a national form waits for the country of the user's location (resolveUpdateNumbers).
      row.phoneRaw = input.phoneNumber!;
      row.phone = parseUserNumber(row.phoneRaw);
    }
  }
  if (input.extension !== undefined) {
    if (blank(input.extension)) row.extension = null;
    else {
      row.extension = input.extension!.trim();
      if (!EXTENSION.test(row.extension)) errors.add(UserErrorCode.INVALID, 'An extension is 2 to 10 digits.', 'extension');
    }
  }
  return row;
}

/**
 * Reads each given number in the country of the user's location as it will be (the row's new
 * location, else the user's own): international form or that country's national form (domain.md
 * §14), INVALID with an example of that country otherwise. A row whose user or location is unknown
 * keeps the international reading; a national number there gets no error of its own, because the
 * unknown id or location already has one.
 */
export function resolveUpdateNumbers(
  rows: UserUpdateRow[], users: ReadonlyMap<string, CustomerUser>, locations: readonly Location[], errors: UserErrors,
): void {
  const byKey = new Map(locations.map((l) => [l.name.toLowerCase(), l]));
  const byId = new Map(locations.map((l) => [l.id, l]));
  for (const row of rows) {
    if (row.phoneRaw === undefined || row.phoneRaw === null || !row.phone) continue;
    const user = users.get(row.id);
    const location = row.location ? byKey.get(row.location.key) : user ? byId.get(user.locationId) : undefined;
    // An international number already read and of the right country is not parsed a second time
    // (libphonenumber costs microseconds a number, 10,000 times); anything else gets the country's reading and message.
    if (location && !(row.phone.ok && phoneMatchesCountry(row.phone.phone, location.countryCode))) {
      row.phone = parseNumberAt(row.phoneRaw, location.countryCode, location.name);
    }
    else if (!row.phone.ok && row.phone.national) continue;
    if (!row.phone.ok) errors.at('users', row.index).add(UserErrorCode.INVALID, `"${row.phoneRaw.slice(0, 40)}" ${row.phone.reason}.`, 'phoneNumber');
  }
}

/** What the rules read from the database, with a few set-based queries whatever the row count. */
export interface UserUpdateSnapshot {
  /** Null: no customer of the caller's partner has the id. */
  customer: Customer | null;
  /** The customer's users named by the request, by id. */
  users: Map<string, CustomerUser>;
  locations: Location[];
  /** Lower-cased email → id of the user holding it (anywhere), for the emails the request gives. */
  emailHolders: Map<string, string>;
  /** E.164 number → id of the user holding it (anywhere), for the numbers the request gives. */
  phoneHolders: Map<string, string>;
  /** Extension → id of the customer's user holding it. */
  extensionHolders: Map<string, string>;
}

/** One user of the request: as stored, and as it will be. */
export interface UserChange {
  before: CustomerUser;
  after: CustomerUser;
}

export interface UserUpdatePlan {
  customer: Customer;
  /** Every row of the request as it will be, in input order. */
  users: CustomerUser[];
  /** The users whose stored row changes (the rows to write, and what Webex must hear about). */
  changes: UserChange[];
  /**
   * Users whose current email, number or extension another row of the request takes: cleared
   * before the new values are written, so a swap never meets the unique indexes halfway.
   */
  vacate: { email: string[]; phoneNumber: string[]; extension: string[] };
  /** The full administrator's new email (the customer's adminEmail follows), or null. */
  adminEmail: string | null;
  locations: Location[];
  now: Date;
}

type Unique = 'email' | 'phoneNumber' | 'extension';

/**
 * Every rule of updateUsers over one snapshot, with no database: the rows to write, or STOP with
 * every error on `errors` (rooted at `input`). Uniqueness is judged on the state after the call:
 * a value is free when its holder is a user of this request who gives it up.
 */
export function planUserUpdate(rows: UserUpdateRow[], snapshot: UserUpdateSnapshot, errors: UserErrors, now: Date): UserUpdatePlan | Stop {
  const { customer } = snapshot;
  if (!customer) {
    errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
    return STOP;
  }
  const locationsByKey = new Map(snapshot.locations.map((l) => [l.name.toLowerCase(), l]));
  const locationsById = new Map(snapshot.locations.map((l) => [l.id, l]));

  // The fields of each row that already have an error, kept here rather than asked of `errors`
  // (UserErrors.hasAt scans the whole list: quadratic over a 10,000-row call full of errors).
  const failed = new Map<number, Set<string>>();
  for (const e of errors.list) {
    if (e.field[1] !== 'users' || e.field[3] === undefined) continue;
    const index = Number(e.field[2]);
    let fields = failed.get(index);
    if (!fields) failed.set(index, (fields = new Set()));
    fields.add(e.field[3]);
  }
  const NONE = new Set<string>();
  const fieldsFailed = (index: number) => failed.get(index) ?? NONE;
  /** Records an error on one field of a row, and remembers that the field failed. */
  const fail = (at: UserErrors, index: number, code: UserErrorCode, message: string, field: string) => {
    at.add(code, message, field);
    let fields = failed.get(index);
    if (!fields) failed.set(index, (fields = new Set()));
    fields.add(field);
  };

  // Pass 1: each row's user as it will be.
  const resolved: Array<{ row: UserUpdateRow; at: UserErrors; before: CustomerUser; after: CustomerUser }> = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const at = errors.at('users', row.index);
    const before = snapshot.users.get(row.id);
    if (!before) {
      at.add(UserErrorCode.NOT_FOUND, 'No user of this customer has this id.', 'id');
      continue;
    }
    if (seen.has(before.id)) {
      at.add(UserErrorCode.INVALID, 'This user already has an earlier row in this request.', 'id');
      continue;
    }
    seen.add(before.id);
    let locationId = before.locationId;
    if (row.location) {
      const location = locationsByKey.get(row.location.key);
      if (location) locationId = location.id;
      else fail(at, row.index, UserErrorCode.NOT_FOUND, `The customer has no location named "${row.location.label}".`, 'locationName');
    }
    const phoneNumber = row.phone === undefined ? before.phoneNumber : row.phone === null ? null : row.phone.ok ? row.phone.e164 : before.phoneNumber;
    const extension = row.extension === undefined ? before.extension : row.extension;
    const after = customerUserOf({
      id: before.id, customerId: before.customerId, roles: before.roles, createdAt: before.createdAt, updatedAt: before.updatedAt,
      firstName: row.firstName ?? before.firstName,
      lastName: row.lastName ?? before.lastName,
      email: row.email ?? before.email,
      package: row.package ?? before.package,
      locationId, phoneNumber, extension,
    });
    resolved.push({ row, at, before, after });
  }

  // Who holds what after the call, among the request's users.
  const finalValue: Record<Unique, Map<string, string | null>> = { email: new Map(), phoneNumber: new Map(), extension: new Map() };
  for (const { after } of resolved) {
    finalValue.email.set(after.id, after.email);
    finalValue.phoneNumber.set(after.id, after.phoneNumber);
    finalValue.extension.set(after.id, after.extension);
  }
  const holders: Record<Unique, Map<string, string>> = {
    email: snapshot.emailHolders, phoneNumber: snapshot.phoneHolders, extension: snapshot.extensionHolders,
  };
  const claimed: Record<Unique, Set<string>> = { email: new Set(), phoneNumber: new Set(), extension: new Set() };
  const describe: Record<Unique, (v: string) => string> = {
    email: (v) => v, phoneNumber: (v) => v, extension: (v) => `Extension ${v}`,
  };
  const elsewhere: Record<Unique, string> = {
    email: 'already belongs to a user', phoneNumber: 'is already assigned to a user', extension: 'is already used in this organization',
  };
  /** A value this row takes: free once the call is done, and taken by no earlier row. */
  const checkUnique = (field: Unique, value: string | null, user: CustomerUser, at: UserErrors, index: number) => {
    if (value === null || value === user[field] || fieldsFailed(index).has(field)) return;
    if (claimed[field].has(value)) {
      fail(at, index, UserErrorCode.TAKEN, `${describe[field](value)} appears in an earlier row of this request.`, field);
      return;
    }
    claimed[field].add(value);
    const holder = holders[field].get(value);
    if (holder === undefined || holder === user.id) return;
    const holderKeeps = !finalValue[field].has(holder) || finalValue[field].get(holder) === value;
    if (holderKeeps) fail(at, index, UserErrorCode.TAKEN, `${describe[field](value)} ${elsewhere[field]}.`, field);
  };

  // Pass 2: the rules on each user as it will be.
  for (const { row, at, before, after } of resolved) {
    const bad = fieldsFailed(row.index);
    const holdsAdminRole = before.email === customer.adminEmail || before.roles.length > 0;
    if (row.package !== undefined) {
      checkUserPackage(customer.package, after.package, holdsAdminRole, at);
    }
    if (packageRow(after.package).calling) {
      // A calling user keeps a number or an extension; a full administrator who never had one
      // (createCustomer gives none) is not refused a change of name for it.
      const hadNumbers = before.phoneNumber !== null || before.extension !== null || !packageRow(before.package).calling;
      if (after.phoneNumber === null && after.extension === null && hadNumbers && !bad.has('phoneNumber') && !bad.has('extension')) {
        fail(at, row.index, UserErrorCode.REQUIRED, `${after.package} includes calling: keep a phone number, an extension or both.`, 'phoneNumber');
      }
    } else {
      if (after.phoneNumber !== null && !bad.has('phoneNumber')) {
        fail(at, row.index, UserErrorCode.NOT_ALLOWED, `${after.package} has no calling: clear the phone number (phoneNumber: null) in the same row.`, 'phoneNumber');
      }
      if (after.extension !== null && !bad.has('extension')) {
        fail(at, row.index, UserErrorCode.NOT_ALLOWED, `${after.package} has no calling: clear the extension (extension: null) in the same row.`, 'extension');
      }
    }

    // The number must fit the country of the user's location as it will be.
    const location = locationsById.get(after.locationId);
    const numberGiven = row.phone !== undefined && row.phone !== null && row.phone.ok;
    const moved = after.locationId !== before.locationId;
    if (location && after.phoneNumber !== null && (numberGiven || moved) && !bad.has('phoneNumber') && !bad.has('locationName')) {
      const phone = numberGiven ? (row.phone as Extract<ParsedPhone, { ok: true }>).phone : parsePhoneNumberFromString(after.phoneNumber);
      if (!phone || !phoneMatchesCountry(phone, location.countryCode)) {
        if (numberGiven) {
          fail(at, row.index, UserErrorCode.INVALID, `${after.phoneNumber} is not a valid number for ${location.countryCode}, the country of location "${location.name}".`, 'phoneNumber');
        } else {
          fail(at, row.index, UserErrorCode.INVALID, `The user's number ${after.phoneNumber} is not valid for ${location.countryCode}, the country of location "${location.name}": `
            + 'give a new phoneNumber in the same row, or clear it.', 'locationName');
        }
      }
    }

    checkUnique('email', after.email, before, at, row.index);
    checkUnique('phoneNumber', after.phoneNumber, before, at, row.index);
    checkUnique('extension', after.extension, before, at, row.index);
  }
  if (errors.any()) return STOP;

  const changes: UserChange[] = [];
  for (const { before, after } of resolved) {
    if (sameStoredFields(before, after)) continue;
    after.updatedAt = now;
    changes.push({ before, after });
  }
  const vacate: UserUpdatePlan['vacate'] = { email: [], phoneNumber: [], extension: [] };
  for (const field of ['email', 'phoneNumber', 'extension'] as const) {
    const taken = new Set<string>();
    for (const { before, after } of changes) if (after[field] !== null && after[field] !== before[field]) taken.add(after[field]!);
    for (const { before, after } of changes) {
      if (before[field] !== null && before[field] !== after[field] && taken.has(before[field]!)) vacate[field].push(before.id);
    }
  }
  const admin = changes.find((c) => c.before.email === customer.adminEmail);
  const adminEmail = admin && admin.after.email !== admin.before.email ? admin.after.email : null;
  return { customer, users: resolved.map((r) => r.after), changes, vacate, adminEmail, locations: snapshot.locations, now };
}

function sameStoredFields(a: CustomerUser, b: CustomerUser): boolean {
  return a.firstName === b.firstName && a.lastName === b.lastName && a.email === b.email && a.package === b.package
    && a.locationId === b.locationId && a.phoneNumber === b.phoneNumber && a.extension === b.extension;
}
