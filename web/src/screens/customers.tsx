import { useEffect, useState } from 'react';
import type { CustomerStatus } from '@wholesale-provisioning/sdk';
import { useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, ReadOnlyNotice, writeGuard } from '../forms';
import { formatDate, useCursorPages, useLoad } from '../use-load';
import { packageLabel, STATUS_LABELS } from '../labels';
import { Pager } from './templates';

const PAGE_SIZE = 20;

export function CustomersPage() {
  const { client, readOnlyReason } = useSession();
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<CustomerStatus | ''>('');
  const pages = useCursorPages();
  // Set by the customer page's Delete customer, which comes back here.
  const deleted = new URLSearchParams(window.location.search).get('deleted');
  // Typing searches after a pause, not on every key.
  useEffect(() => {
    const timer = window.setTimeout(() => { setSearch(searchInput.trim()); pages.reset(); }, 300);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchInput]);
  const { data, error, loading } = useLoad(() => client.customers({
    first: PAGE_SIZE, after: pages.after, filter: { ...(search ? { search } : {}), ...(status ? { status } : {}) },
  }), [pages.after, search, status]);
  return (
    <section aria-labelledby="customers-title">
      <div className="page-head">
        <h1 id="customers-title">Customers</h1>
        <button type="button" onClick={() => navigate('/customers/new')} {...writeGuard(readOnlyReason)}>Create customer</button>
      </div>
      <ReadOnlyNotice reason={readOnlyReason} />
      {deleted ? <Alert kind="success">Customer {deleted} deleted, with its locations and users. Its unsent emails were cancelled.</Alert> : null}
      <form role="search" className="filters" onSubmit={(e) => { e.preventDefault(); setSearch(searchInput.trim()); pages.reset(); }}>
        <div className="field">
          <label htmlFor="customer-search">Search</label>
          <input id="customer-search" type="search" value={searchInput} onChange={(e) => setSearchInput(e.target.value)}
            aria-describedby="customer-search-hint" />
          <p className="hint" id="customer-search-hint">Company name, admin email or external ID.</p>
        </div>
        <div className="field">
          <label htmlFor="customer-status">Status</label>
          <select id="customer-status" value={status} onChange={(e) => { setStatus(e.target.value as CustomerStatus | ''); pages.reset(); }}>
            <option value="">All statuses</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </div>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        data.totalCount === 0 ? (
          <p className="empty" role="status">{search || status ? 'No customer matches these filters.' : 'No customers yet. Start with Create customer.'}</p>
        ) : (
          <>
            <table aria-busy={loading}>
              <caption className="visually-hidden">Customers, newest first</caption>
              <thead><tr><th scope="col">Company name</th><th scope="col">Admin email</th><th scope="col">Package</th><th scope="col">Status</th><th scope="col">Template</th><th scope="col">Created</th></tr></thead>
              <tbody>
                {data.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td><Link to={`/customers/${node.id}`}>{node.companyName}</Link></td>
                    <td>{node.adminEmail}</td>
                    <td>{packageLabel(node.package)}</td>
                    <td><span className={`badge badge-${node.status.toLowerCase()}`}>{STATUS_LABELS[node.status]}</span></td>
                    <td>{node.template?.name ?? '—'}</td>
                    <td>{formatDate(node.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager page={pages.page} total={data.totalCount} pageSize={PAGE_SIZE} hasNext={data.pageInfo.hasNextPage}
              onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={pages.previous} noun="customers" />
          </>
        )
      ) : loading ? <p role="status">Loading customers…</p> : null}
    </section>
  );
}
