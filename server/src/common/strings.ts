import { UserErrorCode, UserErrors } from '../errors/user-error';

/** Limit for free-text fields that domain.md leaves unbounded, so no column holds megabytes. */
export const DEFAULT_MAX_LENGTH = 256;

/**
 * Trims a required text field and checks its length; records REQUIRED or TOO_LONG at `field`.
 * Returns the trimmed value (possibly invalid: callers only write when no error was recorded).
 */
export function requiredText(value: string | null | undefined, max: number, errors: UserErrors, field: string, label: string): string {
  const text = (value ?? '').trim();
  if (text.length === 0) errors.add(UserErrorCode.REQUIRED, `${label} is required.`, field);
  else if ([...text].length > max) errors.add(UserErrorCode.TOO_LONG, `${label} must be at most ${max} characters.`, field);
  return text;
}

/** Trims an optional text field; blank becomes null. Records TOO_LONG at `field`. */
export function optionalText(value: string | null | undefined, max: number, errors: UserErrors, field: string, label: string): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length === 0) return null;
  if ([...text].length > max) errors.add(UserErrorCode.TOO_LONG, `${label} must be at most ${max} characters.`, field);
  return text;
}
