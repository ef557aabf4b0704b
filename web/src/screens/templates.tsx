import { useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, ReadOnlyNotice, writeGuard } from '../forms';
import { formatDate, useCursorPages, useLoad } from '../use-load';

const PAGE_SIZE = 20;

export function TemplatesPage() {
  const { client, readOnlyReason, countries } = useSession();
  const pages = useCursorPages();
  const { data, error, loading } = useLoad(() => client.templates({ first: PAGE_SIZE, after: pages.after }), [pages.after]);
  const countryName = (code: string) => countries.find((c) => c.code === code)?.name ?? code;
  return (
    <section aria-labelledby="templates-title">
      <div className="page-head">
        <h1 id="templates-title">Templates</h1>
        <button type="button" onClick={() => navigate('/templates/new')} {...writeGuard(readOnlyReason)}>Create template</button>
      </div>
      <ReadOnlyNotice reason={readOnlyReason} />
      <p className="lead">An onboarding template holds the settings shared by many customers. Create customers from its provisioning ID.</p>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        data.totalCount === 0 ? (
          <p className="empty">No templates yet. Start with <strong>Create template</strong>.</p>
        ) : (
          <>
            <table>
              <caption className="visually-hidden">Templates, newest first</caption>
              <thead><tr><th scope="col">Template name</th><th scope="col">Provisioning ID</th><th scope="col">Country or region</th><th scope="col">Brand name</th><th scope="col" className="num">Customers</th><th scope="col">Created</th></tr></thead>
              <tbody>
                {data.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td><Link to={`/templates/${node.id}`}>{node.name}</Link></td>
                    <td><code>{node.provisioningId}</code></td>
                    <td>{countryName(node.countryCode)}</td>
                    <td>{node.brandName}</td>
                    <td className="num">{node.customerCount}</td>
                    <td>{formatDate(node.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager page={pages.page} total={data.totalCount} pageSize={PAGE_SIZE} hasNext={data.pageInfo.hasNextPage}
              onNext={() => pages.next(data.pageInfo.endCursor!)} onPrevious={pages.previous} noun="templates" />
          </>
        )
      ) : loading ? <p role="status">Loading templates…</p> : null}
    </section>
  );
}

export function Pager({ page, total, pageSize, hasNext, onNext, onPrevious, noun }: {
  page: number; total: number; pageSize: number; hasNext: boolean; onNext(): void; onPrevious(): void; noun: string;
}) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <button type="button" className="secondary small" onClick={onPrevious} disabled={page <= 1}>Previous page</button>
      <span>{from}–{to} of {total.toLocaleString('en')} {noun}</span>
      <button type="button" className="secondary small" onClick={onNext} disabled={!hasNext}>Next page</button>
    </nav>
  );
}
