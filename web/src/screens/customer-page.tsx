import { useCallback, useState, type FormEvent } from 'react';
import type { Customer, CustomerAdminRole, CustomerLocation, UpdateLocationInput, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, CheckboxField, errorKey, errorMap, fieldId, FormErrors, ReadOnlyNotice, SelectField, TextField, withoutKeys, writeGuard } from '../forms';
import { formatDate, useCursorPages, useLoad } from '../use-load';
import { ADD_ON_LABELS, humanize, packageLabel, ROLE_LABELS, STATUS_LABELS } from '../labels';
import { formatAddress, TIME_ZONES } from './location-fields';
import { LanguageFields } from './language-fields';
import { Dialog } from '../dialog';
import { Pager } from './templates';
import { CustomerWebex, NotConnected, syncMap, WebexCell } from './webex-state';
import { EditCustomer } from './customer-edit';
import { SelectPageHeader, SelectUserCell, UsersActions, useUserSelection } from './users-edit';

const USERS_PAGE = 25;

export function CustomerPage({ id }: { id: string }) {
  const session = useSession();
  const { data: customer, error, loading, reload } = useLoad(() => session.client.customer(id), [id]);
  if (error) return <Alert>{error}</Alert>;
  if (loading && !customer) return <p role="status">Loading the customer…</p>;
  if (!customer) return <section><h1>Customer not found</h1><p><Link to="/customers">Back to customers</Link></p></section>;
  return <CustomerView customer={customer} reload={reload} />;
}

