import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';

/** The PostgreSQL code of a foreign key violation. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * A write that references a row a concurrent deleteCustomer or removeLocation removed after this
 * write's checks (PostgreSQL; SQLite runs writers one at a time): NOT_FOUND on the field that named
 * it, as a retry would answer, never an internal error. Null for any other error.
 */
export function deletedMeanwhile(error: unknown, field: string, what: string): UserError[] | null {
  if ((error as { driverError?: { code?: string } })?.driverError?.code !== FOREIGN_KEY_VIOLATION) return null;
  return UserErrors.root('input').add(UserErrorCode.NOT_FOUND, `The ${what} was deleted while this request ran.`, field).list;
}
