import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, get, patch } from '../api/client';
import type { FreeDns, NodeInfo } from '../api/types';
import { Field, Loading, Notice, PageTitle } from '../components/ui';
import { dateTime, number } from '../format';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link } from '../router';
import { useSession } from '../session';

export function NodesPage() {
  const { data, error, loading, reload } = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  useLiveEvent('configuration-changed', (c) => c.what === 'node' && reload());
  useEffect(() => {
    document.title = 'Cisco Unified CM — openucm';
  }, []);
  return (
    <>
      <PageTitle>Find and List Cisco Unified CMs</PageTitle>
      <Loading error={error} loading={loading && !data} />
      {data && (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Auto-registration</th>
              <th scope="col">Last switched on/off</th>
            </tr>
          </thead>
          <tbody>
            {data.map((n) => (
              <tr key={n.name}>
                <td>
                  <Link href={`/nodes/${encodeURIComponent(n.name)}`}>{n.name}</Link>
                </td>
                <td>{n.autoRegistration.summary}</td>
                <td>{dateTime(n.autoRegistration.changedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function NodePage({ name }: { name: string }) {
  const { canChange } = useSession();
  const node = useLoad(() => get<NodeInfo>(`/nodes/${encodeURIComponent(name)}`), name);
  const free = useLoad(
    () => get<FreeDns>(`/nodes/${encodeURIComponent(name)}/free-dns?limit=10`),
    `free-${name}`,
  );
  const [startingDn, setStartingDn] = useState('');
  const [endingDn, setEndingDn] = useState('');
  const [disabled, setDisabled] = useState(false);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string; field?: string } | null>(null);

  useEffect(() => {
    document.title = `Cisco Unified CM ${name} — openucm`;
  }, [name]);
  useEffect(() => {
    if (!node.data) return;
    setStartingDn(node.data.autoRegistration.startingDn);
    setEndingDn(node.data.autoRegistration.endingDn);
    setDisabled(!node.data.autoRegistration.enabled);
  }, [node.data]);
  useLiveEvent('registration-event', (e) => e.outcome === 'accepted' && free.reload());

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await patch<NodeInfo>(`/nodes/${encodeURIComponent(name)}`, {
        autoRegistration: { startingDn, endingDn, enabled: !disabled },
      });
      setResult({
        kind: 'ok',
        text: `Saved. ${saved.autoRegistration.summary}. It applies to the next registration.`,
      });
      node.reload();
      free.reload();
    } catch (err) {
      setResult({
        kind: 'error',
        text: err instanceof ApiError ? err.message : String(err),
        field: err instanceof ApiError ? err.field : undefined,
      });
    }
  };
  const fieldError = (f: string) =>
    result?.kind === 'error' && result.field?.endsWith(f) ? result.text : null;

  return (
    <>
      <PageTitle>Cisco Unified CM Configuration: {name}</PageTitle>
      <Loading error={node.error} loading={!node.data && node.loading} />
      {node.data && (
        <form onSubmit={save} className="form">
          <p className="banner banner-info">{node.data.autoRegistration.summary}</p>
          {result?.kind === 'ok' && <Notice kind="ok">{result.text}</Notice>}
          {result?.kind === 'error' && !result.field && <Notice kind="error">{result.text}</Notice>}
          <fieldset disabled={!canChange}>
            <legend>Auto-registration Information</legend>
            <Field
              label="Starting Directory Number"
              value={startingDn}
              inputMode="numeric"
              onChange={(e) => setStartingDn(e.target.value)}
              error={fieldError('startingDn')}
              hint="First DN handed to an auto-registered phone. Digits only, no leading zero."
            />
            <Field
              label="Ending Directory Number"
              value={endingDn}
              inputMode="numeric"
              onChange={(e) => setEndingDn(e.target.value)}
              error={fieldError('endingDn')}
            />
            <div className="field checkbox">
              <input
                id="ar-disabled"
                type="checkbox"
                checked={disabled}
                onChange={(e) => setDisabled(e.target.checked)}
                aria-describedby="ar-disabled-hint"
              />
              <label htmlFor="ar-disabled">
                Auto-registration Disabled on this Cisco Unified Communications Manager
              </label>
              <span id="ar-disabled-hint" className="hint">
                Keeps the range; unknown phones are rejected with a remedy until it is enabled again.
              </span>
            </div>
            {fieldError('enabled') && <Notice kind="error">{fieldError('enabled')}</Notice>}
            <div className="toolbar">
              <button type="submit" className="primary">
                Save
              </button>
            </div>
          </fieldset>
        </form>
      )}
      {free.data && (
        <section className="panel" aria-labelledby="free-title">
          <h2 id="free-title">Directory numbers of the range</h2>
          <p>
            {number(free.data.used)} used, {number(free.data.free)} free of {number(free.data.size)} (
            {free.data.startingDn}–{free.data.endingDn}). Next free:{' '}
            {free.data.next.length > 0 ? free.data.next.join(', ') : 'none — the range is exhausted'}.
          </p>
        </section>
      )}
    </>
  );
}
