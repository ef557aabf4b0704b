import { useState, type FormEvent } from 'react';
import type { AddOn, Customer, Package, UpdateCustomerInput, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Alert, errorKey, errorMap, fieldId, FormErrors, TextField, withoutKeys, writeGuard } from '../forms';
import { Dialog } from '../dialog';
import { ADD_ON_LABELS, packageLabel } from '../labels';
import { LanguageFields } from './language-fields';
import { PackageFields } from './package-fields';

/** The fields Edit customer shows: every userError on one of these appears next to it. */
const FIELDS = ['companyName', 'package', 'addOns', 'language', 'externalId'];

interface Draft { companyName: string; package: string; addOns: AddOn[]; language: string; externalId: string }

const draftOf = (c: Customer): Draft => ({
  companyName: c.companyName, package: c.package, addOns: [...c.addOns], language: c.language, externalId: c.externalId ?? '',
});

const sameAddOns = (a: readonly AddOn[], b: readonly AddOn[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Only what changed (a field left out keeps its value, domain.md §12). Add-ons go with a package
 * change too: they are checked against the new package, and the server then names them on addOns.
 */
function changesOf(customer: Customer, draft: Draft): Omit<UpdateCustomerInput, 'id' | 'dryRun'> {
  const input: Omit<UpdateCustomerInput, 'id' | 'dryRun'> = {};
  if (draft.companyName !== customer.companyName) input.companyName = draft.companyName;
  if (draft.package !== customer.package) input.package = draft.package as Package;
  if (input.package || !sameAddOns(draft.addOns, customer.addOns)) input.addOns = draft.addOns;
  if (draft.language.trim() !== customer.language) input.language = draft.language.trim() || null;
  if (draft.externalId.trim() !== (customer.externalId ?? '')) input.externalId = draft.externalId.trim() || null;
  return input;
}

/** The Edit customer button of the customer's page header, and its dialog. */
export function EditCustomer({ customer, onSaved }: { customer: Customer; onSaved(customer: Customer): void }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <>
      <button type="button" className="secondary" onClick={() => { setSaved(false); setOpen(true); }} {...writeGuard(session.readOnlyReason)}>Edit customer</button>
      {saved ? <span className="hint" role="status">Changes saved.</span> : null}
      <Dialog open={open} title={`Edit ${customer.companyName}`} onClose={() => setOpen(false)}>
        <EditCustomerForm customer={customer} onCancel={() => setOpen(false)} onSaved={(c) => { setOpen(false); setSaved(true); onSaved(c); }} />
      </Dialog>
    </>
  );
}

/**
 * Review changes runs updateCustomer with `dryRun: true`: its errors show on their fields (a refused
 * downgrade on Package, with how many users block it), or the changes it accepted are listed and
 * Save changes sends the same input for real. Changing a field afterwards asks for a new review.
 */
function EditCustomerForm({ customer, onCancel, onSaved }: { customer: Customer; onCancel(): void; onSaved(customer: Customer): void }) {
  const session = useSession();
  const [draft, setDraft] = useState<Draft>(() => draftOf(customer));
  const [errors, setErrors] = useState<UserError[]>([]);
  const [reviewed, setReviewed] = useState<Omit<UpdateCustomerInput, 'id' | 'dryRun'> | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setReviewed(null);
    // A package change re-checks the add-ons too; a changed field's old error would mislead.
    setErrors((all) => withoutKeys(all, Object.keys(patch).flatMap((k) => (k === 'package' ? ['package', 'addOns'] : [k]))));
  };
  const changes = changesOf(customer, draft);
  const nothing = Object.keys(changes).length === 0;

  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? 'Checking…' : 'Saving…'); setFailure(null);
    try {
      const payload = await session.client.payloads.updateCustomer({ id: customer.id, ...changes, dryRun });
      setErrors(payload.userErrors);
      if (payload.userErrors.length) {
        setReviewed(null);
        const first = payload.userErrors.find((e) => FIELDS.includes(errorKey(e)));
        if (first) document.getElementById(fieldId(errorKey(first)))?.focus();
        return;
      }
      if (dryRun) setReviewed(changes);
      else if (payload.customer) onSaved(payload.customer);
    } catch (error) { setFailure(describeError(error)); } finally { setBusy(null); }
  };
  const review = (event: FormEvent) => { event.preventDefault(); void run(true); };

  const map = errorMap(errors);
  const addOnText = (list: readonly AddOn[]) => (list.length ? list.map((a) => ADD_ON_LABELS[a]).join(', ') : 'None');
  const lines: Array<[string, string, string]> = reviewed ? [
    ...(reviewed.companyName !== undefined ? [['Company name', customer.companyName, draft.companyName] as [string, string, string]] : []),
    ...(reviewed.package !== undefined ? [['Package', packageLabel(customer.package), packageLabel(draft.package)] as [string, string, string]] : []),
    ...(reviewed.addOns !== undefined && !sameAddOns(draft.addOns, customer.addOns) ? [['Add-ons', addOnText(customer.addOns), addOnText(draft.addOns)] as [string, string, string]] : []),
    ...(reviewed.language !== undefined ? [['Language', customer.language, draft.language.trim() || `${customer.templateSettings.defaultEmailLanguage} (the template's default)`] as [string, string, string]] : []),
    ...(reviewed.externalId !== undefined ? [['External ID', customer.externalId ?? '—', draft.externalId.trim() || '—'] as [string, string, string]] : []),
  ] : [];
  return (
    <form onSubmit={review} noValidate aria-label={`Edit ${customer.companyName}`}>
      <TextField label="Company name" name="companyName" required errors={map} value={draft.companyName}
        onChange={(companyName) => set({ companyName })} inputProps={{ autoComplete: 'off' }} />
      <PackageFields packages={session.packages} pkg={draft.package} addOns={draft.addOns} errors={map} keepChosen
        onPackage={(pkg) => set({ package: pkg })} onAddOns={(addOns) => set({ addOns })} />
      <p className="hint">A new package moves the full administrator and the admin-role holders to it; every other user must already hold it or a package it includes.</p>
      <div className="grid two">
        <LanguageFields name="language" errors={map} value={draft.language} onChange={(language) => set({ language })}
          languages={session.languages} countries={session.countries} hint="Of the onboarding emails."
          empty={`The template's default (${customer.templateSettings.defaultEmailLanguage})`} />
        <TextField label="External ID" name="externalId" errors={map} value={draft.externalId} onChange={(externalId) => set({ externalId })}
          hint="Your own id for this customer, unique among your customers. Empty removes it." inputProps={{ autoComplete: 'off', spellCheck: false }} />
      </div>
      {errors.length ? (
        <p className="alert alert-error" role="alert">{errors.length === 1 ? '1 problem to fix' : `${errors.length} problems to fix`}: see the field{errors.length === 1 ? '' : 's'} above.</p>
      ) : null}
      <FormErrors errors={errors} shown={(k) => FIELDS.includes(k)} />
      {reviewed ? (
        <div className="alert alert-success" role="status" aria-labelledby="edit-customer-review-title">
          <h3 id="edit-customer-review-title">The server accepts these changes</h3>
          <dl className="summary">
            {lines.map(([k, from, to]) => <div key={k}><dt>{k}</dt><dd>{from} → <strong>{to}</strong></dd></div>)}
          </dl>
        </div>
      ) : null}
      {nothing && !errors.length ? <p className="hint">Nothing changed yet.</p> : null}
      {failure ? <Alert>{failure}</Alert> : null}
      <div className="dialog-actions">
        {reviewed
          ? <button type="button" onClick={() => void run(false)} disabled={!!busy || !!session.readOnlyReason}>{busy ?? 'Save changes'}</button>
          : <button type="submit" disabled={!!busy || nothing || !!session.readOnlyReason}>{busy ?? 'Review changes'}</button>}
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
