import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { UserError, UserErrorsAbort } from '../errors/user-error';

export type WriteOutcome<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

/**
 * One write transaction whose rules may still find user errors inside it (lookups and uniqueness
 * checked against the transaction's own view): throwing `UserErrorsAbort` rolls everything back
 * and turns into a failed outcome, so nothing is ever written next to a user error.
 */
export async function writeOrUserErrors<T>(
  db: Database,
  work: (tx: EntityManager) => Promise<T>,
  options: { dryRun?: boolean } = {},
): Promise<WriteOutcome<T>> {
  try {
    const value = await db.write(work, options);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof UserErrorsAbort) return { ok: false, userErrors: error.userErrors };
    throw db.translate(error);
  }
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
