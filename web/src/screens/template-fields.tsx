import type { AuthenticationMethod, CreateTemplateInput, Template } from '@wholesale-provisioning/sdk';
import { CheckboxField, SelectField, TextField, type ErrorMap } from '../forms';
import type { Session } from '../session';
import { LanguageFields } from './language-fields';

export interface TemplateDraft {
  name: string;
  countryCode: string;
  serviceProviderAdminId: string;
  subscriptionId: string;
  authMethod: AuthenticationMethod;
  idpEntityId: string;
  oidcIdpName: string;
  pstnProviderId: string;
  brandName: string;
  defaultEmailLanguage: string;
  restrictAdminInvitationEmails: boolean;
  disableWebexCallingOneToOne: boolean;
  /** Partner Hub's Provisioning ID of the matching template; empty: customers are not carried to Webex. */
  webexProvisioningId: string;
}

/** Complete over the schema's enum: adding a method to the API fails the build until it has a label. */
export const AUTH_METHOD_LABELS: Record<AuthenticationMethod, string> = {
  WEBEX: 'Webex Common Identity',
  PARTNER_SAML: 'Partner identity provider (SAML)',
  PARTNER_OIDC: 'Partner identity provider (OIDC)',
};

export function emptyTemplateDraft(session: Session): TemplateDraft {
  const partner = session.viewer.partner;
  return {
    name: '', countryCode: '',
    serviceProviderAdminId: partner.admins.length === 1 ? partner.admins[0]!.id : '',
    subscriptionId: partner.subscriptions.length === 1 ? partner.subscriptions[0]!.id : '',
    authMethod: 'WEBEX', idpEntityId: '', oidcIdpName: '', pstnProviderId: '',
    brandName: '', defaultEmailLanguage: '', restrictAdminInvitationEmails: false, disableWebexCallingOneToOne: false,
    webexProvisioningId: '',
  };
}

export function templateDraftOf(t: Template): TemplateDraft {
  return {
    name: t.name, countryCode: t.countryCode, serviceProviderAdminId: t.serviceProviderAdmin.id, subscriptionId: t.subscription.id,
    authMethod: t.authentication.method, idpEntityId: t.authentication.idpEntityId ?? '', oidcIdpName: t.authentication.oidcIdpName ?? '',
    pstnProviderId: t.pstnProvider?.id ?? '', brandName: t.brandName, defaultEmailLanguage: t.defaultEmailLanguage,
    restrictAdminInvitationEmails: t.restrictAdminInvitationEmails, disableWebexCallingOneToOne: t.disableWebexCallingOneToOne,
    webexProvisioningId: t.webexProvisioningId ?? '',
  };
}

/** The mutation input: the IdP field of the chosen method only (the other one would be NOT_ALLOWED). */
export function templateInput(d: TemplateDraft): Omit<CreateTemplateInput, 'dryRun'> {
  return {
    name: d.name, countryCode: d.countryCode, serviceProviderAdminId: d.serviceProviderAdminId, subscriptionId: d.subscriptionId,
    authentication: {
      method: d.authMethod,
      ...(d.authMethod === 'PARTNER_SAML' ? { idpEntityId: d.idpEntityId } : {}),
      ...(d.authMethod === 'PARTNER_OIDC' ? { oidcIdpName: d.oidcIdpName } : {}),
    },
    pstnProviderId: d.pstnProviderId || null,
    brandName: d.brandName,
    ...(d.defaultEmailLanguage.trim() ? { defaultEmailLanguage: d.defaultEmailLanguage.trim() } : {}),
    restrictAdminInvitationEmails: d.restrictAdminInvitationEmails,
    disableWebexCallingOneToOne: d.disableWebexCallingOneToOne,
    // Empty is null: on an edit that removes the ID (the template's customers are no longer carried to Webex).
    webexProvisioningId: d.webexProvisioningId.trim() || null,
  };
}

type Props = { draft: TemplateDraft; set(patch: Partial<TemplateDraft>): void; errors: ErrorMap; session: Session };

export function PrimarySettings({ draft, set, errors, session }: Props) {
  const partner = session.viewer.partner;
  return (
    <>
      <TextField label="Template name" name="name" required errors={errors} value={draft.name} onChange={(name) => set({ name })}
        hint="Unique among your templates, up to 80 characters." inputProps={{ maxLength: 200, autoComplete: 'off' }} />
      <SelectField label="Country or region" name="countryCode" required errors={errors} value={draft.countryCode}
        onChange={(countryCode) => set({ countryCode })} placeholder="Choose a country or region"
        options={session.countries.map((c) => ({ value: c.code, label: c.name }))} />
      <SelectField label="Service provider admin" name="serviceProviderAdminId" required errors={errors} value={draft.serviceProviderAdminId}
        onChange={(serviceProviderAdminId) => set({ serviceProviderAdminId })} placeholder="Choose an admin"
        options={partner.admins.map((a) => ({ value: a.id, label: `${a.displayName} (${a.email})` }))} />
      <SelectField label="Wholesale subscription" name="subscriptionId" required errors={errors} value={draft.subscriptionId}
        onChange={(subscriptionId) => set({ subscriptionId })} placeholder="Choose a subscription"
        options={partner.subscriptions.map((s) => ({ value: s.id, label: s.name && s.name !== s.externalId ? `${s.name} (${s.externalId})` : s.externalId }))} />
    </>
  );
}

