import { isCountryCode } from './countries';

const LANGUAGE = /^[a-z]{2}(?:_([A-Z]{2}))?$/;

/** `ll` or `ll_CC` with a real country, e.g. `en_US`, `nl`. */
export function isLanguageTag(value: string): boolean {
  const match = LANGUAGE.exec(value);
  return match !== null && (match[1] === undefined || isCountryCode(match[1]));
}

const zoneCache = new Map<string, boolean>();
const ZONE_SHAPE = /^(?:UTC|GMT|[A-Z][A-Za-z_-]+(?:\/[A-Za-z0-9_+-]+){1,2})$/;

/** An IANA time zone the runtime knows (Intl), e.g. `Europe/Amsterdam`. Offsets like `+01:00` are not zones. */
export function isTimeZone(value: string): boolean {
  const cached = zoneCache.get(value);
  if (cached !== undefined) return cached;
  let known = false;
  if (value.length <= 64 && ZONE_SHAPE.test(value)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
  }
  if (zoneCache.size < 10_000) zoneCache.set(value, known);
  return known;
}
