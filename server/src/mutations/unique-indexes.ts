import type { UniqueViolation } from './write';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';

/** What a unique index of the schema keeps unique, in the words of the inputs that write it. */
export type UniqueField = 'templateName' | 'externalId' | 'email' | 'phoneNumber' | 'extension' | 'locationName';

/**
 * Every unique index a request can violate, by name (PostgreSQL reports the name, SQLite the name
 * of an index on expressions as `index 'name'` and of one on plain columns as `table.column, …`).
 * test/unique-violation.test.ts fails when the schema gains a unique index this table lacks.
 */
const UNIQUE_INDEXES: ReadonlyArray<{ name: string; sqliteColumns?: string; field: UniqueField }> = [
  { name: 'ux_template_name', field: 'templateName' },
  { name: 'ux_customer_external_id', sqliteColumns: 'customer.partnerId, customer.externalId', field: 'externalId' },
  { name: 'ux_user_email_lower', field: 'email' },
  // The plain index of the initial migration, replaced by ux_user_email_lower (1732700000000).
  { name: 'ux_user_email', sqliteColumns: 'customer_user.email', field: 'email' },
  { name: 'ux_user_phone', sqliteColumns: 'customer_user.phoneNumber', field: 'phoneNumber' },
  { name: 'ux_user_extension', sqliteColumns: 'customer_user.customerId, customer_user.extension', field: 'extension' },
  { name: 'ux_location_name', field: 'locationName' },
];

/** The input field a violated unique index stands for, or null for an index no input writes. */
export function uniqueFieldOf(violation: UniqueViolation): UniqueField | null {
  const index = violation.index;
  const entry = UNIQUE_INDEXES.find((e) => e.name === index || `index '${e.name}'` === index || e.sqliteColumns === index);
  return entry?.field ?? null;
}

/** Where a mutation reports a lost race on one unique field: a path under `input` and a message. */
export type TakenAt = { path: Array<string | number>; message: string };

/**
 * A concurrent request took a unique value after this one's checks (PostgreSQL, and again on every
 * retry): TAKEN on the field the mutation names for that index, or null (an internal error) for an
 * index the mutation does not write. `at` may look at the clashing value (PostgreSQL names it).
 */
export function takenByIndex(
  violation: UniqueViolation,
  at: Partial<Record<UniqueField, TakenAt | ((value: string | null) => TakenAt)>>,
): UserError[] | null {
  const field = uniqueFieldOf(violation);
  const where = field ? at[field] : undefined;
  if (!where) return null;
  const { path, message } = typeof where === 'function' ? where(violation.values?.at(-1) ?? null) : where;
  return UserErrors.root('input').add(UserErrorCode.TAKEN, message, ...path).list;
}

/** The message of a lost race: the clashing value when PostgreSQL names it. */
export function concurrentlyTakenMessage(value: string | null, field: string): string {
  return `A concurrent request took ${value ?? `a value of this request (${field})`}; retry to see the current state.`;
}

/** A row of users as the user-row mutations (setupCustomer, updateUsers) plan it: what a lost race is matched against. */
interface UserRowValues {
  index: number;
  email?: string | null;
  phone?: { ok: true; e164: string } | { ok: false } | null;
  extension?: string | null;
}

/**
 * For takenByIndex: a lost race on a user's email, number or extension is TAKEN on the row that
 * holds the clashing value (`users.<row>.<field>`), or on `users` when PostgreSQL did not name it.
 */
export function takenOnUserRows(rows: readonly UserRowValues[]): Record<'email' | 'phoneNumber' | 'extension', (value: string | null) => TakenAt> {
  const onRow = (field: 'email' | 'phoneNumber' | 'extension', holds: (row: UserRowValues, value: string) => boolean) => (value: string | null): TakenAt => {
    const row = value === null ? undefined : rows.find((r) => holds(r, value));
    return { path: row ? ['users', row.index, field] : ['users'], message: concurrentlyTakenMessage(value, field) };
  };
  return {
    email: onRow('email', (r, value) => r.email === value),
    phoneNumber: onRow('phoneNumber', (r, value) => r.phone?.ok === true && r.phone.e164 === value),
    extension: onRow('extension', (r, value) => r.extension === value),
  };
}
