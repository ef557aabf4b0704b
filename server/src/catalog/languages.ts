import { isCountryCode } from './countries';

/**
 * The runtime's CLDR names every ISO 639-1 language; `fallback: 'none'` makes it answer undefined
 * for a code it does not know (`xx`), so no hand list of languages is kept here.
 */
const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The English name of a two-letter language code (`nl` → Dutch), or null when no such language exists. */
export function languageName(code: string): string | null {
  try {
    return LANGUAGE_NAMES.of(code) ?? null;
  } catch {
    return null;
  }
}

export interface LanguageRow {
  /** ISO 639-1 code: a `language` field takes it alone (`nl`) or with a country of the catalog (`nl_NL`). */
  code: string;
  name: string;
  /** The two-letter code that replaced this former one (`iw` → `he`), which the API still accepts; otherwise null. */
  replacedBy: string | null;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Every language part parseLanguage accepts, sorted by code: derived from the same `languageName`
 * over every two-letter code rather than kept as a list, so the catalog cannot drift from the rule.
 */
export const LANGUAGES: readonly LanguageRow[] = [...LETTERS].flatMap((first) => [...LETTERS].map((second) => first + second))
  .flatMap((code) => {
    const name = languageName(code);
    if (name === null) return [];
    // `iw` → `he`; `sh` (Serbo-Croatian) canonicalizes to `sr-Latn`, a script and no code of this list.
    const canonical = Intl.getCanonicalLocales(code)[0]!;
    return [{ code, name, replacedBy: canonical !== code && /^[a-z]{2}$/.test(canonical) ? canonical : null }];
  });

/** Language tag after the friendly spellings are read: `nl-NL` and `nl-nl` → `nl_NL`. */
export type ParsedLanguage =
  | { ok: true; tag: string }
  | { ok: false; tag: string; reason: 'FORM' | 'UNKNOWN_LANGUAGE' | 'UNKNOWN_COUNTRY'; language: string; country: string | null };

const LANGUAGE_INPUT = /^([a-z]{2})(?:[-_]([A-Za-z]{2}))?$/;

/**
 * Reads `ll` or `ll_CC`, also written `ll-CC` (the BCP 47 spelling browsers send) or with a lower-case
 * country; the result is stored as `ll_CC`. Tells an unknown language (`xx_NL`) and an unknown
 * country (`nl_XX`) apart from a wrong form (`dutch`).
 */
export function parseLanguage(value: string): ParsedLanguage {
  const match = LANGUAGE_INPUT.exec(value);
  if (!match) return { ok: false, tag: value, reason: 'FORM', language: value, country: null };
  const language = match[1];
  const country = match[2]?.toUpperCase() ?? null;
  const tag = country === null ? language : `${language}_${country}`;
  if (languageName(language) === null) return { ok: false, tag, reason: 'UNKNOWN_LANGUAGE', language, country };
  if (country !== null && !isCountryCode(country)) return { ok: false, tag, reason: 'UNKNOWN_COUNTRY', language, country };
  return { ok: true, tag };
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
