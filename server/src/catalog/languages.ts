import { isCountryCode } from './countries';

const LANGUAGE = /^[a-z]{2}(?:_([A-Z]{2}))?$/;

/** `ll` or `ll_CC` with a real country, e.g. `en_US`, `nl`. */
export function isLanguageTag(value: string): boolean {
  const match = LANGUAGE.exec(value);
  return match !== null && (match[1] === undefined || isCountryCode(match[1]));
}

const zoneCache = new Map<string, string | null>();
const ZONE_SHAPE = /^(?:UTC|GMT|[A-Za-z][A-Za-z_-]+(?:\/[A-Za-z0-9_+-]+){1,2})$/i;

/**
 * The IANA time zone the runtime knows under this name, in its canonical spelling (Intl matches
 * names case-insensitively: `europe/amsterdam` is `Europe/Amsterdam`), or null. Offsets like
 * `+01:00` are not zones. Only the casing is taken from the runtime: links such as
 * `Asia/Calcutta` stay as given, because ICU's idea of canonical is older than IANA's.
 */
export function canonicalTimeZone(value: string): string | null {
  const cached = zoneCache.get(value);
  if (cached !== undefined) return cached;
  let zone: string | null = null;
  if (value.length <= 64 && ZONE_SHAPE.test(value)) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
      zone = resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
    } catch {
      zone = null;
    }
  }
  if (zoneCache.size < 10_000) zoneCache.set(value, zone);
  return zone;
}