function CustomerView({ customer, reload }: { customer: Customer; reload(): void }) {
  const session = useSession();
  const [version, setVersion] = useState(0);
  // Bumped while Webex is still working on this customer, so its state and the tables' Webex column refresh.
  const [webexTick, setWebexTick] = useState(0);
  const poll = useCallback(() => setWebexTick((t) => t + 1), []);
  const { data: connection } = useLoad(() => session.client.webexConnection(), [customer.id]);
  const webex = connection?.connected ? webexTick : null;
  const justCreated = new URLSearchParams(window.location.search).has('created');
  const justSetUp = new URLSearchParams(window.location.search).get('setup');
  const c = customer;
  return (
    <section aria-labelledby="customer-title">
      <p className="crumbs"><Link to="/customers">Customers</Link> ›</p>
      <div className="page-head">
        <h1 id="customer-title">{c.companyName}</h1>
        <div className="row-actions">
          {/* A package change moves the administrators: the users table reloads too. */}
          <EditCustomer customer={c} onSaved={() => { setVersion((v) => v + 1); reload(); }} />
          <button type="button" onClick={() => navigate(`/customers/${c.id}/setup`)} {...writeGuard(session.readOnlyReason)}>Set up customer</button>
          <DeleteCustomer customer={c} />
        </div>
      </div>
      <ReadOnlyNotice reason={session.readOnlyReason} />
      {justCreated ? <Alert kind="success">Customer created. Its full administrator's invitation is in the outbox. Next: <strong>Set up customer</strong> to add locations and users.</Alert> : null}
      {justSetUp ? <Alert kind="success">{justSetUp}</Alert> : null}
      <dl className="summary columns">
        {([
          ['Status', <span className={`badge badge-${c.status.toLowerCase()}`}>{STATUS_LABELS[c.status]}</span>],
          ['Package', packageLabel(c.package)],
          ['Add-ons', c.addOns.length ? c.addOns.map((a) => ADD_ON_LABELS[a]).join(', ') : 'None'],
          ['Admin email', c.adminEmail],
          ['Data region', c.dataRegion],
          ['Language', c.language],
          ['Template', <Link to={`/templates/${c.template.id}`}>{c.template.name}</Link>],
          ['Brand name', c.templateSettings.brandName],
          ['External ID', c.externalId ?? '—'],
          ['Headquarters', `${c.headquarters.name}: ${formatAddress(c.headquarters)}`],
          ['Created', formatDate(c.createdAt)],
        ] as Array<[string, React.ReactNode]>).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
      </dl>
      {connection ? (connection.connected
        ? <CustomerWebex customerId={c.id} template={c.template} connection={connection} tick={`${version}.${webexTick}`} onPoll={poll} />
        : <section aria-labelledby="webex-title" className="block"><h2 id="webex-title">Webex</h2><NotConnected connection={connection} /></section>) : null}
      {/* A location change can be the headquarters, shown in the summary above: reload the customer too. */}
      <Locations customer={c} version={version} webex={webex} onChange={() => { setVersion((v) => v + 1); reload(); }} />
      {/* Editing the full administrator's email moves the customer's Admin email, shown in the summary: reload the customer too. */}
      <Users customer={c} version={version} webex={webex} onChange={() => { setVersion((v) => v + 1); reload(); }} />
      <SetupAssist customer={c} version={version} onChange={() => setVersion((v) => v + 1)} />
      <Outbox customerId={c.id} version={version} />
    </section>
  );
}

/**
 * Delete customer: the dialog first asks the server with `dryRun: true` (so a refusal shows before
 * anyone confirms), then deletes and goes back to the customer list, which says what happened.
 */
function DeleteCustomer({ customer }: { customer: Customer }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)} {...writeGuard(session.readOnlyReason)}>Delete customer</button>
      <Dialog open={open} title={`Delete ${customer.companyName}?`} onClose={() => setOpen(false)}>
        <DeleteCustomerConfirm customer={customer} onCancel={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function DeleteCustomerConfirm({ customer, onCancel }: { customer: Customer; onCancel(): void }) {
  const session = useSession();
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { data: check, loading: checking } = useLoad(async () => {
    const [dryRun, locations, users] = await Promise.all([
      session.client.payloads.deleteCustomer({ id: customer.id, dryRun: true }),
      session.client.customerLocations(customer.id, { first: 1 }),
      session.client.customerUsers(customer.id, { first: 1 }),
    ]);
    setErrors(dryRun.userErrors);
    return { locations: locations?.totalCount ?? 0, users: users?.totalCount ?? 0 };
  }, [customer.id]);
  const remove = async () => {
    setBusy(true); setFailure(null);
    try {
      const payload = await session.client.payloads.deleteCustomer({ id: customer.id });
      if (payload.deletedCustomerId) { navigate(`/customers?deleted=${encodeURIComponent(customer.companyName)}`); return; }
      setErrors(payload.userErrors);
    } catch (error) { setFailure(describeError(error)); } finally { setBusy(false); }
  };
  const map = errorMap(errors);
  const idErrors = map.get('id');
  return (
    <>
      {checking && !check ? <p role="status">Checking whether the customer can be deleted…</p> : null}
      {check ? (
        <p>This removes the customer with its {check.locations.toLocaleString('en')} location(s), {check.users.toLocaleString('en')} user(s) and
          Setup Assist requests. Its unsent emails are cancelled; its audit events stay. This cannot be undone.</p>
      ) : null}
      <FormErrors errors={errors} shown={(k) => k === 'id'} />
      {failure ? <Alert>{failure}</Alert> : null}
      <div className="dialog-actions">
        <button type="button" className="danger" onClick={() => void remove()} disabled={busy || checking || !!session.readOnlyReason}
          aria-describedby={idErrors ? 'delete-customer-error' : undefined}>{busy ? 'Deleting…' : 'Delete customer'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        {idErrors ? <p className="field-error" id="delete-customer-error" role="alert">{idErrors.map((e) => e.message).join(' ')}</p> : null}
      </div>
    </>
  );
}

/** `webex`: the Webex poll tick when the partner is connected (the tables then show a Webex column), else null. */
function Locations({ customer, version, webex, onChange }: { customer: Customer; version: number; webex: number | null; onChange(): void }) {
  const { client } = useSession();
  const customerId = customer.id;
  const pages = useCursorPages();
  const { data, error } = useLoad(() => client.customerLocations(customerId, { first: 50, after: pages.after }), [customerId, pages.after, version]);
  const { data: sync } = useLoad(async () => (webex === null ? null : client.customerWebexSync(customerId, { first: 1 })), [customerId, version, webex]);
  const states = syncMap(sync?.locations.edges);
  const [editing, setEditing] = useState<CustomerLocation | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const changed = (text: string) => { setMessage(text); onChange(); };
  return (
    <section aria-labelledby="locations-title" className="block">
      <h2 id="locations-title">Locations{data ? ` (${data.totalCount})` : ''}</h2>
      {error ? <Alert>{error}</Alert> : null}
      {message ? <Alert kind="success">{message}</Alert> : null}
      {data ? (
        <>
          <table>
            <thead><tr><th scope="col">Location name</th><th scope="col">Address</th><th scope="col">Time zone</th><th scope="col">Language</th><th scope="col">Emergency location identifier</th>{webex !== null ? <th scope="col">Webex</th> : null}<th scope="col">Actions</th></tr></thead>
            <tbody>{data.edges.map(({ node }) => (
              <tr key={node.id}><td>{node.name}{node.isHeadquarters ? <span className="badge">Headquarters</span> : null}</td><td>{formatAddress(node)}</td><td>{node.timeZone}</td><td>{node.language}</td><td>{node.emergencyLocationIdentifier ?? '—'}</td>{webex !== null ? <td><WebexCell sync={states.get(node.id)} /></td> : null}
                <td><LocationActions location={node} onEdit={() => { setMessage(null); setEditing(node); }} onRemoved={() => changed(`Location ${node.name} removed.`)} /></td></tr>
            ))}</tbody>
          </table>
          {data.totalCount > 50 ? <Pager page={pages.page} total={data.totalCount} pageSize={50} hasNext={data.pageInfo.hasNextPage}
            onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={pages.previous} noun="locations" /> : null}
        </>
      ) : null}
      <Dialog open={!!editing} title={editing ? `Edit location ${editing.name}` : 'Edit location'} onClose={() => setEditing(null)}>
        {editing ? <EditLocationForm location={editing} customer={customer} onCancel={() => setEditing(null)}
          onSaved={(saved) => { setEditing(null); changed(`Location ${saved.name} saved.`); }} /> : null}
      </Dialog>
    </section>
  );
}

/**
 * A row's Edit and Remove. Remove first asks the server with `dryRun: true`, so a refusal (users
 * still there: IN_USE; the headquarters: NOT_ALLOWED) shows next to the button before any confirmation.
 */
function LocationActions({ location, onEdit, onRemoved }: { location: CustomerLocation; onEdit(): void; onRemoved(): void }) {
  const session = useSession();
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const guard = writeGuard(session.readOnlyReason);
  const errorId = `remove-location-${location.id}-error`;
  const run = async (dryRun: boolean) => {
    setBusy(true); setFailure(null);
    try {
      const payload = await session.client.payloads.removeLocation({ id: location.id, dryRun });
      setErrors(payload.userErrors);
      if (payload.userErrors.length) { setConfirming(false); return; }
      if (dryRun) setConfirming(true);
      else { setConfirming(false); onRemoved(); }
    } catch (error) { setFailure(describeError(error)); } finally { setBusy(false); }
  };
  const text = [...errors.map((e) => e.message), failure].filter(Boolean).join(' ');
  const describedBy = [guard['aria-describedby'], text ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="row-actions">
      <button type="button" className="secondary small" onClick={onEdit} aria-label={`Edit location ${location.name}`} {...guard}>Edit</button>
      <button type="button" className="danger small" onClick={() => void run(true)} disabled={busy || !!session.readOnlyReason} title={guard.title}
        aria-label={`Remove location ${location.name}`} aria-describedby={describedBy}>Remove</button>
      {text ? <p className="field-error" id={errorId} role="alert">{text}</p> : null}
      <Dialog open={confirming} title={`Remove location ${location.name}?`} onClose={() => setConfirming(false)}>
        <p>No user is at this location. Removing it cannot be undone.</p>
        <div className="dialog-actions">
          <button type="button" className="danger" onClick={() => void run(false)} disabled={busy}>{busy ? 'Removing…' : 'Remove location'}</button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      </Dialog>
    </div>
  );
}

interface LocationEditDraft {
  name: string; timeZone: string; language: string; emergencyLocationIdentifier: string;
  changeAddress: boolean; line1: string; line2: string; city: string; stateOrProvince: string; postalCode: string; countryCode: string;
}

/** Sends only what changed (a field left out keeps its value, §12); the address only when asked to change it. */
function EditLocationForm({ location, customer, onCancel, onSaved }: {
  location: CustomerLocation; customer: Customer; onCancel(): void; onSaved(location: CustomerLocation): void;
}) {
  const session = useSession();
  const a = location.address;
  const [draft, setDraft] = useState<LocationEditDraft>({
    name: location.name, timeZone: location.timeZone, language: location.language ?? '', emergencyLocationIdentifier: location.emergencyLocationIdentifier ?? '',
    changeAddress: false, line1: a.line1, line2: a.line2 ?? '', city: a.city, stateOrProvince: a.stateOrProvince ?? '', postalCode: a.postalCode ?? '', countryCode: a.countryCode,
  });
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<LocationEditDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => withoutKeys(e, Object.keys(patch).map((k) => (k === 'changeAddress' ? 'address' : ['line1', 'line2', 'city', 'stateOrProvince', 'postalCode', 'countryCode'].includes(k) ? `address.${k}` : k))));
  };
  const orNull = (v: string) => (v.trim() ? v.trim() : null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true); setFailure(null);
    const input: UpdateLocationInput = { id: location.id };
    if (draft.name !== location.name) input.name = draft.name;
    if (draft.timeZone !== location.timeZone) input.timeZone = draft.timeZone;
    if (orNull(draft.language) !== (location.language ?? null)) input.language = orNull(draft.language);
    if (orNull(draft.emergencyLocationIdentifier) !== (location.emergencyLocationIdentifier ?? null)) input.emergencyLocationIdentifier = orNull(draft.emergencyLocationIdentifier);
    if (draft.changeAddress) {
      input.address = { line1: draft.line1, line2: orNull(draft.line2), city: draft.city, stateOrProvince: orNull(draft.stateOrProvince), postalCode: orNull(draft.postalCode), countryCode: draft.countryCode };
    }
    try {
      const payload = await session.client.payloads.updateLocation(input);
      setErrors(payload.userErrors);
      if (payload.location) onSaved(payload.location);
      else if (payload.userErrors[0]) document.getElementById(fieldId(errorKey(payload.userErrors[0])))?.focus();
    } catch (error) { setFailure(describeError(error)); } finally { setBusy(false); }
  };
  const map = errorMap(errors);
  const shown = new Set(['name', 'timeZone', 'language', 'emergencyLocationIdentifier', ...(draft.changeAddress ? ['address', ...['line1', 'line2', 'city', 'stateOrProvince', 'postalCode', 'countryCode'].map((k) => `address.${k}`)] : [])]);
  return (
    <form onSubmit={save} noValidate aria-label={`Edit location ${location.name}`}>
      <div className="grid two">
        <TextField label="Location name" name="name" required errors={map} value={draft.name} onChange={(name) => set({ name })} />
        <SelectField label="Time zone" name="timeZone" required errors={map} value={draft.timeZone} onChange={(timeZone) => set({ timeZone })}
          options={(TIME_ZONES.includes(location.timeZone) ? TIME_ZONES : [location.timeZone, ...TIME_ZONES]).map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))} />
        <LanguageFields name="language" errors={map} value={draft.language} onChange={(language) => set({ language })}
          languages={session.languages} countries={session.countries} empty={`The customer's language (${customer.language})`} />
        <TextField label="Emergency location identifier" name="emergencyLocationIdentifier" errors={map} value={draft.emergencyLocationIdentifier}
          onChange={(emergencyLocationIdentifier) => set({ emergencyLocationIdentifier })} hint="Empty removes it." />
      </div>
      <CheckboxField label="Change the address" name="changeAddress" errors={map} checked={draft.changeAddress} onChange={(changeAddress) => set({ changeAddress })}
        hint="A new country must still fit the phone numbers of the location's users." />
      {draft.changeAddress ? (
        <div className="grid two">
          <SelectField label="Country or region" name="address.countryCode" required errors={map} value={draft.countryCode} onChange={(countryCode) => set({ countryCode })}
            options={session.countries.map((c) => ({ value: c.code, label: c.name }))} />
          <TextField label="Address line 1" name="address.line1" required errors={map} value={draft.line1} onChange={(line1) => set({ line1 })} inputProps={{ autoComplete: 'off' }} />
          <TextField label="Address line 2" name="address.line2" errors={map} value={draft.line2} onChange={(line2) => set({ line2 })} inputProps={{ autoComplete: 'off' }} />
          <TextField label="City" name="address.city" required errors={map} value={draft.city} onChange={(city) => set({ city })} inputProps={{ autoComplete: 'off' }} />
          <TextField label="State or province" name="address.stateOrProvince" errors={map} value={draft.stateOrProvince} onChange={(stateOrProvince) => set({ stateOrProvince })} inputProps={{ autoComplete: 'off' }} />
          <TextField label="Postal code" name="address.postalCode" errors={map} value={draft.postalCode} onChange={(postalCode) => set({ postalCode })} inputProps={{ autoComplete: 'off' }} />
        </div>
      ) : null}
      <FormErrors errors={errors} shown={(k) => shown.has(k)} />
      {failure ? <Alert>{failure}</Alert> : null}
      <div className="dialog-actions">
        <button type="submit" disabled={busy || !!session.readOnlyReason}>{busy ? 'Saving…' : 'Save location'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

function Users({ customer, version, webex, onChange }: { customer: Customer; version: number; webex: number | null; onChange(): void }) {
  const session = useSession();
  const pages = useCursorPages();
  const { data, error } = useLoad(() => session.client.customerUsers(customer.id, { first: USERS_PAGE, after: pages.after }), [customer.id, pages.after, version]);
  // The same page of the same connection (same order, same cursor), with each user's Webex state.
  const { data: sync } = useLoad(async () => (webex === null ? null : session.client.customerWebexSync(customer.id, { first: USERS_PAGE, after: pages.after })),
    [customer.id, pages.after, version, webex]);
  const states = syncMap(sync?.users.edges);
  const selection = useUserSelection();
  // The last resend per user: the email queued (or the one still unsent), or the error, shown in its row.
  const [resent, setResent] = useState<Map<string, { kind: 'success' | 'error'; text: string }>>(new Map());
  const [resending, setResending] = useState<string | null>(null);
  const resend = async (userId: string) => {
    setResending(userId);
    let outcome: { kind: 'success' | 'error'; text: string };
    try {
      const payload = await session.client.payloads.resendInvitation({ userId });
      outcome = payload.message
        ? { kind: 'success', text: `${humanize(payload.message.kind)} email to ${payload.message.to}: ${humanize(payload.message.status)}` }
        : { kind: 'error', text: payload.userErrors.map((e) => e.message).join(' ') || 'The invitation was not queued.' };
    } catch (error) { outcome = { kind: 'error', text: describeError(error) }; }
    setResent((m) => new Map(m).set(userId, outcome));
    setResending(null);
    // The outbox below shows the queued email.
    if (outcome.kind === 'success') onChange();
  };
  return (
    <section aria-labelledby="users-title" className="block">
      <h2 id="users-title">Users{data ? ` (${data.totalCount.toLocaleString('en')})` : ''}</h2>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        <>
          <UsersActions customer={customer} pageUsers={data.edges.map((e) => e.node)} selection={selection} onChange={onChange} />
          <table>
            <thead><tr><SelectPageHeader users={data.edges.map((e) => e.node)} selection={selection} /><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Package</th><th scope="col">Location</th><th scope="col">Phone number</th><th scope="col">Extension</th><th scope="col">Admin roles</th>{webex !== null ? <th scope="col">Webex</th> : null}<th scope="col">Invitation</th></tr></thead>
            <tbody>{data.edges.map(({ node: u }) => (
              <tr key={u.id}>
                <SelectUserCell user={u} selection={selection} />
                <td>{u.firstName} {u.lastName}</td><td>{u.email}</td><td>{packageLabel(u.package)}</td><td>{u.location.name}</td>
                <td>{u.phoneNumber ?? '—'}</td><td>{u.extension ?? '—'}</td>
                <td>{u.roles.length ? u.roles.map((r) => ROLE_LABELS[r]).join(', ') : '—'}</td>
                {webex !== null ? <td><WebexCell sync={states.get(u.id)} /></td> : null}
                <td><ResendCell user={u} busy={resending === u.id} outcome={resent.get(u.id)} onResend={() => void resend(u.id)} /></td>
              </tr>
            ))}</tbody>
          </table>
          <Pager page={pages.page} total={data.totalCount} pageSize={USERS_PAGE} hasNext={data.pageInfo.hasNextPage}
            onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={pages.previous} noun="users" />
          <AdminRoles customer={customer} users={data.edges.map((e) => e.node)} onChange={onChange} />
        </>
      ) : null}
    </section>
  );
}

