import type { EntityManager } from 'typeorm';
import type { Database, WriteOptions } from '../db/database';
import { UserError, UserErrorsAbort } from '../errors/user-error';

export type WriteOutcome<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

/** A unique index violated by the write: its name, and on PostgreSQL the values that clashed. */
export interface UniqueViolation {
  index: string;
  /** Column list and values from PostgreSQL's detail, e.g. `("phoneNumber")=(+31207948000)`; null on SQLite. */
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
    throw db.translate(error);
  }
}

/** The unique index (and on PostgreSQL the clashing values) behind a failed write, or null. */
export function uniqueViolationOf(error: unknown): UniqueViolation | null {
  const index = violatedUniqueIndex(error);
  if (index === null) return null;
  const detail = (error as { driverError?: { detail?: string } })?.driverError?.detail ?? '';
  // PostgreSQL: Key ("customerId", extension)=(0193…, 2001) already exists.
  const match = /^Key \((.*)\)=\((.*)\) already exists\.?$/s.exec(detail);
  return { index, values: match ? match[2].split(', ') : null };
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
