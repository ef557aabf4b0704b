import { getCountry, getTimezone } from 'countries-and-timezones';
import regionData from 'country-region-data/data.json';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';

/**
 * Address rules that need the world's data (domain.md §14), each from a maintained library rather
 * than a hand list: subdivisions from country-region-data (ISO 3166-2 codes and names), postal
 * code formats from postcode-validator, the time zones each country uses from
 * countries-and-timezones (IANA tzdb's zone.tab, links included).
 */

interface Subdivision {
  code: string;
  name: string;
}

/** Case, accents, dots and runs of spaces or dashes do not matter: "São Paulo" is "sao paulo". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[.'’]/g, '').replace(/[\s-]+/g, ' ').trim();
}

const SUBDIVISIONS = new Map<string, { list: Subdivision[]; keys: Set<string> }>();
for (const country of regionData as Array<{ countryShortCode: string; regions: Array<{ name: string; shortCode?: string }> }>) {
  const list = country.regions.filter((r) => r.shortCode).map((r) => ({ code: r.shortCode!, name: r.name }));
  const keys = new Set<string>();
  for (const { code, name } of list) {
    keys.add(fold(code));
    keys.add(fold(`${country.countryShortCode}-${code}`));
    keys.add(fold(name));
  }
  SUBDIVISIONS.set(country.countryShortCode, { list, keys });
}

export type Check = { ok: true } | { ok: false; message: string };
const OK: Check = { ok: true };

/**
 * A state or province of `countryCode`: its ISO 3166-2 code (`TX` or `US-TX`) or its name
 * (`Texas`, `São Paulo`, `Sao Paulo`), any case. A country the library has no subdivisions for
 * accepts any value.
 */
export function checkSubdivision(value: string, countryCode: string): Check {
  const known = SUBDIVISIONS.get(countryCode);
  if (!known || known.list.length === 0 || known.keys.has(fold(value))) return OK;
  const example = known.list.find((s) => /^[A-Z]{2,3}$/.test(s.code)) ?? known.list[0];
  return {
    ok: false,
    message: `"${value.slice(0, 40)}" is not a state or province of ${countryCode}: give its ISO 3166-2 code or its name (e.g. ${example.code} or ${example.name}).`,
  };
}

/** The postal code fits the format of `countryCode`, where postcode-validator knows that format. */
export function checkPostalCode(value: string, countryCode: string): Check {
  if (!postcodeValidatorExistsForCountry(countryCode)) return OK;
  let fits = false;
  try {
    fits = postcodeValidator(value, countryCode);
  } catch {
    return OK;
  }
  return fits ? OK : { ok: false, message: `"${value.slice(0, 32)}" is not a postal code of ${countryCode}.` };
}

const CONTINENTS = /^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\//;

/** Up to five zones of the country by their region names (Europe/Amsterdam rather than CET). */
function zonesOf(countryCode: string): string[] {
  const country = getCountry(countryCode, { deprecated: true });
  return (country?.timezones ?? []).filter((z) => CONTINENTS.test(z)).slice(0, 5);
}

/**
 * `timeZone` is one the country uses (`America/Los_Angeles` is not a zone of NL). A zone the
 * library does not know (a newer tzdb in the runtime) is accepted; zones of no country (`UTC`,
 * `Etc/GMT+1`) are not a country's zone.
 */
export function checkTimeZoneOfCountry(timeZone: string, countryCode: string): Check {
  const zone = getTimezone(timeZone);
  if (!zone || !getCountry(countryCode) || zone.countries.includes(countryCode as never)) return OK;
  const zones = zonesOf(countryCode);
  const hint = zones.length ? ` (e.g. ${zones.join(', ')})` : '';
  return { ok: false, message: `${timeZone} is not a time zone of ${countryCode}, the address's country: give one used there${hint}.` };
}
