import {
  getCountryCallingCode, getExampleNumber, parsePhoneNumberFromString, type CountryCode, type PhoneNumber,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';

const SEPARATORS = /[\s\-.()]/g;
const E164_SHAPE = /^\+[1-9]\d{1,14}$/;
/** Digits only once separators are gone: a number as dialled inside its country (`020 794 8000`), or with `00` first. */
const NATIONAL_SHAPE = /^\d{2,17}$/;

export type ParsedPhone =
  | { ok: true; e164: string; phone: PhoneNumber }
  | { ok: false; reason: string; national?: boolean };

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

/**
 * A user's number before its location is known: international form is parsed at once (so the
 * request's numbers can be looked up together); anything else may be the national form of the
 * location's country and waits for {@link parseNumberAt}.
 */
export function parseUserNumber(raw: string): ParsedPhone {
  const compact = raw.trim().replace(SEPARATORS, '');
  if (!compact.startsWith('+') && NATIONAL_SHAPE.test(compact)) {
    return { ok: false, national: true, reason: 'is not a valid phone number' };
  }
  return parseInternationalNumber(raw);
}

/** "e.g. +31 6 12345678 or 06 12345678": both forms of an example number of the country, from libphonenumber's metadata. */
export function exampleFor(countryCode: string): string {
  try {
    const example = getExampleNumber(countryCode as CountryCode, examples);
    if (example) return `e.g. ${example.formatInternational()} or ${example.formatNational()}`;
  } catch {
    // a country libphonenumber has no plan for: the generic advice below
  }
  return 'e.g. +31 20 794 8000';
}

/**
 * The number of a user whose location is in `countryCode` (domain.md §5 and §14): international
 * form, or the national form of that country (`020 794 8000` in NL, `(512) 472-1003` in the US);
 * either way it must belong to that country's numbering plan. Stored in E.164. The refusal's
 * example is a number of the same country, in both forms.
 */
export function parseNumberAt(raw: string, countryCode: string, locationName: string): ParsedPhone {
  const compact = raw.trim().replace(SEPARATORS, '');
  const where = `${countryCode}, the country of location "${locationName}"`;
  // Built only for a refusal: the example number costs more than the parse (10,000 rows a call).
  const advice = () => `give it in international form or as dialled in ${countryCode}, ${exampleFor(countryCode)}`;
  let phone: PhoneNumber | undefined;
  if (compact.startsWith('+')) {
    const international = parseInternationalNumber(raw);
    if (!international.ok) return { ok: false, reason: `is not a valid phone number: ${advice()}` };
    phone = international.phone;
  } else if (NATIONAL_SHAPE.test(compact)) {
    try {
      phone = parsePhoneNumberFromString(compact, countryCode as CountryCode);
    } catch {
      phone = undefined;
    }
  }
  if (!phone || !phone.isValid()) return { ok: false, reason: `is not a valid phone number for ${where}: ${advice()}` };
  if (!phoneMatchesCountry(phone, countryCode)) {
    return { ok: false, reason: `is not a valid number for ${where} (it is a number of ${phone.country ?? `+${phone.countryCallingCode}`}): ${advice()}` };
  }
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