/** A user's Resend invitation button and, after it, the email it queued (or the error) linked to the button. */
function ResendCell({ user, busy, outcome, onResend }: {
  user: { id: string; email: string }; busy: boolean; outcome?: { kind: 'success' | 'error'; text: string }; onResend(): void;
}) {
  const { readOnlyReason } = useSession();
  const outcomeId = `resend-${user.id}-outcome`;
  const guard = writeGuard(readOnlyReason);
  const describedBy = [guard['aria-describedby'], outcome ? outcomeId : null].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <button type="button" className="secondary small" onClick={onResend} disabled={busy || !!readOnlyReason} title={guard.title}
        aria-label={`Resend invitation to ${user.email}`} aria-describedby={describedBy}>
        {busy ? 'Resending…' : 'Resend invitation'}
      </button>
      {outcome ? <p id={outcomeId} className={outcome.kind === 'error' ? 'field-error' : 'hint'} role={outcome.kind === 'error' ? 'alert' : 'status'}>{outcome.text}</p> : null}
    </>
  );
}

type UserRow = { id: string; firstName: string; lastName: string; email: string; roles: CustomerAdminRole[] };

function AdminRoles({ customer, users, onChange }: { customer: Customer; users: UserRow[]; onChange(): void }) {
  const session = useSession();
  const [userId, setUserId] = useState('');
  const [roles, setRoles] = useState<CustomerAdminRole[]>([]);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const pick = (id: string) => { setUserId(id); setRoles(users.find((u) => u.id === id)?.roles ?? []); setErrors([]); setMessage(null); };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!userId) { setErrors([{ code: 'REQUIRED', field: ['input', 'assignments', '0', 'userId'], message: 'Choose a user.' }]); return; }
    setBusy(true); setMessage(null);
    try {
      const payload = await session.client.payloads.assignCustomerAdminRoles({ customerId: customer.id, assignments: [{ userId, roles }] });
      setErrors(payload.userErrors);
      if (!payload.userErrors.length) { setMessage({ kind: 'success', text: 'Roles saved.' }); onChange(); }
    } catch (error) { setMessage({ kind: 'error', text: describeError(error) }); } finally { setBusy(false); }
  };
  const map = errorMap(errors);
  return (
    <form className="card inline-form" onSubmit={save} noValidate aria-labelledby="roles-title">
      <h3 id="roles-title">Admin roles</h3>
      <p className="hint">Control Hub roles of a user on this page. Role holders must hold the organization's package ({packageLabel(customer.package)}).</p>
      <SelectField label="User" name="assignments.0.userId" errors={map} value={userId} onChange={pick} placeholder="Choose a user"
        options={users.map((u) => ({ value: u.id, label: `${u.firstName} ${u.lastName} (${u.email})` }))} />
      <fieldset className={map.has('assignments.0.roles') ? 'inline-choices field-invalid' : 'inline-choices'} aria-describedby={map.has('assignments.0.roles') ? 'field-assignments-0-roles-error' : undefined}>
        <legend>Roles</legend>
        {(Object.keys(ROLE_LABELS) as CustomerAdminRole[]).map((r) => (
          <CheckboxField key={r} label={ROLE_LABELS[r]} name={`role-${r}`} errors={map} checked={roles.includes(r)} disabled={!userId}
            onChange={(on) => setRoles(on ? [...roles, r] : roles.filter((x) => x !== r))} />
        ))}
        {map.has('assignments.0.roles') ? <p className="field-error" id="field-assignments-0-roles-error">{map.get('assignments.0.roles')!.map((e) => e.message).join(' ')}</p> : null}
      </fieldset>
      <FormErrors errors={errors} shown={(k) => k === 'assignments.0.userId' || k === 'assignments.0.roles'} />
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      <button type="submit" disabled={busy || !!session.readOnlyReason} {...writeGuard(session.readOnlyReason)}>Save roles</button>
    </form>
  );
}

