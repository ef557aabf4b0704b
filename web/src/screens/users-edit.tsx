import { useMemo, useState } from 'react';
import type { Customer, CustomerUser, CustomerUserUpdateInput, Package, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Alert, CheckboxField, errorKey, errorMap, FormErrors, withoutKeys, writeGuard, type ErrorMap } from '../forms';
import { Dialog } from '../dialog';
import { useLoad } from '../use-load';
import { COLUMN_LABELS, packageOptions, UsersTable, userPackages, type UserColumn, type UserDraft } from './users-table';

/*
 * Editing and removing a customer's users (domain.md §12 updateUsers / removeUsers) from its page.
 * The users are chosen with the checkboxes of the Users table; the selection survives paging.
 */

const ALL_COLUMNS = Object.keys(COLUMN_LABELS) as UserColumn[];
/** The keys the table shows: a cell's, or its row's (`users.<row>` and `users.<row>.id`, in the row header). */
const TABLE_KEY = new RegExp(`^users\\.\\d+(\\.(id|${ALL_COLUMNS.join('|')}))?$`);

export interface UserSelection {
  /** The chosen users by id, in the order they were chosen. */
  selected: Map<string, CustomerUser>;
  toggle(user: CustomerUser, on: boolean): void;
  clear(): void;
  /** Why the last removal dry run refused a user, by user id: shown on that user's checkbox. */
  refusals: Map<string, string>;
  setRefusals(refusals: Map<string, string>): void;
}

export function useUserSelection(): UserSelection {
  const [selected, setSelected] = useState<Map<string, CustomerUser>>(new Map());
  const [refusals, setRefusals] = useState<Map<string, string>>(new Map());
  return {
    selected, refusals, setRefusals,
    toggle: (user, on) => setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(user.id, user); else next.delete(user.id);
      return next;
    }),
    clear: () => { setSelected(new Map()); setRefusals(new Map()); },
  };
}

/** The header cell of the Users table's selection column: selects or clears the users of this page. */
export function SelectPageHeader({ users, selection }: { users: CustomerUser[]; selection: UserSelection }) {
  const all = users.length > 0 && users.every((u) => selection.selected.has(u.id));
  return (
    <th scope="col" className="select-cell">
      <input type="checkbox" aria-label="Select all users on this page" checked={all}
        onChange={(e) => users.forEach((u) => selection.toggle(u, e.target.checked))} />
    </th>
  );
}

/** A user row's checkbox, named after the user; a removal refusal is linked to it and shown below. */
export function SelectUserCell({ user, selection }: { user: CustomerUser; selection: UserSelection }) {
  const refusal = selection.refusals.get(user.id);
  const errorId = `select-user-${user.id}-error`;
  return (
    <td className={refusal ? 'select-cell cell-invalid' : 'select-cell'}>
      <input type="checkbox" aria-label={`Select ${user.email}`} checked={selection.selected.has(user.id)}
        onChange={(e) => selection.toggle(user, e.target.checked)}
        aria-invalid={refusal ? true : undefined} aria-describedby={refusal ? errorId : undefined} />
      {refusal ? <p className="field-error" id={errorId}>{refusal}</p> : null}
    </td>
  );
}

/**
 * The Users section's actions: Edit users (the selected ones, or this page's when none is selected)
 * and Remove selected users, the editor and the removal dialog, and what the last change did.
 */
