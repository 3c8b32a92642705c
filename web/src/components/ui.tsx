import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { useId } from 'react';
import type { DeviceStatus } from '../api/types';
import { number, statusLabel } from '../format';

/** A labelled input whose API refusal shows beside it (aria-invalid + aria-describedby). */
export function Field({
  label,
  error,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | null; hint?: ReactNode }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const described = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        <input id={id} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
        {hint && (
          <span id={hintId} className="hint">
            {hint}
          </span>
        )}
        {error && (
          <span id={errorId} className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}

export function SelectField({
  label,
  error,
  hint,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string | null; hint?: ReactNode }) {
  const id = useId();
  const described =
    [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        <select id={id} aria-invalid={error ? true : undefined} aria-describedby={described} {...select}>
          {children}
        </select>
        {hint && (
          <span id={`${id}-hint`} className="hint">
            {hint}
          </span>
        )}
        {error && (
          <span id={`${id}-error`} className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}

export function StatusBadge({ status, node }: { status: DeviceStatus | string; node?: string | null }) {
  return <span className={`badge badge-${status}`}>{statusLabel(status, node)}</span>;
}

/** The CUCM "Status" area: what the last action did, announced to screen readers. */
export function Notice({ kind, children }: { kind: 'ok' | 'error' | 'info' | 'warn'; children: ReactNode }) {
  return (
    <div className={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="toolbar">{actions}</div>}
    </div>
  );
}

export function Loading({ error, loading }: { error: string | null; loading: boolean }) {
  if (error) return <Notice kind="error">{error}</Notice>;
  if (loading) return <p className="muted">Loading…</p>;
  return null;
}

/** Previous / next paging with the position "1–50 of 100,000". */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  onPageSize,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (p: number) => void;
  onPageSize?: (n: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const id = useId();
  return (
    <div className="pager" role="navigation" aria-label="Pages">
      <span className="pager-position" aria-live="polite">
        {number(from)}–{number(to)} of {number(total)}
      </span>
      <button type="button" onClick={() => onPage(1)} disabled={page <= 1} aria-label="First page">
        «
      </button>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">
        ‹
      </button>
      <span>
        Page {number(page)} of {number(pages)}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">
        ›
      </button>
      <button type="button" onClick={() => onPage(pages)} disabled={page >= pages} aria-label="Last page">
        »
      </button>
      {onPageSize && (
        <>
          <label htmlFor={id}>Rows per page</label>
          <select id={id} value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
            {[25, 50, 100, 250].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}

/** A column header that sorts: a button inside a th with aria-sort. */
export function SortHeader({
  label,
  field,
  sort,
  order,
  onSort,
}: {
  label: string;
  field: string;
  sort: string;
  order: 'asc' | 'desc';
  onSort: (field: string, order: 'asc' | 'desc') => void;
}) {
  const active = sort === field;
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="sort"
        onClick={() => onSort(field, active && order === 'asc' ? 'desc' : 'asc')}
      >
        {label}
        <span aria-hidden="true">{active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
}

/** The one row of a table that has none to show: says why (nothing matches the filter, or nothing yet). */
export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="muted">
        {children}
      </td>
    </tr>
  );
}

/** A table row's Edit and Delete buttons, named after the row for screen readers and tests. */
export function RowActions({
  name,
  onEdit,
  onDelete,
  disabled,
}: {
  name: string;
  onEdit: () => void;
  onDelete: () => void;
  disabled: boolean;
}) {
  return (
    <td className="actions">
      <button type="button" onClick={onEdit} disabled={disabled} aria-label={`Edit ${name}`}>
        Edit
      </button>
      <button
        type="button"
        className="danger"
        onClick={onDelete}
        disabled={disabled}
        aria-label={`Delete ${name}`}
      >
        Delete
      </button>
    </td>
  );
}