export function AuthenticationSettings({ draft, set, errors }: Props) {
  return (
    <>
      <SelectField label="Authentication method" name="authentication.method" errors={errors} value={draft.authMethod}
        onChange={(m) => set({ authMethod: m as AuthenticationMethod })}
        hint="How the users of this template's customers sign in."
        options={Object.entries(AUTH_METHOD_LABELS).map(([value, label]) => ({ value, label }))} />
      {draft.authMethod === 'PARTNER_SAML' ? (
        <TextField label="IdP entity ID" name="authentication.idpEntityId" required errors={errors} value={draft.idpEntityId}
          onChange={(idpEntityId) => set({ idpEntityId })} hint="The entity ID from your identity provider's SAML metadata." />
      ) : null}
      {draft.authMethod === 'PARTNER_OIDC' ? (
        <TextField label="OIDC IdP name" name="authentication.oidcIdpName" required errors={errors} value={draft.oidcIdpName}
          onChange={(oidcIdpName) => set({ oidcIdpName })} hint="The name given when the OIDC identity provider was registered." />
      ) : null}
    </>
  );
}

export function PstnSettings({ draft, set, errors, session }: Props) {
  return (
    <SelectField label="PSTN provider" name="pstnProviderId" errors={errors} value={draft.pstnProviderId}
      onChange={(pstnProviderId) => set({ pstnProviderId })} placeholder="None: set PSTN per customer (recommended)"
      hint="A Cloud Connected PSTN provider for every customer of this template. Not recommended: PSTN is better set up per customer."
      options={session.pstnProviders.map((p) => ({ value: p.id, label: p.name }))} />
  );
}

export function GeneralSettings({ draft, set, errors, session }: Props) {
  return (
    <>
      <TextField label="Brand name" name="brandName" required errors={errors} value={draft.brandName} onChange={(brandName) => set({ brandName })}
        hint="Shown in every onboarding email sent to this template's customers (up to 100 characters)." />
      <div className="grid two">
        <LanguageFields label="Default email language" name="defaultEmailLanguage" errors={errors} value={draft.defaultEmailLanguage}
          onChange={(defaultEmailLanguage) => set({ defaultEmailLanguage })} languages={session.languages} countries={session.countries}
          empty="English, United States (en_US, the default)" hint="Of the onboarding emails to this template's customers; each customer can have its own." />
      </div>
      <CheckboxField label="Restrict admin invitation emails" name="restrictAdminInvitationEmails" errors={errors}
        checked={draft.restrictAdminInvitationEmails} onChange={(restrictAdminInvitationEmails) => set({ restrictAdminInvitationEmails })} />
      <CheckboxField label="Disable Webex Calling one-to-one calls" name="disableWebexCallingOneToOne" errors={errors}
        checked={draft.disableWebexCallingOneToOne} onChange={(disableWebexCallingOneToOne) => set({ disableWebexCallingOneToOne })}
        hint="Turns off 1:1 non-PSTN Webex calling for this template's customers." />
      <TextField label="Webex Provisioning ID" name="webexProvisioningId" errors={errors} value={draft.webexProvisioningId}
        onChange={(webexProvisioningId) => set({ webexProvisioningId })} inputProps={{ autoComplete: 'off', spellCheck: false }}
        hint="Optional. The Provisioning ID of the matching template in Partner Hub: with it (and your partner connected to Webex), this template's customers are provisioned in Webex. Empty: they are not." />
    </>
  );
}

/** The settings as a definition list, for review steps and the template page. */
export function TemplateSummary({ draft, session }: { draft: TemplateDraft; session: Session }) {
  const partner = session.viewer.partner;
  const admin = partner.admins.find((a) => a.id === draft.serviceProviderAdminId);
  const sub = partner.subscriptions.find((s) => s.id === draft.subscriptionId);
  const rows: Array<[string, string]> = [
    ['Template name', draft.name || '—'],
    ['Country or region', session.countries.find((c) => c.code === draft.countryCode)?.name ?? (draft.countryCode || '—')],
    ['Service provider admin', admin ? `${admin.displayName} (${admin.email})` : '—'],
    ['Wholesale subscription', sub?.externalId ?? '—'],
    ['Authentication method', AUTH_METHOD_LABELS[draft.authMethod]
      + (draft.authMethod === 'PARTNER_SAML' ? `: ${draft.idpEntityId}` : draft.authMethod === 'PARTNER_OIDC' ? `: ${draft.oidcIdpName}` : '')],
    ['PSTN provider', session.pstnProviders.find((p) => p.id === draft.pstnProviderId)?.name ?? 'None (set per customer)'],
    ['Brand name', draft.brandName || '—'],
    ['Default email language', draft.defaultEmailLanguage || 'en_US'],
    ['Restrict admin invitation emails', draft.restrictAdminInvitationEmails ? 'Yes' : 'No'],
    ['Disable Webex Calling one-to-one calls', draft.disableWebexCallingOneToOne ? 'Yes' : 'No'],
    ['Webex Provisioning ID', draft.webexProvisioningId.trim() || 'None (customers are not carried to Webex)'],
  ];
  return <dl className="summary">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>;
}
