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
