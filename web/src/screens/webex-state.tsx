import { useEffect, useState } from 'react';
import type {
  WebexConnectionFieldsFragment as WebexConnection, WebexSyncFieldsFragment as WebexSync, WebexSyncStatus,
} from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link } from '../router';
import { Alert, errorKey, SelectField, writeGuard } from '../forms';
import { formatDate, useCursorPages, useLoad } from '../use-load';
import { packageLabel } from '../labels';
import { Pager } from './templates';

/** How often the page looks again while the connector is working on something, and while Cisco holds something (that can take days). */
const POLL_MS = 2000;
const HELD_POLL_MS = 10_000;

/**
 * Whether the connector is about to move this object. A QUEUED object with errors is waiting for the
 * partner, not for the connector (e.g. a calling user without a number until setupCustomer gives
 * one): polling would not change it.
 */
function working(s: WebexSync): boolean {
  return s.status === 'IN_PROGRESS' || (s.status === 'QUEUED' && s.errors.length === 0);
}

/** Cisco's errors with their trackingId (what Cisco's support asks for). */
export function WebexErrors({ sync, id }: { sync: WebexSync; id?: string }) {
  if (!sync.errors.length) return null;
  return (
    <ul className="webex-errors" id={id}>
      {sync.errors.map((e, i) => (
        <li key={i}>
          {e.description}{e.code ? <span className="code"> ({e.code})</span> : null}
          {e.trackingId ? <> <span className="tracking">Tracking ID: <code>{e.trackingId}</code></span></> : null}
        </li>
      ))}
    </ul>
  );
}

/** A table cell's content: the status as the API names it, and for FAILED (or with errors) Cisco's errors. */
export function WebexCell({ sync }: { sync: WebexSync | undefined }) {
  if (!sync) return <>—</>;
  return (
    <>
      <span className={`badge badge-webex badge-webex-${sync.status.toLowerCase()}`}>{sync.status}</span>
      {/* FAILED: Cisco's refusal; QUEUED: why the connector waits (e.g. a calling user without a number). */}
      <WebexErrors sync={sync} />
    </>
  );
}

/** Sync states by object id, for the location and user tables' Webex column. */
export type WebexSyncMap = Map<string, WebexSync>;

export function syncMap(nodes: ReadonlyArray<{ node: { id: string; webex: WebexSync } }> | undefined): WebexSyncMap {
  return new Map((nodes ?? []).map(({ node }) => [node.id, node.webex]));
}

export function NotConnected({ connection }: { connection: WebexConnection }) {
  return (
    <p className="empty" data-testid="webex-not-connected">
      Webex is not connected{connection.lastError ? ` (${connection.lastError})` : ''}: this customer is not carried to Webex.
      A full admin connects your partner on the <Link to="/webex">Webex</Link> screen.
    </p>
  );
}

/** How many users the Webex section's list of users in one status shows at a time. */
const WEBEX_USERS_PAGE = 25;

type StatusCount = { status: WebexSyncStatus; count: number };

/**
 * The customer's state in Webex (domain.md §11): its status, Cisco's orgId, errors with trackingId,
 * attempts and next attempt, how its locations and all its users stand (`webexUserCounts`, however
 * many users), the users in one status (FAILED first), and Retry in Webex.
 * While something is still in flight it asks `onPoll` to refresh the page's Webex data.
 */
