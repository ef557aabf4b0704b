import { useState } from 'react';
import type { Template, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link } from '../router';
import { Alert, errorKey, errorMap, withoutKeys, ReadOnlyNotice, READ_ONLY_REASON_ID } from '../forms';
import { prefixes, Wizard } from '../wizard';
import { ReviewProblems, useFocusField, Warnings } from '../review';
import {
  AuthenticationSettings, emptyTemplateDraft, GeneralSettings, PrimarySettings, PstnSettings, TemplateSummary, templateInput, type TemplateDraft,
} from './template-fields';

const STEPS = ['Primary settings', 'Authentication', 'PSTN', 'General settings', 'Review'];
/** Which input fields each step shows; a step's Next is blocked only by its own fields' errors. */
const MATCHERS = [
  prefixes('name', 'countryCode', 'serviceProviderAdminId', 'subscriptionId', 'offer'),
  prefixes('authentication'),
  prefixes('pstnProviderId'),
  prefixes('brandName', 'defaultEmailLanguage', 'restrictAdminInvitationEmails', 'disableWebexCallingOneToOne'),
];

export function TemplateWizard() {
  const session = useSession();
  const [draft, setDraft] = useState<TemplateDraft>(() => emptyTemplateDraft(session));
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<Template | null>(null);
  const focusField = useFocusField();
  const set = (patch: Partial<TemplateDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // A changed field's old error would mislead: it goes until the next check.
    setErrors((all) => withoutKeys(all, Object.keys(patch).map((k) => (['authMethod', 'idpEntityId', 'oidcIdpName'].includes(k) ? 'authentication' : k))));
  };

  /** The dry run: the server's own validation of everything entered so far. */
  const check = async (): Promise<{ errors: UserError[]; warnings: string[] } | null> => {
    setFailure(null);
    try {
      const payload = await session.client.payloads.createTemplate({ ...templateInput(draft), dryRun: true });
      return { errors: payload.userErrors, warnings: payload.warnings };
    } catch (error) {
      setFailure(describeError(error));
      return null;
    }
  };

  const next = async () => {
    if (step < 4) {
      setBusy('Checking…');
      const result = await check();
      setBusy(null);
      if (!result) return;
      const own = result.errors.filter((e) => MATCHERS[step]!(errorKey(e)));
      setErrors(own);
      if (own.length) { focusField(errorKey(own[0]!)); return; }
      if (step === 3) { setErrors(result.errors); setWarnings(result.warnings); }
      setStep(step + 1);
      return;
    }
    setBusy('Creating the template…');
    setFailure(null);
    try {
      const payload = await session.client.payloads.createTemplate(templateInput(draft));
      setErrors(payload.userErrors);
      if (payload.template) setCreated(payload.template);
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(null);
    }
  };

  const back = () => { setErrors([]); setStep((s) => Math.max(0, s - 1)); };
  const go = (target: number, key: string) => { setStep(target); focusField(key); };

  if (created) return <TemplateCreated template={created} />;
  const map = errorMap(errors);
  const props = { draft, set, errors: map, session };
  return (
    <Wizard title="Create template" steps={STEPS} step={step} onBack={back} onNext={next} busy={busy}
      nextLabel={step === 4 ? 'Submit' : 'Next'} nextDisabled={(step === 4 && errors.length > 0) || !!session.readOnlyReason}
      nextDescribedBy={session.readOnlyReason ? READ_ONLY_REASON_ID : undefined}>
      <ReadOnlyNotice reason={session.readOnlyReason} />
      {failure ? <Alert>{failure}</Alert> : null}
      {step === 0 ? <PrimarySettings {...props} /> : null}
      {step === 1 ? <AuthenticationSettings {...props} /> : null}
      {step === 2 ? <PstnSettings {...props} /> : null}
      {step === 3 ? <GeneralSettings {...props} /> : null}
      {step === 4 ? (
        <>
          <p className="lead">The server checked these settings without saving anything. <strong>Submit</strong> creates the template.</p>
          <ReviewProblems errors={errors} steps={STEPS} matchers={MATCHERS} onGo={go} />
          <Warnings warnings={warnings} />
          <TemplateSummary draft={draft} session={session} />
        </>
      ) : null}
    </Wizard>
  );
}

function TemplateCreated({ template }: { template: Template }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(template.provisioningId);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('provisioning-id')!);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <section aria-labelledby="created-title">
      <h1 id="created-title" tabIndex={-1} ref={(el) => el?.focus()}>Template created</h1>
      <p className="lead">Customers are created from this template with its provisioning ID.</p>
      <div className="card provisioning">
        <p className="label" id="provisioning-id-label">Provisioning ID</p>
        <p className="provisioning-id"><code id="provisioning-id">{template.provisioningId}</code></p>
        <button type="button" onClick={copy} aria-describedby="provisioning-id-label">Copy provisioning ID</button>
        <span role="status" className="copied">{copied}</span>
      </div>
      <p className="actions">
        <Link className="button" to={`/customers/new?provisioningId=${encodeURIComponent(template.provisioningId)}`}>Create customer from this template</Link>
        <Link to={`/templates/${template.id}`}>Open the template</Link>
        <Link to="/templates">Back to templates</Link>
      </p>
    </section>
  );
}