export function UsersActions({ customer, pageUsers, selection, onChange }: {
  customer: Customer; pageUsers: CustomerUser[]; selection: UserSelection; onChange(): void;
}) {
  const session = useSession();
  const [editing, setEditing] = useState<CustomerUser[] | null>(null);
  // The users still checked in the removal dialog (null: closed). Kept here, not in the dialog's
  // content, so its title counts the same users as its Remove button.
  const [removing, setRemoving] = useState<string[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const guard = writeGuard(session.readOnlyReason);
  const count = selection.selected.size;
  const done = (text: string) => { setMessage(text); selection.clear(); onChange(); };
  return (
    <>
      <div className="row-actions" role="group" aria-label="Selected users">
        <button type="button" className="secondary" aria-describedby={guard['aria-describedby'] ?? 'users-selection-hint'} disabled={guard.disabled} title={guard.title}
          onClick={() => { setMessage(null); setEditing(count ? [...selection.selected.values()] : pageUsers); }}>
          {count ? `Edit ${count} selected user${count === 1 ? '' : 's'}` : 'Edit users'}
        </button>
        <button type="button" className="danger" aria-describedby={guard['aria-describedby'] ?? 'users-selection-hint'} disabled={guard.disabled || count === 0} title={guard.title}
          onClick={() => { setMessage(null); setRemoving([...selection.selected.keys()]); }}>
          {count ? `Remove ${count} selected user${count === 1 ? '' : 's'}` : 'Remove selected users'}
        </button>
        <p className="hint" id="users-selection-hint">
          {count ? `${count} selected.` : 'Select users with the checkboxes to remove them; Edit users without a selection edits the users of this page.'}
          {count ? <> <button type="button" className="link" onClick={selection.clear}>Clear selection</button></> : null}
        </p>
      </div>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <Dialog wide open={editing !== null} title={`Edit ${editing?.length ?? 0} user${editing?.length === 1 ? '' : 's'}`} onClose={() => setEditing(null)}>
        {editing ? (
          <EditUsers customer={customer} users={editing} onCancel={() => setEditing(null)}
            onSaved={(n) => { setEditing(null); done(`${n} user${n === 1 ? '' : 's'} saved.`); }} />
        ) : null}
      </Dialog>
      <Dialog open={removing !== null} title={`Remove ${removing?.length ?? 0} user${removing?.length === 1 ? '' : 's'}?`} onClose={() => setRemoving(null)}>
        {removing ? (
          <RemoveUsersConfirm customer={customer} users={[...selection.selected.values()]} checked={removing} onCheck={setRemoving}
            onCancel={() => setRemoving(null)} onRefused={selection.setRefusals}
            onRemoved={(n) => { setRemoving(null); done(`${n} user${n === 1 ? '' : 's'} removed.`); }} />
        ) : null}
      </Dialog>
    </>
  );
}

const draftOf = (u: CustomerUser): UserDraft => ({
  firstName: u.firstName, lastName: u.lastName, email: u.email, package: u.package, locationName: u.location.name,
  phoneNumber: u.phoneNumber ?? '', extension: u.extension ?? '',
});

/** Only what changed goes to the server (a field left out keeps its value, §12); an emptied number or extension is null, which clears it. */
function changesOf(user: CustomerUser, draft: UserDraft): CustomerUserUpdateInput {
  const before = draftOf(user);
  const input: CustomerUserUpdateInput = { id: user.id };
  if (draft.firstName !== before.firstName) input.firstName = draft.firstName;
  if (draft.lastName !== before.lastName) input.lastName = draft.lastName;
  if (draft.email !== before.email) input.email = draft.email;
  if (draft.package !== before.package) input.package = draft.package as Package;
  if (draft.locationName !== before.locationName) input.locationName = draft.locationName;
  if (draft.phoneNumber !== before.phoneNumber) input.phoneNumber = draft.phoneNumber.trim() || null;
  if (draft.extension !== before.extension) input.extension = draft.extension.trim() || null;
  return input;
}

/**
 * The chosen users in the setup wizard's table. Review is updateUsers with `dryRun: true` (errors in
 * their rows and cells, counted on top); Save changes, enabled once a review found nothing, writes.
 */
function EditUsers({ customer, users, onCancel, onSaved }: {
  customer: Customer; users: CustomerUser[]; onCancel(): void; onSaved(count: number): void;
}) {
  const session = useSession();
  const { data: locations } = useLoad(() => session.client.customerLocations(customer.id, { first: 100 }), [customer.id]);
  const [drafts, setDrafts] = useState<UserDraft[]>(() => users.map(draftOf));
  const [errors, setErrors] = useState<UserError[]>([]);
  const [reviewed, setReviewed] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const map = useMemo(() => errorMap(errors), [errors]);
  const indices = useMemo(() => drafts.map((_, i) => i), [drafts]);
  const packages = packageOptions(userPackages(session.packages, customer.package));
  const locationOptions = (locations?.edges ?? []).map(({ node }) => ({ value: node.name, label: node.isHeadquarters ? `${node.name} (headquarters)` : node.name }));

  const change = (i: number, patch: Partial<UserDraft>) => {
    setDrafts((all) => all.map((d, j) => (j === i ? { ...d, ...patch } : d)));
    setErrors((all) => withoutKeys(all, Object.keys(patch).map((k) => `users.${i}.${k}`)));
    setReviewed(false);
  };

  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? 'Checking…' : 'Saving…'); setFailure(null);
    try {
      const payload = await session.client.payloads.updateUsers({ customerId: customer.id, dryRun, users: users.map((u, i) => changesOf(u, drafts[i]!)) });
      setErrors(payload.userErrors);
      setReviewed(dryRun && !payload.userErrors.length);
      if (!dryRun && !payload.userErrors.length) onSaved(payload.users.length);
    } catch (error) { setFailure(describeError(error)); } finally { setBusy(null); }
  };

  return (
    <>
      <p className="lead">Change the cells, then <strong>Review</strong>: the server checks the changes without writing anything. An empty Phone number or Extension removes it.</p>
      <FormErrors errors={errors} shown={(k) => TABLE_KEY.test(k)} />
      {reviewed ? <Alert kind="success">Review passed: no problems. <strong>Save changes</strong> to write them.</Alert> : null}
      {failure ? <Alert>{failure}</Alert> : null}
      <UsersTable rows={drafts} indices={indices} columns={ALL_COLUMNS} errors={map} onChange={change}
        packageOptions={packages} locationOptions={locationOptions} caption={`Users to edit (${users.length})`} />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={() => void run(true)} disabled={!!busy || !!session.readOnlyReason}>{busy === 'Checking…' ? busy : 'Review'}</button>
        <button type="button" onClick={() => void run(false)} disabled={!!busy || !reviewed || !!session.readOnlyReason} aria-describedby="save-users-hint">
          {busy === 'Saving…' ? busy : 'Save changes'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        <p className="hint" id="save-users-hint">{reviewed ? 'Writes the reviewed changes.' : 'Review the changes first; Save changes is available once the review finds no problem.'}</p>
      </div>
    </>
  );
}

