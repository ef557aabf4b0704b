import type { EntityManager } from 'typeorm';
import type { Database, WriteOptions } from '../db/database';
import { asApiError } from '../errors/error-codes';
import { UserError, UserErrorsAbort } from '../errors/user-error';

export type WriteOutcome<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

/** A unique index violated by the write: its name, and on PostgreSQL the values that clashed. */
export interface UniqueViolation {
  index: string;
  /** The clashing values from PostgreSQL's detail, one per indexed column (see keyValuesOf); null on SQLite. */
  values: string[] | null;
}

export interface WriteOrUserErrorsOptions {
  dryRun?: boolean;
  /** See `WriteOptions.isolation` (PostgreSQL only). */
  isolation?: WriteOptions['isolation'];
  /**
   * A unique index the write violated, still violated after PostgreSQL's retries (a concurrent
   * writer won the race): return the user errors that say which field is TAKEN, or null to let it
   * be an internal error.
   */
  onUniqueViolation?: (violation: UniqueViolation) => UserError[] | null;
}

/**
 * One write transaction whose rules may still find user errors inside it (lookups and uniqueness
 * checked against the transaction's own view): throwing `UserErrorsAbort` rolls everything back
 * and turns into a failed outcome, so nothing is ever written next to a user error.
 */
export async function writeOrUserErrors<T>(
  db: Database,
  work: (tx: EntityManager) => Promise<T>,
  options: WriteOrUserErrorsOptions = {},
): Promise<WriteOutcome<T>> {
  try {
    const value = await db.write(work, { dryRun: options.dryRun, isolation: options.isolation });
    return { ok: true, value };
  } catch (error) {
    if (error instanceof UserErrorsAbort) return { ok: false, userErrors: error.userErrors };
    const violation = uniqueViolationOf(error);
    const userErrors = violation && options.onUniqueViolation?.(violation);
    if (userErrors && userErrors.length > 0) return { ok: false, userErrors };
    throw asApiError(db.translate(error));
  }
}

/** The unique index (and on PostgreSQL the clashing values) behind a failed write, or null. */
export function uniqueViolationOf(error: unknown): UniqueViolation | null {
  const index = violatedUniqueIndex(error);
  if (index === null) return null;
  const detail = (error as { driverError?: { detail?: string } })?.driverError?.detail ?? '';
  return { index, values: keyValuesOf(detail) };
}

/**
 * The values of PostgreSQL's unique-violation detail, one per indexed column or expression:
 * `Key ("customerId", lower(name::text))=(0193…, paris, nord) already exists.` gives
 * `["0193…", "paris, nord"]`. PostgreSQL joins the values with ", " and quotes none, so a value
 * containing ", " cannot be told apart from two values; the column list can (its commas outside
 * parentheses and quotes separate columns). Every unique index of the schema has ids (no commas)
 * in its leading columns and the user's text last, so the last value takes whatever remains.
 * Null when the detail is not in that form.
 */
export function keyValuesOf(detail: string): string[] | null {
  const prefix = 'Key (';
  if (!detail.startsWith(prefix)) return null;
  let columns = 1;
  let depth = 0;
  let quote: string | null = null;
  let end = -1;
  for (let i = prefix.length; i < detail.length && end < 0; i++) {
    const c = detail[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) end = i;
      else depth--;
    } else if (c === ',' && depth === 0) columns++;
  }
  if (end < 0) return null;
  const rest = /^\)=\((.*)\) already exists\.?$/s.exec(detail.slice(end));
  if (!rest) return null;
  const parts = rest[1].split(', ');
  if (parts.length < columns) return null;
  return [...parts.slice(0, columns - 1), parts.slice(columns - 1).join(', ')];
}

/** Uniqueness index that a write violated (a concurrent writer on PostgreSQL won the race), or null. */
export function violatedUniqueIndex(error: unknown): string | null {
  const e = error as { driverError?: { code?: string; constraint?: string; message?: string }; message?: string };
  const driver = e?.driverError;
  if (driver?.code === '23505' && driver.constraint) return driver.constraint;
  const message = driver?.message ?? e?.message ?? '';
  const match = /UNIQUE constraint failed: (.+)$/m.exec(message);
  return match ? match[1] : null;
}