export function CustomerWebex({ customerId, template, connection, tick, onPoll }: {
  customerId: string; template: { id: string; name: string }; connection: WebexConnection; tick: string; onPoll(): void;
}) {
  const session = useSession();
  const { data, error } = useLoad(async () => {
    const sync = await session.client.customerWebexSync(customerId, { first: 100 });
    if (!sync) return null;
    // QUEUED users beyond the first 100: whether they wait for the connector (keep looking) or for
    // the partner (a missing number: stop) is in their errors, so read them (100 at most) too.
    const seen = sync.users.edges.filter((e) => e.node.webex.status === 'QUEUED').length;
    const queued = sync.webexUserCounts.find((c) => c.status === 'QUEUED')?.count ?? 0;
    const queuedBeyond = queued > seen
      ? ((await session.client.customerWebexUsers(customerId, { first: 100, filter: { webexStatus: 'QUEUED' } }))?.edges.map((e) => e.node.webex) ?? [])
      : [];
    // Counted but not read: moved on between the two reads (the counts are older than the list), or
    // past the 100 read. Their state is not known here, so the page keeps looking.
    const queuedUnread = Math.max(0, queued - seen - queuedBeyond.length);
    return { ...sync, queuedBeyond, queuedUnread };
  }, [customerId, tick]);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const all = data ? [data.webex, ...data.locations.edges.map((e) => e.node.webex), ...data.users.edges.map((e) => e.node.webex), ...data.queuedBeyond] : [];
  const userCounts: StatusCount[] = data?.webexUserCounts ?? [];
  const usersIn = (status: WebexSyncStatus) => userCounts.find((c) => c.status === status)?.count ?? 0;
  // A user in progress or held anywhere (the counts cover every user), or a QUEUED one not read, keeps the page looking.
  const unsettled = all.some(working) || usersIn('IN_PROGRESS') > 0 || (data?.queuedUnread ?? 0) > 0;
  const held = all.some((s) => s.status === 'ON_HOLD') || usersIn('ON_HOLD') > 0;
  useEffect(() => {
    if (!data || !(unsettled || held)) return;
    const timer = setTimeout(onPoll, unsettled ? POLL_MS : HELD_POLL_MS);
    return () => clearTimeout(timer);
  }, [data, unsettled, held, onPoll]);

  if (error) return <section aria-labelledby="webex-title" className="block"><h2 id="webex-title">Webex</h2><Alert>{error}</Alert></section>;
  if (!data) return <section aria-labelledby="webex-title" className="block"><h2 id="webex-title">Webex</h2><p role="status">Loading the Webex state…</p></section>;

  const w = data.webex;
  // The customer and its locations as read, and every FAILED user of the customer (counted, not just those on a page).
  const failed = [data.webex, ...data.locations.edges.map((e) => e.node.webex)].filter((s) => s.status === 'FAILED').length + usersIn('FAILED');
  const retryable = w.status === 'NOT_SYNCED' || failed > 0;
  const retry = async () => {
    setBusy(true); setMessage(null);
    try {
      const payload = await session.client.payloads.retryWebexSync({ customerId });
      if (payload.userErrors.length) setMessage({ kind: 'error', text: payload.userErrors.map((e) => `${e.message} (${e.code} on ${errorKey(e) || 'input'})`).join(' ') });
      else setMessage({ kind: 'success', text: 'Sent to Webex again: the states below follow.' });
      onPoll();
    } catch (e) { setMessage({ kind: 'error', text: describeError(e) }); } finally { setBusy(false); }
  };
  const counts = (list: WebexSync[]) => {
    const by = new Map<string, number>();
    for (const s of list) by.set(s.status, (by.get(s.status) ?? 0) + 1);
    return [...by].map(([status, n]) => `${n} ${status}`).join(', ') || 'none';
  };
  const countsText = (list: StatusCount[]) => list.map((c) => `${c.count.toLocaleString('en')} ${c.status}`).join(', ') || 'none';
  const rows: Array<[string, React.ReactNode]> = [
    ['Webex status', <span data-testid="webex-status" className={`badge badge-webex badge-webex-${w.status.toLowerCase()}`}>{w.status}</span>],
    ['Cisco status', w.webexStatus ?? '—'],
    ['Org ID', w.orgId ? <code data-testid="webex-org-id">{w.orgId}</code> : '—'],
    ['Attempts', String(w.attempts)],
    ['Last attempt', formatDate(w.lastAttemptAt)],
    ['Next attempt', formatDate(w.nextAttemptAt)],
    ['Locations in Webex', counts(data.locations.edges.map((e) => e.node.webex))],
    ['Users in Webex', <span data-testid="webex-user-counts">{countsText(userCounts)}</span>],
  ];
  return (
    <section aria-labelledby="webex-title" className="block" data-testid="customer-webex">
      <h2 id="webex-title">Webex</h2>
      {connection.lastError ? <Alert kind="warning">The Webex connection stopped: {connection.lastError}. A full admin reconnects it on the <Link to="/webex">Webex</Link> screen.</Alert> : null}
      <dl className="summary webex-summary">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
      {w.errors.length ? <div className="alert alert-error" aria-labelledby="webex-errors-title"><h3 id="webex-errors-title">Errors from Webex</h3><WebexErrors sync={w} /></div> : null}
      {retryable ? (
        <p className="actions">
          <button type="button" onClick={retry} disabled={busy || !!session.readOnlyReason} {...writeGuard(session.readOnlyReason)}
            aria-describedby={session.readOnlyReason ? writeGuard(session.readOnlyReason)['aria-describedby'] : 'webex-retry-hint'}>Retry in Webex</button>
          {session.readOnlyReason ? null : (
            <span className="hint" id="webex-retry-hint">
              {w.status === 'NOT_SYNCED' ? <>This customer was never sent to Webex: once its template
                (<Link to={`/templates/${template.id}`}>{template.name}</Link>) has a Webex Provisioning ID, Retry in Webex queues it.</>
                : `${failed} failed in Webex: Retry in Webex sends ${failed === 1 ? 'it' : 'them'} again.`}
            </span>
          )}
        </p>
      ) : null}
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      {userCounts.length ? <WebexUsers customerId={customerId} counts={userCounts} tick={tick} /> : null}
      {unsettled ? <p className="hint" role="status">Webex is still working on this customer: this page refreshes by itself.</p>
        : held ? <p className="hint" role="status">Webex holds part of this customer (see Cisco status): this page looks again every few seconds.</p> : null}
    </section>
  );
}