/**
 * The removal dialog: removeUsers with `dryRun: true` for the checked users, again after every change
 * of the checks, so a refusal (the full administrator: NOT_ALLOWED) shows on that user's checkbox
 * before anything is removed; Remove then removes the checked users for real.
 */
function RemoveUsersConfirm({ customer, users, checked, onCheck, onCancel, onRefused, onRemoved }: {
  customer: Customer; users: CustomerUser[];
  /** The ids of the checked users, in the order of `users`. */
  checked: string[]; onCheck(checked: string[]): void;
  onCancel(): void; onRefused(refusals: Map<string, string>): void; onRemoved(count: number): void;
}) {
  const session = useSession();
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { loading: checking, error: checkFailure } = useLoad(async () => {
    if (!checked.length) { setErrors([]); return null; }
    const payload = await session.client.payloads.removeUsers({ customerId: customer.id, userIds: checked, dryRun: true });
    setErrors(payload.userErrors);
    onRefused(refusalsOf(payload.userErrors, checked));
    return payload;
  }, [checked.join(',')]);
  const remove = async () => {
    setBusy(true); setFailure(null);
    try {
      const payload = await session.client.payloads.removeUsers({ customerId: customer.id, userIds: checked });
      setErrors(payload.userErrors);
      onRefused(refusalsOf(payload.userErrors, checked));
      if (!payload.userErrors.length) onRemoved(payload.removedUserIds.length);
    } catch (error) { setFailure(describeError(error)); } finally { setBusy(false); }
  };
  // Errors on `userIds.<i>` belong to the i-th checked user: keyed by user for the checkboxes.
  const byUser: ErrorMap = new Map();
  for (const e of errors) {
    const m = /^userIds\.(\d+)$/.exec(errorKey(e));
    const id = m ? checked[Number(m[1])] : undefined;
    if (id) byUser.set(`remove.${id}`, [...(byUser.get(`remove.${id}`) ?? []), e]);
  }
  const blocked = byUser.size > 0;
  return (
    <>
      <p>The checked users are removed with their numbers and extensions; this cannot be undone. The full administrator cannot be removed.</p>
      <fieldset>
        <legend>Users to remove</legend>
        {users.map((u) => (
          <CheckboxField key={u.id} label={`${u.firstName} ${u.lastName} (${u.email})`} name={`remove.${u.id}`} errors={byUser}
            checked={checked.includes(u.id)} onChange={(on) => onCheck(on ? users.map((x) => x.id).filter((id) => id === u.id || checked.includes(id)) : checked.filter((id) => id !== u.id))} />
        ))}
      </fieldset>
      <FormErrors errors={errors} shown={(k) => /^userIds\.\d+$/.test(k)} />
      {checking ? <p role="status">Checking whether these users can be removed…</p> : null}
      {checkFailure ? <Alert>{checkFailure}</Alert> : null}
      {failure ? <Alert>{failure}</Alert> : null}
      <div className="dialog-actions">
        <button type="button" className="danger" onClick={() => void remove()} disabled={busy || checking || blocked || !checked.length || !!session.readOnlyReason}
          aria-describedby={blocked || !checked.length ? 'remove-users-blocked' : undefined}>
          {busy ? 'Removing…' : `Remove ${checked.length} user${checked.length === 1 ? '' : 's'}`}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        {blocked || !checked.length
          ? <p className="hint" id="remove-users-blocked">{blocked ? 'Uncheck the users that cannot be removed.' : 'Check at least one user.'}</p> : null}
      </div>
    </>
  );
}

function refusalsOf(errors: readonly UserError[], ids: readonly string[]): Map<string, string> {
  const refusals = new Map<string, string>();
  for (const e of errors) {
    const m = /^userIds\.(\d+)$/.exec(errorKey(e));
    const id = m ? ids[Number(m[1])] : undefined;
    if (id) refusals.set(id, [refusals.get(id), e.message].filter(Boolean).join(' '));
  }
  return refusals;
}
