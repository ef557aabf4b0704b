import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';
import { defaultRegionFor, DataRegion, EU_MEMBERS } from './regions';

countries.registerLocale(english);

export interface CountryRow {
  code: string;
  name: string;
  dataRegion: DataRegion;
}

/**
 * Codes ISO 3166-1 leaves to users (AA, QM–QZ, XA–XZ, ZZ): never a country assignment. The
 * library lists XK (Kosovo, a user-assigned code in common use), which is not in ISO 3166-1.
 */
const USER_ASSIGNED = /^(AA|Q[M-Z]|X[A-Z]|ZZ)$/;

/** Every ISO 3166-1 alpha-2 country the API accepts, from the maintained library, sorted by code. */
export const COUNTRIES: readonly CountryRow[] = Object.keys(countries.getAlpha2Codes())
  .filter((code) => !USER_ASSIGNED.test(code))
  .sort()
  .map((code) => ({ code, name: countries.getName(code, 'en') ?? code, dataRegion: defaultRegionFor(code) }));

const CODES = new Set(COUNTRIES.map((c) => c.code));

/** A real ISO 3166-1 alpha-2 code, upper case as given (lower case is not accepted as a code). */
export function isCountryCode(value: string): boolean {
  return CODES.has(value);
}

/** Countries whose addresses need a state or province (domain.md §5). */
const STATE_REQUIRED = new Set(['US', 'CA', 'AU', 'IN', 'BR', 'MX', 'CN', 'JP']);
/** Countries whose addresses need a postal code: the above, GB and every EU member. */
const POSTAL_CODE_REQUIRED = new Set<string>([...STATE_REQUIRED, 'GB', ...EU_MEMBERS]);

export function stateRequired(countryCode: string): boolean {
  return STATE_REQUIRED.has(countryCode);
}

export function postalCodeRequired(countryCode: string): boolean {
  return POSTAL_CODE_REQUIRED.has(countryCode);
}
