import { useState } from 'react';
import type { AddOn, CreateCustomerInput, Package, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, CheckboxField, errorKey, errorMap, withoutKeys, ReadOnlyNotice, READ_ONLY_REASON_ID, SelectField, TextField } from '../forms';
import { prefixes, Wizard } from '../wizard';
import { ReviewProblems, useFocusField } from '../review';
import { useLoad } from '../use-load';
import { ADD_ON_LABELS, packageLabel } from '../labels';
import { addOnAllowed, PackageFields } from './package-fields';
import { emptyLocation, formatAddress, LocationFields, locationInput, type LocationDraft } from './location-fields';

const STEPS = ['Details', 'Packages', 'Headquarters', 'Review'];
const MATCHERS = [
  prefixes('provisioningId', 'templateId', 'companyName', 'adminEmail', 'externalId', 'language'),
  prefixes('package', 'addOns'),
  prefixes('headquarters', 'supportedLocationConfirmed', 'dataRegion'),
];

interface Draft {
  provisioningId: string; companyName: string; adminEmail: string; externalId: string;
  package: string; addOns: AddOn[]; headquarters: LocationDraft; supportedLocationConfirmed: boolean;
}

export function CustomerWizard() {
  const session = useSession();
  const templates = useLoad(() => session.client.templates({ first: 100 }), []);
  const [draft, setDraft] = useState<Draft>(() => ({
    provisioningId: new URLSearchParams(window.location.search).get('provisioningId') ?? '',
    companyName: '', adminEmail: '', externalId: '', package: '', addOns: [],
    headquarters: emptyLocation(), supportedLocationConfirmed: false,
  }));
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const focusField = useFocusField();
  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // A changed field's old error would mislead: it goes until the next check.
    setErrors((all) => withoutKeys(all, Object.keys(patch)));
  };
  const template = templates.data?.edges.find((e) => e.node.provisioningId === draft.provisioningId)?.node;
  const chosen = session.packages.find((p) => p.package === draft.package);
  const addOnsOk = addOnAllowed(chosen, session.packages);

  const input = (dryRun: boolean): CreateCustomerInput => ({
    provisioningId: draft.provisioningId, companyName: draft.companyName, adminEmail: draft.adminEmail,
    ...(draft.externalId.trim() ? { externalId: draft.externalId.trim() } : {}),
    package: (draft.package || 'WEBEX_SUITE') as Package,
    addOns: addOnsOk ? draft.addOns : [],
    headquarters: locationInput(draft.headquarters),
    supportedLocationConfirmed: draft.supportedLocationConfirmed,
    dryRun,
  });

  const next = async () => {
    setFailure(null);
    if (step === 1 && !draft.package) {
      setErrors([{ code: 'REQUIRED', field: ['input', 'package'], message: 'Choose the package the organization is created with.' }]);
      focusField('package');
      return;
    }
    const final = step === 3;
    setBusy(final ? 'Creating the customer…' : 'Checking…');
    try {
      const payload = await session.client.payloads.createCustomer(input(!final));
      if (final) {
        setErrors(payload.userErrors);
        if (payload.customer) navigate(`/customers/${payload.customer.id}?created=1`);
        return;
      }
      const own = payload.userErrors.filter((e) => MATCHERS[step]!(errorKey(e)));
      setErrors(step === 2 ? payload.userErrors : own);
      if (own.length) { focusField(errorKey(own[0]!)); return; }
      setStep(step + 1);
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(null);
    }
  };

  const map = errorMap(errors);
  const hq = draft.headquarters;
  return (
    <Wizard title="Create customer" steps={STEPS} step={step} onBack={() => { setErrors([]); setStep((s) => Math.max(0, s - 1)); }} onNext={next}
      busy={busy} nextLabel={step === 3 ? 'Create customer' : 'Next'}
      nextDisabled={(step === 3 && errors.length > 0) || !!session.readOnlyReason}
      nextDescribedBy={session.readOnlyReason ? READ_ONLY_REASON_ID : undefined}>
      <ReadOnlyNotice reason={session.readOnlyReason} />
      {failure ? <Alert>{failure}</Alert> : null}
      {step === 0 ? (
        <>
          <SelectField label="Template" name="provisioningId" required errors={map} value={draft.provisioningId}
            onChange={(provisioningId) => set({ provisioningId })} placeholder={templates.loading ? 'Loading templates…' : 'Choose a template'}
            hint={<>The customer gets this template's settings. No template yet? <Link to="/templates/new">Create template</Link>.</>}
            options={(templates.data?.edges ?? []).map(({ node }) => ({ value: node.provisioningId, label: `${node.name} (${node.provisioningId})` }))} />
          <TextField label="Company name" name="companyName" required errors={map} value={draft.companyName} onChange={(companyName) => set({ companyName })}
            inputProps={{ autoComplete: 'off' }} />
          <TextField label="Admin email" name="adminEmail" type="email" required errors={map} value={draft.adminEmail}
            onChange={(adminEmail) => set({ adminEmail })} hint="The customer's full administrator; receives the onboarding invitation." inputProps={{ autoComplete: 'off' }} />
          <TextField label="External ID" name="externalId" errors={map} value={draft.externalId} onChange={(externalId) => set({ externalId })}
            hint="Optional: your own id for this customer, unique among your customers." inputProps={{ autoComplete: 'off' }} />
        </>
      ) : null}
      {step === 1 ? (
        <>
          <PackageFields packages={session.packages} pkg={draft.package} addOns={draft.addOns} errors={map}
            onPackage={(pkg) => set({ package: pkg })} onAddOns={(addOns) => set({ addOns })} />
        </>
      ) : null}
      {step === 2 ? (
        <>
          <LocationFields prefix="headquarters" draft={hq} set={(p) => {
            setDraft((d) => ({ ...d, headquarters: { ...d.headquarters, ...p } }));
            setErrors((all) => withoutKeys(all, Object.keys(p).map((k) => (k === 'name' || k === 'timeZone' ? `headquarters.${k}` : `headquarters.address.${k}`))));
          }} errors={map} session={session} />
          <CheckboxField label="I verify that this customer is in a Webex-supported location" name="supportedLocationConfirmed" errors={map}
            checked={draft.supportedLocationConfirmed} onChange={(supportedLocationConfirmed) => set({ supportedLocationConfirmed })} />
        </>
      ) : null}
      {step === 3 ? (
        <>
          <p className="lead">The server checked this customer without creating it. <strong>Create customer</strong> creates the organization, its headquarters and its full administrator, and queues the admin's invitation.</p>
          <ReviewProblems errors={errors} steps={STEPS} matchers={MATCHERS} onGo={(s, k) => { setStep(s); focusField(k); }} />
          <dl className="summary">
            {([
              ['Template', template ? `${template.name} (${draft.provisioningId})` : draft.provisioningId],
              ['Company name', draft.companyName], ['Admin email', draft.adminEmail], ['External ID', draft.externalId || '—'],
              ['Package', packageLabel(draft.package)], ['Add-ons', draft.addOns.length && addOnsOk ? draft.addOns.map((a) => ADD_ON_LABELS[a]).join(', ') : 'None'],
              ['Headquarters', `${hq.name}: ${formatAddress({ address: { ...hq } })}`], ['Time zone', hq.timeZone],
              ['Webex-supported location', draft.supportedLocationConfirmed ? 'Verified' : 'Not verified'],
            ] as Array<[string, string]>).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
          </dl>
        </>
      ) : null}
    </Wizard>
  );
}
