import { isEmail } from 'class-validator';
import { UserErrorCode, UserErrors } from '../errors/user-error';

const MAX_EMAIL_LENGTH = 254;
/** Half of a UTF-16 surrogate pair on its own: no address contains one, and validator's isEmail throws on it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Trims and lower-cases an address; records REQUIRED or INVALID at `field`. */
export function normalizeEmail(value: string | null | undefined, errors: UserErrors, field: string): string {
  const email = (value ?? '').trim().toLowerCase();
  if (email.length === 0) errors.add(UserErrorCode.REQUIRED, 'An email address is required.', field);
  else if (email.length > MAX_EMAIL_LENGTH || LONE_SURROGATE.test(email) || !isEmail(email)) {
    errors.add(UserErrorCode.INVALID, `"${truncate(value ?? '', 80)}" is not a valid email address.`, field);
  }
  return email;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
