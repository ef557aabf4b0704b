import { hasNul } from '../rules/strings';
import { UserErrorCode, UserErrors } from '../errors/user-error';

export const WEBEX_PROVISIONING_ID_MAX = 256;

/**
 * A template's webexProvisioningId: the Provisioning ID Partner Hub shows on the matching template
 * (Cisco has no API to read it, so the partner copies it). Trimmed (a pasted ID often carries a
 * space or a newline); blank or null clears it.
 */
export function normalizeWebexProvisioningId(value: string | null | undefined, errors: UserErrors): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (hasNul(trimmed) || /\s/.test(trimmed)) {
    errors.add(UserErrorCode.INVALID, 'webexProvisioningId must not contain spaces or control characters: copy it from the template in Partner Hub.', 'webexProvisioningId');
  } else if (trimmed.length > WEBEX_PROVISIONING_ID_MAX) {
    errors.add(UserErrorCode.TOO_LONG, `webexProvisioningId must be at most ${WEBEX_PROVISIONING_ID_MAX} characters.`, 'webexProvisioningId');
  }
  return trimmed;
}