function SetupAssist({ customer, version, onChange }: { customer: Customer; version: number; onChange(): void }) {
  const session = useSession();
  const { data: requests } = useLoad(() => session.client.setupAssistRequests(customer.id), [customer.id, version]);
  const { data: locations } = useLoad(() => session.client.customerLocations(customer.id, { first: 100 }), [customer.id, version]);
  const [form, setForm] = useState({ locationId: '', contactName: '', contactEmail: '', contactPhone: '', notes: '' });
  const [errors, setErrors] = useState<UserError[]>([]);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true); setMessage(null);
    try {
      const payload = await session.client.payloads.requestSetupAssist({
        customerId: customer.id, locationId: form.locationId || customer.headquarters.id, contactName: form.contactName, contactEmail: form.contactEmail,
        contactPhone: form.contactPhone.trim() || null, notes: form.notes.trim() || null,
      });
      setErrors(payload.userErrors);
      if (payload.request) { setMessage({ kind: 'success', text: 'Setup Assist requested.' }); setForm({ locationId: '', contactName: '', contactEmail: '', contactPhone: '', notes: '' }); onChange(); }
    } catch (error) { setMessage({ kind: 'error', text: describeError(error) }); } finally { setBusy(false); }
  };
  const map = errorMap(errors);
  return (
    <section aria-labelledby="assist-title" className="block">
      <h2 id="assist-title">Setup Assist requests{requests ? ` (${requests.length})` : ''}</h2>
      {requests && requests.length ? (
        <table>
          <thead><tr><th scope="col">Location</th><th scope="col">Contact</th><th scope="col">Status</th><th scope="col">Requested</th></tr></thead>
          <tbody>{requests.map((r) => (
            <tr key={r.id}><td>{r.location.name}</td><td>{r.contactName} ({r.contactEmail}{r.contactPhone ? `, ${r.contactPhone}` : ''})</td><td>{humanize(r.status)}</td><td>{formatDate(r.createdAt)}</td></tr>
          ))}</tbody>
        </table>
      ) : <p className="empty">No Setup Assist request yet.</p>}
      <form className="card inline-form" onSubmit={submit} noValidate aria-labelledby="assist-form-title">
        <h3 id="assist-form-title">Request Setup Assist</h3>
        <div className="grid">
          <SelectField label="Location" name="locationId" errors={map} value={form.locationId || customer.headquarters.id} onChange={(locationId) => set({ locationId })}
            options={(locations?.edges ?? [{ node: customer.headquarters }]).map(({ node }) => ({ value: node.id, label: node.name }))} />
          <TextField label="Contact name" name="contactName" required errors={map} value={form.contactName} onChange={(contactName) => set({ contactName })} />
          <TextField label="Contact email" name="contactEmail" type="email" required errors={map} value={form.contactEmail} onChange={(contactEmail) => set({ contactEmail })} />
          <TextField label="Contact phone" name="contactPhone" errors={map} value={form.contactPhone} onChange={(contactPhone) => set({ contactPhone })} />
          <TextField label="Notes" name="notes" errors={map} value={form.notes} onChange={(notes) => set({ notes })} />
        </div>
        <FormErrors errors={errors} shown={(k) => ['locationId', 'contactName', 'contactEmail', 'contactPhone', 'notes'].includes(k)} />
        {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
        <button type="submit" disabled={busy || !!session.readOnlyReason} {...writeGuard(session.readOnlyReason)}>Request Setup Assist</button>
      </form>
    </section>
  );
}

