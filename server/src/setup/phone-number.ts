import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';

const SEPARATORS = /[\s\-.()]/g;
const E164_SHAPE = /^\+[1-9]\d{1,14}$/;

export type ParsedPhone =
  | { ok: true; e164: string; phone: PhoneNumber }
  | { ok: false; reason: string };

/**
 * Parses a number given in international form; spaces, dashes, dots and brackets are accepted.
 * Parsed once per row; the country check against the row's location happens later.
 */
export function parseInternationalNumber(raw: string): ParsedPhone {
  const compact = raw.trim().replace(SEPARATORS, '');
  if (!E164_SHAPE.test(compact)) {
    return { ok: false, reason: 'must be in international form: + and the country code, e.g. +31 20 794 8000' };
  }
  const phone = parsePhoneNumberFromString(compact);
  if (!phone || !phone.isValid()) return { ok: false, reason: 'is not a valid phone number' };
  return { ok: true, e164: phone.number, phone };
}

/** The number belongs to the numbering plan of `countryCode` (a +1 number of Canada is not valid for a US location). */
export function phoneMatchesCountry(phone: PhoneNumber, countryCode: string): boolean {
  if (phone.country) return phone.country === countryCode;
  try {
    return getCountryCallingCode(countryCode as CountryCode) === phone.countryCallingCode;
  } catch {
    return false;
  }
}
