import { checkPostalCode, checkSubdivision, checkTimeZoneOfCountry } from '../catalog/address-formats';
import { postalCodeRequired, stateRequired } from '../catalog/countries';
import { canonicalTimeZone } from '../catalog/languages';
import { DEFAULT_MAX_LENGTH, optionalText, requiredText } from '../rules/strings';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { normalizeCountryCode, normalizeLanguage } from '../templates/template.rules';
import type { LocationInput } from './location.inputs';
import { Location } from './location.entity';

export const LOCATION_NAME_MAX = 80;
export const ADDRESS_LINE_MAX = 50;

/** A location's fields, trimmed and checked; `errors` is scoped to the location's path. */
export type LocationDraft = Omit<Location, 'id' | 'customerId' | 'isHeadquarters' | 'createdAt'>;

export function normalizeLocation(input: LocationInput, defaultLanguage: string, errors: UserErrors): LocationDraft {
  const address = errors.at('address');
  const countryCode = normalizeCountryCode(input.address.countryCode, address);
  const countryValid = !address.hasAt('countryCode');
  const draft: LocationDraft = {
    name: requiredText(input.name, LOCATION_NAME_MAX, errors, 'name', 'Location name'),
    line1: requiredText(input.address.line1, ADDRESS_LINE_MAX, address, 'line1', 'Address line 1'),
    line2: optionalText(input.address.line2, ADDRESS_LINE_MAX, address, 'line2', 'Address line 2'),
    city: requiredText(input.address.city, DEFAULT_MAX_LENGTH, address, 'city', 'City'),
    stateOrProvince: optionalText(input.address.stateOrProvince, DEFAULT_MAX_LENGTH, address, 'stateOrProvince', 'State or province'),
    postalCode: optionalText(input.address.postalCode, 32, address, 'postalCode', 'Postal code'),
    countryCode,
    timeZone: canonicalTimeZone(input.timeZone.trim()) ?? input.timeZone.trim(),
    language: normalizeLanguage(input.language, defaultLanguage, errors, 'language'),
    emergencyLocationIdentifier: optionalText(input.emergencyLocationIdentifier, DEFAULT_MAX_LENGTH, errors,
      'emergencyLocationIdentifier', 'Emergency location identifier'),
  };
  if (countryValid && stateRequired(countryCode)) {
    if (draft.stateOrProvince === null) {
      address.add(UserErrorCode.REQUIRED, `A state or province is required for addresses in ${countryCode}.`, 'stateOrProvince');
    } else if (!address.hasAt('stateOrProvince')) {
      // Checked where it is required (domain.md §14); stored as given, code or name.
      const subdivision = checkSubdivision(draft.stateOrProvince, countryCode);
      if (!subdivision.ok) address.add(UserErrorCode.INVALID, subdivision.message, 'stateOrProvince');
    }
  }
  if (countryValid && postalCodeRequired(countryCode) && draft.postalCode === null) {
    address.add(UserErrorCode.REQUIRED, `A postal code is required for addresses in ${countryCode}.`, 'postalCode');
  } else if (countryValid && draft.postalCode !== null && !address.hasAt('postalCode')) {
    const postal = checkPostalCode(draft.postalCode, countryCode);
    if (!postal.ok) address.add(UserErrorCode.INVALID, postal.message, 'postalCode');
  }
  if (canonicalTimeZone(draft.timeZone) === null) {
    errors.add(UserErrorCode.INVALID, `"${input.timeZone.slice(0, 40)}" is not an IANA time zone (e.g. Europe/Amsterdam).`, 'timeZone');
  } else if (countryValid) {
    const zone = checkTimeZoneOfCountry(draft.timeZone, countryCode);
    if (!zone.ok) errors.add(UserErrorCode.INVALID, zone.message, 'timeZone');
  }
  return draft;
}
