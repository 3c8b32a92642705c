import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, patch, post } from '../api/client';
import type { CmGroup, DevicePool } from '../api/types';
import { FilterForm, FilterText } from '../components/filters';
import { EmptyRow, Field, Loading, Notice, PageTitle, RowActions, SelectField } from '../components/ui';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link } from '../router';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

/** System > Device Pool: what phones share, for now their Cisco Unified CM Group. */
export function DevicePoolsPage() {
  const { canChange } = useSession();
  const pools = useLoad(() => get<DevicePool[]>('/device-pools'), 'device-pools');
  const groups = useLoad(() => get<CmGroup[]>('/cm-groups'), 'cm-groups');
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [cmGroup, setCmGroup] = useState('');
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    document.title = 'Device Pool — openucm';
  }, []);
  useLiveEvent(
    'configuration-changed',
    (c) => (c.what === 'device-pool' || c.what === 'cm-group' || c.what === 'device') && pools.reload(),
  );

  const reset = () => {
    setEditing(null);
    setName('');
    setDescription('');
    setCmGroup('');
  };
  const edit = (p: DevicePool) => {
    setEditing(p.name);
    setName(p.name);
    setDescription(p.description);
    setCmGroup(p.cmGroup);
    setResult(null);
  };
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : null;
    setResult({ kind: 'error', text: e?.message ?? String(err), field: e?.field });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      if (editing) {
        await patch(`/device-pools/${encodeURIComponent(editing)}`, { description, cmGroup });
        setResult({
          kind: 'ok',
          text: `Device pool ${editing} saved. Its phones get it with their next configuration file.`,
        });
      } else {
        await post('/device-pools', { name: name.trim(), description, cmGroup });
        setResult({ kind: 'ok', text: `Device pool ${name.trim()} added.` });
      }
      reset();
      pools.reload();
    } catch (err) {
      fail(err);
    }
  };
  const remove = async (p: DevicePool) => {
    if (!window.confirm(`Delete device pool ${p.name}?`)) return;
    try {
      await del(`/device-pools/${encodeURIComponent(p.name)}`);
      setResult({ kind: 'ok', text: `Device pool ${p.name} deleted.` });
      if (editing === p.name) reset();
      pools.reload();
    } catch (err) {
      fail(err);
    }
  };
  const fieldError = (f: string) => (result?.kind === 'error' && result.field === f ? result.text : null);
  const shown = (pools.data ?? []).filter((p) => p.name.toLowerCase().includes(filter.toLowerCase()));

  return (
    <>
      <PageTitle>Device Pool</PageTitle>
      <p className="muted">
        Every phone belongs to a device pool; the pool’s <Link href="/cm-groups">Cisco Unified CM Group</Link>{' '}
        lists the call managers in its configuration file. Phones auto-registered on a node get the node’s
        auto-registration pool (System &gt; Cisco Unified CM).
      </p>
      {result &&
        (result.kind === 'ok' || !result.field || result.field === 'name') &&
        !fieldError('cmGroup') && <Notice kind={result.kind}>{result.text}</Notice>}
      <FilterForm
        label="Find device pools"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft.trim());
        }}
      >
        <FilterText label="Name contains" value={draft} onValue={setDraft} />
      </FilterForm>
      <Loading error={pools.error} loading={pools.loading && !pools.data} />
      {pools.data && (
        <table className="grid-table" aria-label="Device pools">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Cisco Unified CM Group</th>
              <th scope="col">Phones</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && <EmptyRow columns={5}>No device pool matches.</EmptyRow>}
            {shown.map((p) => (
              <tr key={p.name} data-pool={p.name}>
                <th scope="row">{p.name}</th>
                <td>{p.description}</td>
                <td>{p.cmGroup}</td>
                <td>
                  <Link href={`/phones?devicePool=${encodeURIComponent(p.name)}`}>{p.devices}</Link>
                </td>
                <RowActions
                  name={p.name}
                  onEdit={() => edit(p)}
                  onDelete={() => void remove(p)}
                  disabled={!canChange}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={save}>
        <fieldset disabled={!canChange}>
          <legend>{editing ? `Edit device pool ${editing}` : 'Add a device pool'}</legend>
          <Field
            label="Device Pool Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            readOnly={editing !== null}
            maxLength={50}
            required
          />
          <Field
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            error={fieldError('description')}
          />
          <SelectField
            label="Cisco Unified CM Group"
            value={cmGroup}
            onChange={(e) => setCmGroup(e.target.value)}
            error={fieldError('cmGroup')}
            required
          >
            <option value="">Choose…</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.name} value={g.name}>
                {g.name}
              </option>
            ))}
          </SelectField>
          <div className="toolbar">
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Add device pool'}
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
