import { UserErrorCode, UserErrors } from '../errors/user-error';

/** Limit for free-text fields that domain.md leaves unbounded, so no column holds megabytes. */
export const DEFAULT_MAX_LENGTH = 256;

/**
 * U+0000 cannot be stored on PostgreSQL (text refuses it: error 22021) while SQLite would keep it.
 * Refused in every text we store, on both engines alike, so no stored value ever contains it: a
 * lookup or search by text containing it can answer "nothing" without asking the database.
 */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

function nulMessage(label: string): string {
  return `${label} must not contain the NUL character (U+0000).`;
}

/**
 * Trims a required text field and checks its length; records REQUIRED, INVALID (NUL) or TOO_LONG at `field`.
 * Returns the trimmed value (possibly invalid: callers only write when no error was recorded).
 */
export function requiredText(value: string | null | undefined, max: number, errors: UserErrors, field: string, label: string): string {
  const text = (value ?? '').trim();
  if (text.length === 0) errors.add(UserErrorCode.REQUIRED, `${label} is required.`, field);
  else if (hasNul(text)) errors.add(UserErrorCode.INVALID, nulMessage(label), field);
  else if ([...text].length > max) errors.add(UserErrorCode.TOO_LONG, `${label} must be at most ${max} characters.`, field);
  return text;
}

/** Trims an optional text field; blank becomes null. Records INVALID (NUL) or TOO_LONG at `field`. */
export function optionalText(value: string | null | undefined, max: number, errors: UserErrors, field: string, label: string): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length === 0) return null;
  if (hasNul(text)) errors.add(UserErrorCode.INVALID, nulMessage(label), field);
  else if ([...text].length > max) errors.add(UserErrorCode.TOO_LONG, `${label} must be at most ${max} characters.`, field);
  return text;
}

/**
 * An optional field that, once given, follows the rules of a required one: omitted or null means
 * "not given" (null), but a given blank value is REQUIRED and an overlong one TOO_LONG, as for the
 * required field it stands in for (e.g. createCustomer's adminFirstName and a user's firstName).
 */
export function givenText(value: string | null | undefined, max: number, errors: UserErrors, field: string, label: string): string | null {
  if (value === null || value === undefined) return null;
  return requiredText(value, max, errors, field, label);
}
