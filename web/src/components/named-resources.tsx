import type { FormEvent, ReactNode } from 'react';
import { useState } from 'react';
import { ApiError, del, get, patch, post } from '../api/client';
import type { Loaded } from '../hooks';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { useSession } from '../session';
import { FilterForm, FilterText } from './filters';
import { EmptyRow, Field, Loading, Notice, RowActions } from './ui';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;
type Described = { description: string };
type Named = Described & { name: string };

/**
 * A System page of named resources (CM groups, device pools, phone security profiles, …): a list
 * filtered by name, a form that adds one or edits the chosen one, delete with a confirmation, the
 * API's refusal beside its field. A page gives its columns, its fields and how its draft maps to
 * the API body; everything else is here.
 */
export interface NamedResourceSpec<T extends Named, Draft extends Described> {
  /** API path of the collection, e.g. `/device-pools`. */
  path: string;
  /** Lower-case noun for messages: "device pool". */
  noun: string;
  /** The form's values when nothing is being edited. */
  blank: Draft;
  draftOf(item: T): Draft;
  /** The API body of a draft (the name is added when creating). */
  bodyOf(draft: Draft): Record<string, unknown>;
  /** What a saved edit means for phones, after "<Noun> <name> saved." */
  savedNote: string;
  /** configuration-changed kinds that reload the list. */
  reloadOn: readonly string[];
}

export interface NamedResource<T extends Named, Draft extends Described> {
  list: Loaded<T[]>;
  shown: T[];
  filter: { draft: string; setDraft(value: string): void; apply(e: FormEvent): void };
  editing: string | null;
  name: string;
  setName(name: string): void;
  draft: Draft;
  change(values: Partial<Draft>): void;
  edit(item: T): void;
  reset(): void;
  save(e: FormEvent): Promise<void>;
  remove(item: T): Promise<void>;
  result: Result;
  /** The API's refusal of field `f` (or of one of its items, `f.0`), else null. */
  fieldError(f: string): string | null;
  canChange: boolean;
}

const capitalised = (noun: string) => noun.charAt(0).toUpperCase() + noun.slice(1);

export function useNamedResource<T extends Named, Draft extends Described>(
  spec: NamedResourceSpec<T, Draft>,
): NamedResource<T, Draft> {
  const { canChange } = useSession();
  const list = useLoad(() => get<T[]>(spec.path), spec.path);
  const [filterDraft, setFilterDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<Draft>(spec.blank);
  const [result, setResult] = useState<Result>(null);
  useLiveEvent('configuration-changed', (c) => spec.reloadOn.includes(c.what) && list.reload());
  const Noun = capitalised(spec.noun);

  const reset = () => {
    setEditing(null);
    setName('');
    setDraft(spec.blank);
  };
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : null;
    setResult({ kind: 'error', text: e?.message ?? String(err), field: e?.field });
  };
  const url = (n: string) => `${spec.path}/${encodeURIComponent(n)}`;
  return {
    list,
    shown: (list.data ?? []).filter((item) => item.name.toLowerCase().includes(filter.toLowerCase())),
    filter: {
      draft: filterDraft,
      setDraft: setFilterDraft,
      apply: (e) => {
        e.preventDefault();
        setFilter(filterDraft.trim());
      },
    },
    editing,
    name,
    setName,
    draft,
    change: (values) => setDraft((d) => ({ ...d, ...values })),
    edit: (item) => {
      setEditing(item.name);
      setName(item.name);
      setDraft(spec.draftOf(item));
      setResult(null);
    },
    reset,
    save: async (e) => {
      e.preventDefault();
      try {
        if (editing) {
          await patch(url(editing), spec.bodyOf(draft));
          setResult({ kind: 'ok', text: `${Noun} ${editing} saved. ${spec.savedNote}` });
        } else {
          await post(spec.path, { name: name.trim(), ...spec.bodyOf(draft) });
          setResult({ kind: 'ok', text: `${Noun} ${name.trim()} added.` });
        }
        reset();
        list.reload();
      } catch (err) {
        fail(err);
      }
    },
    remove: async (item) => {
      if (!window.confirm(`Delete ${spec.noun} ${item.name}?`)) return;
      try {
        await del(url(item.name));
        setResult({ kind: 'ok', text: `${Noun} ${item.name} deleted.` });
        if (editing === item.name) reset();
        list.reload();
      } catch (err) {
        fail(err);
      }
    },
    result,
    fieldError: (f) =>
      result?.kind === 'error' && (result.field === f || result.field?.startsWith(`${f}.`))
        ? result.text
        : null,
    canChange,
  };
}

export interface Column<T> {
  header: string;
  cell(item: T): ReactNode;
}

/**
 * The page below its title and introduction: the outcome of the last action (unless shown beside
 * the field it concerns), the name filter, the table with Edit and Delete, and the form.
 */
export function NamedResourceView<T extends Named, Draft extends Described>({
  resource: r,
  noun,
  plural,
  columns,
  fieldsShown,
  children,
}: {
  resource: NamedResource<T, Draft>;
  noun: string;
  /** "device pools": the filter's "Find device pools" and the table's label. */
  plural: string;
  /** The columns after Name and Description (Actions is added). */
  columns: Column<T>[];
  /** Fields whose refusal shows beside them (in the form), not above. */
  fieldsShown: readonly string[];
  /** The form's fields after Name and Description. */
  children: ReactNode;
}) {
  const all: Column<T>[] = [{ header: 'Description', cell: (item) => item.description }, ...columns];
  return (
    <>
      {r.result &&
        (r.result.kind === 'ok' ||
          !r.result.field ||
          !fieldsShown.includes(r.result.field.split('.')[0])) && (
          <Notice kind={r.result.kind}>{r.result.text}</Notice>
        )}
      <FilterForm label={`Find ${plural}`} onSubmit={r.filter.apply}>
        <FilterText label="Name contains" value={r.filter.draft} onValue={r.filter.setDraft} />
      </FilterForm>
      <Loading error={r.list.error} loading={r.list.loading && !r.list.data} />
      {r.list.data && (
        <table className="grid-table" aria-label={capitalised(plural)}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              {all.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {r.shown.length === 0 && <EmptyRow columns={all.length + 2}>No {noun} matches.</EmptyRow>}
            {r.shown.map((item) => (
              <tr key={item.name} data-name={item.name}>
                <th scope="row">{item.name}</th>
                {all.map((c) => (
                  <td key={c.header}>{c.cell(item)}</td>
                ))}
                <RowActions
                  name={item.name}
                  onEdit={() => r.edit(item)}
                  onDelete={() => void r.remove(item)}
                  disabled={!r.canChange}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={(e) => void r.save(e)}>
        <fieldset disabled={!r.canChange}>
          <legend>{r.editing ? `Edit ${noun} ${r.editing}` : `Add a ${noun}`}</legend>
          <Field
            label="Name"
            value={r.name}
            onChange={(e) => r.setName(e.target.value)}
            readOnly={r.editing !== null}
            maxLength={50}
            required
            error={r.fieldError('name')}
          />
          <Field
            label="Description"
            value={r.draft.description}
            // Draft extends Described: its description is a string, whatever else it holds.
            onChange={(e) => r.change({ description: e.target.value } as Partial<Draft>)}
            error={r.fieldError('description')}
          />
          {children}
          <div className="toolbar">
            <button type="submit" className="primary">
              {r.editing ? 'Save' : `Add ${noun}`}
            </button>
            {r.editing && (
              <button type="button" onClick={r.reset}>
                Cancel
              </button>
            )}
          </div>
        </fieldset>
      </form>
    </>
  );
}
