import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useId } from 'react';
import type { DeviceStatus } from '../api/types';
import { number, statusLabel } from '../format';

type FieldProps = { label: string; error?: string | null; hint?: ReactNode };

/**
 * A label, its control, a hint and the API's refusal beside it (aria-invalid + aria-describedby):
 * the frame every form field shares; `control` gets the id and ARIA attributes to put on itself.
 */
function FieldFrame({
  label,
  error,
  hint,
  control,
}: FieldProps & {
  control: (aria: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const described = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        {control({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
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

/** A labelled input whose API refusal shows beside it. */
export function Field({ label, error, hint, ...input }: InputHTMLAttributes<HTMLInputElement> & FieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint} control={(aria) => <input {...aria} {...input} />} />
  );
}

export function SelectField({
  label,
  error,
  hint,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & FieldProps) {
  return (
    <FieldFrame
      label={label}
      error={error}
      hint={hint}
      control={(aria) => (
        <select {...aria} {...select}>
          {children}
        </select>
      )}
    />
  );
}

/** A labelled multi-line text (PEM, for one), its refusal beside it. */
export function TextAreaField({
  label,
  error,
  hint,
  ...area
}: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps) {
  return (
    <FieldFrame
      label={label}
      error={error}
      hint={hint}
      control={(aria) => <textarea {...aria} {...area} />}
    />
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
