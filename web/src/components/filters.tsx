import type { FormEvent, InputHTMLAttributes, ReactNode } from 'react';
import { useId } from 'react';
import { navigate } from '../router';

/**
 * The filter bar of a list page, as CUCM's "Find and List": the page's filters, then Find and
 * (with `clearHref`) Clear Filter, which goes back to the unfiltered list.
 */
export function FilterForm({
  label,
  onSubmit,
  clearHref,
  children,
}: {
  label: string;
  onSubmit: (e: FormEvent) => void;
  clearHref?: string;
  children: ReactNode;
}) {
  return (
    <form className="filters" onSubmit={onSubmit} role="search" aria-label={label}>
      {children}
      <div className="filter filter-buttons">
        <button type="submit" className="primary">
          Find
        </button>
        {clearHref !== undefined && (
          <button type="button" onClick={() => navigate(clearHref)}>
            Clear Filter
          </button>
        )}
      </div>
    </form>
  );
}

/** A text filter: its label, and the draft value the page keeps until Find. */
export function FilterText({
  label,
  value,
  onValue,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onValue(e.target.value)} {...input} />
    </div>
  );
}

/** A choice filter; `options` are [value, label] pairs, the first usually ['', 'Any']. */
export function FilterSelect({
  label,
  value,
  onValue,
  options,
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  options: ReadonlyArray<readonly [value: string, label: string]>;
}) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onValue(e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The Node filter: any node, or one of the cluster's. */
export function NodeFilter({
  value,
  onValue,
  nodes,
}: {
  value: string;
  onValue: (value: string) => void;
  nodes: ReadonlyArray<{ name: string }> | null | undefined;
}) {
  return (
    <FilterSelect
      label="Node"
      value={value}
      onValue={onValue}
      options={[['', 'Any'], ...(nodes ?? []).map((n) => [n.name, n.name] as const)]}
    />
  );
}
