import { useEffect, useState, type FormEvent } from 'react';
import type { Template, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, errorKey, errorMap, FormErrors, ReadOnlyNotice, writeGuard } from '../forms';
import { useFocusField, Warnings } from '../review';
import { useLoad } from '../use-load';
import {
  AuthenticationSettings, GeneralSettings, PrimarySettings, PstnSettings, templateDraftOf, templateInput, type TemplateDraft,
} from './template-fields';

const SHOWN = /^(name|countryCode|serviceProviderAdminId|subscriptionId|authentication(\..*)?|pstnProviderId|brandName|defaultEmailLanguage|restrictAdminInvitationEmails|disableWebexCallingOneToOne)$/;

export function TemplateEditPage({ id }: { id: string }) {
  const session = useSession();
  const { data: template, error, loading } = useLoad(() => session.client.template(id), [id]);
  if (error) return <Alert>{error}</Alert>;
  if (loading && !template) return <p role="status">Loading the template…</p>;
  if (!template) return <section><h1>Template not found</h1><p><Link to="/templates">Back to templates</Link></p></section>;
  return <TemplateEditor template={template} />;
}

function TemplateEditor({ template: loaded }: { template: Template }) {
  const session = useSession();
  const [template, setTemplate] = useState(loaded);
  const [draft, setDraft] = useState<TemplateDraft>(() => templateDraftOf(loaded));
  const [errors, setErrors] = useState<UserError[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const focusField = useFocusField();
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  useEffect(() => setDraft(templateDraftOf(template)), [template]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true); setMessage(null);
    try {
      const payload = await session.client.payloads.updateTemplate({ id: template.id, ...templateInput(draft) });
      setErrors(payload.userErrors);
      setWarnings(payload.warnings);
      if (payload.template) {
        setTemplate(payload.template);
        setMessage({ kind: 'success', text: 'Changes saved. Customers created earlier keep the settings they were created with.' });
      } else if (payload.userErrors[0]) focusField(errorKey(payload.userErrors[0]));
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally { setBusy(false); }
  };

  const remove = async () => {
    if (!window.confirm(`Delete the template "${template.name}"? This cannot be undone.`)) return;
    setBusy(true); setMessage(null);
    try {
      const payload = await session.client.payloads.deleteTemplate({ id: template.id });
      if (payload.deletedTemplateId) { navigate('/templates'); return; }
      setErrors(payload.userErrors);
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally { setBusy(false); }
  };

  const map = errorMap(errors);
  const props = { draft, set, errors: map, session };
  const inUse = template.customerCount > 0;
  return (
    <section aria-labelledby="template-title">
      <p className="crumbs"><Link to="/templates">Templates</Link> ›</p>
      <h1 id="template-title">{template.name}</h1>
      <ReadOnlyNotice reason={session.readOnlyReason} />
      <div className="card provisioning">
        <p className="label" id="provisioning-id-label">Provisioning ID</p>
        <p className="provisioning-id"><code id="provisioning-id">{template.provisioningId}</code></p>
        <p className="hint">{template.customerCount} customer{template.customerCount === 1 ? '' : 's'} created from this template. The provisioning ID never changes.</p>
      </div>
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      <Warnings warnings={warnings} />
      <FormErrors errors={errors} shown={(k) => SHOWN.test(k)} />
      <form onSubmit={save} noValidate className="sections">
        <fieldset><legend>Primary settings</legend><PrimarySettings {...props} /></fieldset>
        <fieldset><legend>Authentication</legend><AuthenticationSettings {...props} /></fieldset>
        <fieldset><legend>PSTN</legend><PstnSettings {...props} /></fieldset>
        <fieldset><legend>General settings</legend><GeneralSettings {...props} /></fieldset>
        <div className="actions">
          <button type="submit" disabled={busy || !!session.readOnlyReason} {...writeGuard(session.readOnlyReason)}>Save changes</button>
          <button type="button" className="danger" onClick={remove} disabled={busy || inUse || !!session.readOnlyReason}
            aria-describedby={session.readOnlyReason ? writeGuard(session.readOnlyReason)['aria-describedby'] : inUse ? 'delete-reason' : undefined}>
            Delete template
          </button>
          {inUse && !session.readOnlyReason ? <span className="hint" id="delete-reason">Customers were created from this template, so it cannot be deleted.</span> : null}
        </div>
      </form>
    </section>
  );
}
