import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, patch, post } from '../api/client';
import type { CmGroup, NodeInfo } from '../api/types';
import { FilterForm, FilterText } from '../components/filters';
import { EmptyRow, Field, Loading, Notice, PageTitle, RowActions, SelectField } from '../components/ui';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;
const PRIORITIES = ['Primary', 'Secondary', 'Tertiary'] as const;

/**
 * System > Cisco Unified CM Group: up to three nodes in priority order, which the configuration
 * files of the phones of every pool using the group list; one group is the auto-registration group.
 */
export function CmGroupsPage() {
  const { canChange } = useSession();
  const groups = useLoad(() => get<CmGroup[]>('/cm-groups'), 'cm-groups');
  const nodes = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [members, setMembers] = useState<string[]>(['', '', '']);
  const [autoRegistration, setAutoRegistration] = useState(false);
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    document.title = 'Cisco Unified CM Group — openucm';
  }, []);
  useLiveEvent(
    'configuration-changed',
    (c) => (c.what === 'cm-group' || c.what === 'node') && groups.reload(),
  );

  const reset = () => {
    setEditing(null);
    setName('');
    setDescription('');
    setMembers(['', '', '']);
    setAutoRegistration(false);
  };
  const edit = (g: CmGroup) => {
    setEditing(g.name);
    setName(g.name);
    setDescription(g.description);
    setMembers([0, 1, 2].map((i) => g.members[i] ?? ''));
    setAutoRegistration(g.autoRegistration);
    setResult(null);
  };
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : null;
    setResult({ kind: 'error', text: e?.message ?? String(err), field: e?.field });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = members.filter((m) => m !== '');
    try {
      if (editing) {
        await patch(`/cm-groups/${encodeURIComponent(editing)}`, {
          description,
          members: chosen,
          autoRegistration,
        });
        setResult({
          kind: 'ok',
          text: `Group ${editing} saved. Phones get it with their next configuration file.`,
        });
      } else {
        await post('/cm-groups', { name: name.trim(), description, members: chosen, autoRegistration });
        setResult({ kind: 'ok', text: `Group ${name.trim()} added.` });
      }
      reset();
      groups.reload();
    } catch (err) {
      fail(err);
    }
  };
  const remove = async (g: CmGroup) => {
    if (!window.confirm(`Delete Cisco Unified CM Group ${g.name}?`)) return;
    try {
      await del(`/cm-groups/${encodeURIComponent(g.name)}`);
      setResult({ kind: 'ok', text: `Group ${g.name} deleted.` });
      if (editing === g.name) reset();
      groups.reload();
    } catch (err) {
      fail(err);
    }
  };
  const fieldError = (f: string) =>
    result?.kind === 'error' && (result.field === f || result.field?.startsWith(`${f}.`))
      ? result.text
      : null;
  const shown = (groups.data ?? []).filter((g) => g.name.toLowerCase().includes(filter.toLowerCase()));

  return (
    <>
      <PageTitle>Cisco Unified CM Group</PageTitle>
      <p className="muted">
        Up to three nodes in priority order: phones register with the first that runs and fail over to the
        next. A device pool names its group; the auto-registration group is what unknown phones are sent to.
      </p>
      {result && (result.kind === 'ok' || !result.field) && <Notice kind={result.kind}>{result.text}</Notice>}
      <FilterForm
        label="Find Cisco Unified CM Groups"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft.trim());
        }}
      >
        <FilterText label="Name contains" value={draft} onValue={setDraft} />
      </FilterForm>
      <Loading error={groups.error} loading={groups.loading && !groups.data} />
      {groups.data && (
        <table className="grid-table" aria-label="Cisco Unified CM Groups">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Nodes (priority order)</th>
              <th scope="col">Auto-registration</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && <EmptyRow columns={5}>No group matches.</EmptyRow>}
            {shown.map((g) => (
              <tr key={g.name} data-group={g.name}>
                <th scope="row">{g.name}</th>
                <td>{g.description}</td>
                <td>
                  {g.members.map((m, i) => `${i + 1}. ${m}`).join(', ') || (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>{g.autoRegistration ? 'Yes' : ''}</td>
                <RowActions
                  name={g.name}
                  onEdit={() => edit(g)}
                  onDelete={() => void remove(g)}
                  disabled={!canChange}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={save}>
        <fieldset disabled={!canChange}>
          <legend>{editing ? `Edit group ${editing}` : 'Add a Cisco Unified CM Group'}</legend>
          <Field
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            readOnly={editing !== null}
            maxLength={50}
            error={fieldError('name')}
            required
          />
          <Field
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            error={fieldError('description')}
          />
          {PRIORITIES.map((label, i) => (
            <SelectField
              key={label}
              label={`${label} node`}
              value={members[i]}
              onChange={(e) => setMembers((m) => m.map((v, j) => (j === i ? e.target.value : v)))}
              error={i === 0 ? fieldError('members') : null}
            >
              <option value="">{i === 0 ? 'Choose…' : '(none)'}</option>
              {(nodes.data ?? []).map((n) => (
                <option key={n.name} value={n.name}>
                  {n.name}
                </option>
              ))}
            </SelectField>
          ))}
          <div className="field checkbox">
            <input
              id="cm-group-auto"
              type="checkbox"
              checked={autoRegistration}
              onChange={(e) => setAutoRegistration(e.target.checked)}
              aria-describedby="cm-group-auto-hint"
            />
            <label htmlFor="cm-group-auto">Auto-registration Cisco Unified CM Group</label>
            <span id="cm-group-auto-hint" className="hint">
              Exactly one group: ticking it here takes it off the group that had it.
            </span>
          </div>
          {result?.kind === 'error' && result.field === 'autoRegistration' && (
            <p className="field-error" role="alert">
              {result.text}
            </p>
          )}
          <div className="toolbar">
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Add group'}
            </button>
            {editing && (
              <button type="button" onClick={reset}>
                Cancel
              </button>
            )}
          </div>
        </fieldset>
      </form>
    </>
  );
}
