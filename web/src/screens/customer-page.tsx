import { useCallback, useState, type FormEvent } from 'react';
import type { Customer, CustomerAdminRole, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, CheckboxField, errorMap, FormErrors, ReadOnlyNotice, SelectField, TextField, writeGuard } from '../forms';
import { formatDate, useCursorPages, useLoad } from '../use-load';
import { ADD_ON_LABELS, humanize, packageLabel, ROLE_LABELS, STATUS_LABELS } from '../labels';
import { formatAddress } from './location-fields';
import { Dialog } from '../dialog';
import { Pager } from './templates';
import { CustomerWebex, NotConnected, syncMap, WebexCell } from './webex-state';

const USERS_PAGE = 25;

export function CustomerPage({ id }: { id: string }) {
  const session = useSession();
  const { data: customer, error, loading } = useLoad(() => session.client.customer(id), [id]);
  if (error) return <Alert>{error}</Alert>;
  if (loading && !customer) return <p role="status">Loading the customer…</p>;
  if (!customer) return <section><h1>Customer not found</h1><p><Link to="/customers">Back to customers</Link></p></section>;
  return <CustomerView customer={customer} />;
}

function CustomerView({ customer }: { customer: Customer }) {
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
      <Locations customerId={c.id} version={version} webex={webex} />
      <Users customer={c} version={version} webex={webex} onChange={() => setVersion((v) => v + 1)} />
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
function Locations({ customerId, version, webex }: { customerId: string; version: number; webex: number | null }) {
  const { client } = useSession();
  const pages = useCursorPages();
  const { data, error } = useLoad(() => client.customerLocations(customerId, { first: 50, after: pages.after }), [customerId, pages.after, version]);
  const { data: sync } = useLoad(async () => (webex === null ? null : client.customerWebexSync(customerId, { first: 1 })), [customerId, version, webex]);
  const states = syncMap(sync?.locations.edges);
  return (
    <section aria-labelledby="locations-title" className="block">
      <h2 id="locations-title">Locations{data ? ` (${data.totalCount})` : ''}</h2>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        <>
          <table>
            <thead><tr><th scope="col">Location name</th><th scope="col">Address</th><th scope="col">Time zone</th><th scope="col">Language</th>{webex !== null ? <th scope="col">Webex</th> : null}</tr></thead>
            <tbody>{data.edges.map(({ node }) => (
              <tr key={node.id}><td>{node.name}{node.isHeadquarters ? <span className="badge">Headquarters</span> : null}</td><td>{formatAddress(node)}</td><td>{node.timeZone}</td><td>{node.language}</td>{webex !== null ? <td><WebexCell sync={states.get(node.id)} /></td> : null}</tr>
            ))}</tbody>
          </table>
          {data.totalCount > 50 ? <Pager page={pages.page} total={data.totalCount} pageSize={50} hasNext={data.pageInfo.hasNextPage}
            onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={pages.previous} noun="locations" /> : null}
        </>
      ) : null}
    </section>
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
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Package</th><th scope="col">Location</th><th scope="col">Phone number</th><th scope="col">Extension</th><th scope="col">Admin roles</th>{webex !== null ? <th scope="col">Webex</th> : null}<th scope="col">Invitation</th></tr></thead>
            <tbody>{data.edges.map(({ node: u }) => (
              <tr key={u.id}>
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
