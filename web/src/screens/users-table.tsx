import { useEffect, useMemo, useState } from 'react';
import type { UserError } from '@wholesale-provisioning/sdk';
import { fieldId, type ErrorMap, type Option } from '../forms';
import type { PackageInfo } from '../session';
import { packageLabel } from '../labels';

export interface UserDraft {
  firstName: string; lastName: string; email: string; package: string; locationName: string; phoneNumber: string; extension: string;
  /** The CSV line the row came from, to match errors with the file. */
  line?: number;
}

export type UserColumn = keyof Omit<UserDraft, 'line'>;

export const COLUMN_LABELS: Record<UserColumn, string> = {
  firstName: 'First name', lastName: 'Last name', email: 'Email', package: 'Package', locationName: 'Location',
  phoneNumber: 'Phone number', extension: 'Extension',
};

const PAGE_SIZE = 50;

/** From the catalog: the packages a user of a customer may hold (its own and every user package it includes). */
export function userPackages(catalog: readonly PackageInfo[], customerPackage: string): PackageInfo[] {
  const org = catalog.find((p) => p.package === customerPackage);
  return catalog.filter((p) => p.userAssignable && (p.package === customerPackage || org?.includes.includes(p.package)));
}

export const packageOptions = (packages: readonly PackageInfo[]): Option[] => packages.map((p) => ({ value: p.package, label: packageLabel(p.package) }));

/** Errors about a whole row (`users.<row>`, or `users.<row>.id`: a user that no longer exists), not one of its cells. */
export function rowLevelErrors(errors: ErrorMap, row: number): UserError[] {
  return [...(errors.get(`users.${row}`) ?? []), ...(errors.get(`users.${row}.id`) ?? [])];
}

/**
 * The users of a setup as an editable table, a page of rows at a time (10,000 rows stay fast).
 * Every userError on `users.<row>.<column>` shows in its row and cell, one about the whole row in its
 * row header (linked from the row's first cell); the count sits on top with a button that pages to
 * the first problem and focuses its cell.
 */
export function UsersTable({ rows, indices, columns, errors, onChange, onRemove, packageOptions, locationOptions, caption, readOnlyColumns = [] }: {
  rows: UserDraft[];
  /** The rows to show (indexes into `rows`), in order. */
  indices: number[];
  columns: UserColumn[];
  errors: ErrorMap;
  onChange(index: number, patch: Partial<UserDraft>): void;
  onRemove?(index: number): void;
  packageOptions: Option[];
  locationOptions: Option[];
  caption: string;
  readOnlyColumns?: UserColumn[];
}) {
  const [page, setPage] = useState(0);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const pages = Math.max(1, Math.ceil(indices.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = indices.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const shownColumns = [...readOnlyColumns, ...columns];

  // The problems of the rows and columns on this table, in row order.
  const problems = useMemo(() => {
    const list: Array<{ row: number; position: number; column: UserColumn; error: UserError }> = [];
    indices.forEach((row, position) => {
      for (const error of rowLevelErrors(errors, row)) list.push({ row, position, column: columns[0]!, error });
      for (const column of columns) for (const error of errors.get(`users.${row}.${column}`) ?? []) list.push({ row, position, column, error });
    });
    return list;
  }, [indices, columns, errors]);
  const badRows = useMemo(() => new Set(problems.map((p) => p.row)).size, [problems]);

  useEffect(() => {
    if (!focusKey) return;
    const el = document.getElementById(fieldId(focusKey));
    if (el) { el.focus(); el.scrollIntoView({ block: 'center' }); }
    setFocusKey(null);
  }, [focusKey, current]);

  const jumpToFirst = () => {
    const first = problems[0];
    if (!first) return;
    setPage(Math.floor(first.position / PAGE_SIZE));
    setFocusKey(`users.${first.row}.${first.column}`);
  };

  return (
    <div className="users-table">
      {problems.length ? (
        <div className="alert alert-error table-problems" role="alert">
          <strong>{problems.length === 1 ? '1 problem' : `${problems.length.toLocaleString('en')} problems`} in {badRows === 1 ? '1 row' : `${badRows.toLocaleString('en')} rows`}</strong>
          {' '}<button type="button" className="small" onClick={jumpToFirst}>Go to the first problem</button>
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="grid-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col" id="col-row">Row</th>
              {shownColumns.map((c) => <th scope="col" key={c} id={`col-${c}`}>{COLUMN_LABELS[c]}</th>)}
              {onRemove ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const whole = rowLevelErrors(errors, row);
              const rowErrors = whole.length > 0 || columns.some((c) => errors.has(`users.${row}.${c}`));
              const draft = rows[row]!;
              return (
                <tr key={row} className={rowErrors ? 'row-invalid' : undefined}>
                  {/* The number alone names the row's cells; an error about the row follows it. */}
                  <th scope="row"><span id={`row-${row}`}>{row + 1}{draft.line ? <span className="line"> line {draft.line}</span> : null}</span>
                    {whole.length ? <p className="field-error" id={`row-${row}-error`}>{whole.map((e) => e.message).join(' ')}</p> : null}</th>
                  {readOnlyColumns.map((c) => <td key={c}>{draft[c]}</td>)}
                  {columns.map((c, i) => (
                    <Cell key={c} row={row} column={c} value={draft[c]} errors={errors.get(`users.${row}.${c}`)} rowError={i === 0 && whole.length > 0}
                      onChange={(value) => onChange(row, { [c]: value })}
                      options={c === 'package' ? packageOptions : c === 'locationName' ? locationOptions : null} />
                  ))}
                  {onRemove ? (
                    <td><button type="button" className="secondary small" onClick={() => onRemove(row)} aria-describedby={`row-${row}`}>Remove</button></td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav className="pager" aria-label={`Pages of ${caption}`}>
          <button type="button" className="secondary small" onClick={() => setPage(current - 1)} disabled={current === 0}>Previous rows</button>
          <span>Rows {(current * PAGE_SIZE + 1).toLocaleString('en')}–{Math.min(indices.length, (current + 1) * PAGE_SIZE).toLocaleString('en')} of {indices.length.toLocaleString('en')}</span>
          <button type="button" className="secondary small" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>Next rows</button>
        </nav>
      ) : null}
    </div>
  );
}

function Cell({ row, column, value, errors, rowError, onChange, options }: {
  row: number; column: UserColumn; value: string; errors: UserError[] | undefined; rowError: boolean; onChange(value: string): void; options: Option[] | null;
}) {
  const id = fieldId(`users.${row}.${column}`);
  const errorId = `${id}-error`;
  const a11y = {
    id,
    'aria-labelledby': `col-${column} row-${row}`,
    'aria-invalid': errors?.length ? true : undefined,
    'aria-describedby': [errors?.length ? errorId : null, rowError ? `row-${row}-error` : null].filter(Boolean).join(' ') || undefined,
  };
  const withCurrent = options && value && !options.some((o) => o.value === value) ? [...options, { value, label: value }] : options;
  return (
    <td className={errors?.length ? 'cell-invalid' : undefined}>
      {withCurrent ? (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value)}>
          {withCurrent.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      ) : (
        <input {...a11y} value={value} onChange={(e) => onChange(e.target.value)} type={column === 'email' ? 'email' : column === 'phoneNumber' ? 'tel' : 'text'}
          autoComplete="off" spellCheck={false} />
      )}
      {errors?.length ? <p className="field-error" id={errorId}>{errors.map((e) => e.message).join(' ')}</p> : null}
    </td>
  );
}
