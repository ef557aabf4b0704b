import { parseLanguage } from '../catalog/languages';
import { isCountryCode } from '../catalog/countries';
import { hasNul, requiredText } from '../rules/strings';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';
import { AuthenticationMethod, Offer } from './template.enums';
import type { TemplateAuthenticationInput } from './template.inputs';

export const TEMPLATE_NAME_MAX = 80;
export const BRAND_NAME_MAX = 100;
export const IDP_ENTITY_ID_MAX = 1024;
export const OIDC_IDP_NAME_MAX = 256;
export const DEFAULT_EMAIL_LANGUAGE = 'en_US';


export interface NormalizedAuthentication {
  authenticationMethod: AuthenticationMethod;
  idpEntityId: string | null;
  oidcIdpName: string | null;
}

export function normalizeName(value: string, errors: UserErrors): string {
  return requiredText(value, TEMPLATE_NAME_MAX, errors, 'name', 'Template name');
}

export function normalizeBrandName(value: string, errors: UserErrors): string {
  return requiredText(value, BRAND_NAME_MAX, errors, 'brandName', 'Brand name');
}

/**
 * Codes people write for a country that ISO 3166-1 spells otherwise (UK is reserved at ISO's
 * request, not assigned): the INVALID message suggests the real code.
 */
const COMMON_MISTAKES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR' };

/** " (did you mean GB?)" for UK, "" otherwise. */
export function didYouMeanCountry(code: string): string {
  const suggestion = COMMON_MISTAKES[code.toUpperCase()];
  return suggestion ? ` (did you mean ${suggestion}?)` : '';
}

export function normalizeCountryCode(value: string, errors: UserErrors, field = 'countryCode'): string {
  const code = value.trim().toUpperCase();
  if (!isCountryCode(code)) {
    errors.add(UserErrorCode.INVALID, `"${value.slice(0, 20)}" is not an ISO 3166-1 alpha-2 country code${didYouMeanCountry(code)}.`, field);
  }
  return code;
}

export function normalizeLanguage(value: string | null | undefined, fallback: string, errors: UserErrors, field: string): string {
  if (value === null || value === undefined) return fallback;
  const language = value.trim();
  // A form's empty field means "not given", as for the other optional fields.
  if (language === '') return fallback;
  const parsed = parseLanguage(language);
  if (parsed.ok) return parsed.tag;
  const shown = value.trim().slice(0, 20);
  if (parsed.reason === 'UNKNOWN_LANGUAGE') {
    errors.add(UserErrorCode.INVALID, `"${parsed.language}" in "${shown}" is not a known language: use an ISO 639-1 code such as en, nl, de or fr.`, field);
  } else if (parsed.reason === 'UNKNOWN_COUNTRY') {
    errors.add(UserErrorCode.INVALID,
      `"${parsed.country}" in "${shown}" is not an ISO 3166-1 alpha-2 country code${didYouMeanCountry(parsed.country!)}.`, field);
  } else {
    errors.add(UserErrorCode.INVALID, `"${shown}" is not a language tag of the form ll or ll_CC (e.g. en_US, nl-NL).`, field);
  }
  return parsed.tag;
}

/** Worth a lookup: no provisioning ID is empty, longer than 64 characters or holds NUL (PostgreSQL refuses NUL). */
export function plausibleProvisioningId(trimmed: string): boolean {
  return trimmed !== '' && trimmed.length <= 64 && !hasNul(trimmed);
}

export function normalizeOffer(value: Offer | null | undefined): Offer {
  return value ?? Offer.WEBEX_WHOLESALE;
}

/**
 * SAML needs the IdP entity ID and OIDC the IdP name; each is refused with any other method.
 * `errors` is scoped to the authentication object.
 */
export function normalizeAuthentication(input: TemplateAuthenticationInput | null | undefined, errors: UserErrors): NormalizedAuthentication {
  const method = input?.method ?? AuthenticationMethod.WEBEX;
  const idp = input?.idpEntityId ?? null;
  const oidc = input?.oidcIdpName ?? null;
  const result: NormalizedAuthentication = { authenticationMethod: method, idpEntityId: null, oidcIdpName: null };

  if (method === AuthenticationMethod.PARTNER_SAML) {
    result.idpEntityId = requiredText(idp, IDP_ENTITY_ID_MAX, errors, 'idpEntityId', 'The IdP entity ID');
  } else if (idp !== null) {
    errors.add(UserErrorCode.NOT_ALLOWED, 'idpEntityId is only allowed with the PARTNER_SAML method.', 'idpEntityId');
  }
  if (method === AuthenticationMethod.PARTNER_OIDC) {
    result.oidcIdpName = requiredText(oidc, OIDC_IDP_NAME_MAX, errors, 'oidcIdpName', 'The OIDC IdP name');
  } else if (oidc !== null) {
    errors.add(UserErrorCode.NOT_ALLOWED, 'oidcIdpName is only allowed with the PARTNER_OIDC method.', 'oidcIdpName');
  }
  return result;
}

export const PSTN_WARNING =
  'A Cloud Connected PSTN provider on the template is not recommended: PSTN is better set up per customer.';

/**
 * The PSTN advice, only for a provider that exists: an unknown id already gets NOT_FOUND on
 * pstnProviderId, and advice about a provider that is not there would only confuse (domain.md §14).
 */
export function pstnWarnings(pstnProviderId: string | null, userErrors: readonly UserError[]): string[] {
  return pstnProviderId !== null && !userErrors.some((e) => e.field[1] === 'pstnProviderId') ? [PSTN_WARNING] : [];
}