/**
 * The customer's users in one Webex status, a page at a time (`users(filter: { webexStatus })`), so a
 * FAILED user of a customer with thousands is one choice away, with Cisco's error and trackingId.
 * Starts on FAILED when some user failed.
 */
function WebexUsers({ customerId, counts, tick }: { customerId: string; counts: StatusCount[]; tick: string }) {
  const { client } = useSession();
  const [status, setStatus] = useState<WebexSyncStatus | ''>(() => (counts.some((c) => c.status === 'FAILED') ? 'FAILED' : ''));
  const pages = useCursorPages();
  // The page a list was loaded for travels with it: until the next page has loaded, the pager
  // shows the rows' own range and does not move on from them.
  const { page, after } = pages;
  const { data: loaded, error } = useLoad(async () => (status
    ? { page, after, users: await client.customerWebexUsers(customerId, { first: WEBEX_USERS_PAGE, after, filter: { webexStatus: status } }) }
    : null), [customerId, status, after, tick]);
  const data = loaded?.users ?? null;
  const current = loaded?.after === after;
  // A status no user is in any more (e.g. FAILED after a retry) stays choosable while chosen, showing none.
  const options = [...counts, ...(status && !counts.some((c) => c.status === status) ? [{ status, count: 0 }] : [])];
  return (
    <div className="card inline-form" data-testid="webex-users">
      <h3 id="webex-users-title">Users by Webex status</h3>
      <SelectField label="Webex status of users" name="webexUsersStatus" errors={new Map()} value={status}
        onChange={(next) => { setStatus(next as WebexSyncStatus | ''); pages.reset(); }} placeholder="Choose a status"
        hint="Lists every user of this customer in that status, however many users it has."
        options={options.map((c) => ({ value: c.status, label: `${c.status} (${c.count.toLocaleString('en')})` }))} />
      {error ? <Alert>{error}</Alert> : null}
      {status && data ? (
        data.edges.length ? (
          <>
            <table aria-labelledby="webex-users-title">
              <thead><tr><th scope="col">Email</th><th scope="col">Package</th><th scope="col">Webex</th></tr></thead>
              <tbody>{data.edges.map(({ node: u }) => (
                <tr key={u.id}><td>{u.email}</td><td>{packageLabel(u.package)}</td><td><WebexCell sync={u.webex} /></td></tr>
              ))}</tbody>
            </table>
            <Pager page={loaded!.page} total={data.totalCount} pageSize={WEBEX_USERS_PAGE} hasNext={current && data.pageInfo.hasNextPage}
              onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={() => { if (current) pages.previous(); }} noun={`${status} users`} />
          </>
        ) : <p className="empty">No user is {status} now.</p>
      ) : null}
    </div>
  );
}