function Outbox({ customerId, version }: { customerId: string; version: number }) {
  const { client } = useSession();
  const pages = useCursorPages();
  const { data, error } = useLoad(() => client.customerOutbox(customerId, { first: 20, after: pages.after }), [customerId, pages.after, version]);
  return (
    <section aria-labelledby="outbox-title" className="block">
      <h2 id="outbox-title">Outbox{data ? ` (${data.totalCount.toLocaleString('en')})` : ''}</h2>
      <p className="hint">Onboarding emails of this customer and their delivery.</p>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        <>
          <table>
            <thead><tr><th scope="col">Email</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col" className="num">Attempts</th><th scope="col">Queued</th><th scope="col">Sent</th></tr></thead>
            <tbody>{data.edges.map(({ node: m }) => (
              <tr key={m.id}><td>{humanize(m.kind)}</td><td>{m.to}</td><td>{m.subject}</td><td>{humanize(m.status)}{m.lastError ? ` (${m.lastError})` : ''}</td><td className="num">{m.attempts}</td><td>{formatDate(m.createdAt)}</td><td>{formatDate(m.sentAt)}</td></tr>
            ))}</tbody>
          </table>
          <Pager page={pages.page} total={data.totalCount} pageSize={20} hasNext={data.pageInfo.hasNextPage}
            onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={pages.previous} noun="emails" />
        </>
      ) : null}
    </section>
  );
}
