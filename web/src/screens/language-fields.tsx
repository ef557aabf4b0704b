import type { ErrorMap, Option } from '../forms';
import { SelectField } from '../forms';
import type { Country, Language } from '../session';

/** `nl_NL` → `{ language: 'nl', country: 'NL' }`; '' (no value) → both empty. */
export function splitLanguage(tag: string): { language: string; country: string } {
  const [language = '', country = ''] = tag.split(/[_-]/);
  return { language: language.toLowerCase(), country: country.toUpperCase() };
}

/**
 * A `language` field (domain.md §4: `ll` or `ll_CC`) as two dropdowns built from the catalog queries:
 * Language from `languages`, Language variant from `countries`, so nothing is typed in and only
 * what the server accepts can be chosen. Errors on `name` show on the Language dropdown.
 * `empty`: the label of "no value" (the default the server then uses), or undefined when a value is required.
 * `label` names the first dropdown; the second is "<label> variant".
 */
export function LanguageFields({ name, value, onChange, errors, languages, countries, empty, hint, label = 'Language' }: {
  name: string; value: string; onChange(tag: string): void; errors: ErrorMap;
  languages: readonly Language[]; countries: readonly Country[]; empty?: string; hint?: string; label?: string;
}) {
  const { language, country } = splitLanguage(value);
  // Former codes (iw) stay accepted but are offered only to a value that already has one.
  const languageOptions: Option[] = languages
    .filter((l) => l.replacedBy === null || l.code === language)
    .map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }));
  if (language && !languageOptions.some((o) => o.value === language)) languageOptions.push({ value: language, label: language });
  const variantOptions: Option[] = [
    { value: '', label: language ? `No country (${language})` : 'No country' },
    ...countries.map((c) => ({ value: c.code, label: language ? `${c.name} (${language}_${c.code})` : c.name })),
  ];
  if (country && !variantOptions.some((o) => o.value === country)) variantOptions.push({ value: country, label: country });
  const tag = (l: string, c: string) => (l ? (c ? `${l}_${c}` : l) : '');
  return (
    <>
      <SelectField label={label} name={name} errors={errors} value={language} hint={hint}
        options={languageOptions} placeholder={empty} onChange={(l) => onChange(tag(l, l ? country : ''))} />
      <SelectField label={`${label} variant`} name={`${name}.variant`} errors={errors} value={country}
        hint="The country or region whose form of the language is meant, e.g. Netherlands for nl_NL."
        options={variantOptions} selectProps={{ disabled: !language }} onChange={(c) => onChange(tag(language, c))} />
    </>
  );
}
