import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, get, patch } from '../api/client';
import type { DevicePool, FreeDns, NodeInfo } from '../api/types';
import { Field, Loading, Notice, PageTitle, SelectField } from '../components/ui';
import { dateTime, number } from '../format';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link } from '../router';
import { useSession } from '../session';

export function NodesPage() {
  const { data, error, loading, reload } = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  useLiveEvent('configuration-changed', (c) => c.what === 'node' && reload());
  useLiveEvent('node-liveness', () => reload());
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
              <th scope="col">Status</th>
              <th scope="col">Phones registered</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col">Auto-registration</th>
              <th scope="col">Auto-registration guard</th>
              <th scope="col">Last switched on/off</th>
            </tr>
          </thead>
          <tbody>
            {data.map((n) => (
              <tr key={n.name}>
                <td>
                  <Link href={`/nodes/${encodeURIComponent(n.name)}`}>{n.name}</Link>
                </td>
                <td title={n.liveness?.summary}>{n.liveness ? LIVENESS_TEXT[n.liveness.state] : '—'}</td>
                <td>{n.liveness ? number(n.liveness.phonesRegistered) : '—'}</td>
                <td>{n.liveness?.lastHeartbeat ? dateTime(n.liveness.lastHeartbeat) : '—'}</td>
                <td>{n.autoRegistration.summary}</td>
                <td>{n.autoRegistrationGuard.summary}</td>
                <td>{dateTime(n.autoRegistration.changedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A node's liveness in the list (its summary is the cell's title). */
const LIVENESS_TEXT = {
  up: 'Up',
  silent: 'Not answering',
  down: 'Down',
  stopped: 'Stopped',
} as const;

/** The entries of a comma- or space-separated list, as the administrator typed them. */
function entries(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
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
  const [pool, setPool] = useState('');
  const pools = useLoad(() => get<DevicePool[]>('/device-pools'), 'device-pools');
  const [guard, setGuard] = useState({ subnets: '', ouis: '', models: '', perMinute: '', approval: false });
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string; field?: string } | null>(null);

  useEffect(() => {
    document.title = `Cisco Unified CM ${name} — openucm`;
  }, [name]);
  useEffect(() => {
    if (!node.data) return;
    setStartingDn(node.data.autoRegistration.startingDn);
    setEndingDn(node.data.autoRegistration.endingDn);
    setDisabled(!node.data.autoRegistration.enabled);
    setPool(node.data.autoRegistrationPool);
    const g = node.data.autoRegistrationGuard;
    setGuard({
      subnets: g.allowedSubnets.join(', '),
      ouis: g.allowedOuis.join(', '),
      models: g.allowedModels.join(', '),
      perMinute: g.newPhonesPerMinute === 0 ? '' : String(g.newPhonesPerMinute),
      approval: g.approvalRequired,
    });
  }, [node.data]);
  useLiveEvent('registration-event', (e) => e.outcome === 'accepted' && free.reload());

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await patch<NodeInfo>(`/nodes/${encodeURIComponent(name)}`, {
        autoRegistration: { startingDn, endingDn, enabled: !disabled },
        autoRegistrationGuard: {
          allowedSubnets: entries(guard.subnets),
          allowedOuis: entries(guard.ouis),
          allowedModels: entries(guard.models),
          // Empty is no limit; anything else goes to the node as written, which says what is wrong with it.
          newPhonesPerMinute: guard.perMinute.trim() === '' ? 0 : Number(guard.perMinute.trim()),
          approvalRequired: guard.approval,
        },
        ...(pool !== '' ? { autoRegistrationPool: pool } : {}),
      });
      setResult({
        kind: 'ok',
        text: `Saved. ${saved.autoRegistration.summary}. ${saved.autoRegistrationGuard.summary}. It applies to the next registration.`,
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
            <SelectField
              label="Auto-registration Device Pool"
              value={pool}
              onChange={(e) => setPool(e.target.value)}
              error={fieldError('autoRegistrationPool')}
              hint="The device pool phones auto-registered on this node join (System > Device Pool)."
            >
              {(pools.data ?? [{ name: pool }]).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </SelectField>
          </fieldset>
          <fieldset disabled={!canChange}>
            <legend>Auto-registration Guard</legend>
            <p className="hint">
              Which unknown phones may auto-register on this node; configured phones are never affected. Empty
              lists allow any: the guard is open by default, as CUCM ships.{' '}
              {node.data.autoRegistrationGuard.summary}.
            </p>
            <Field
              label="Allowed Subnets"
              value={guard.subnets}
              onChange={(e) => setGuard((g) => ({ ...g, subnets: e.target.value }))}
              error={fieldError('allowedSubnets')}
              hint="IPv4 or IPv6 subnets a new phone must register from, comma-separated, e.g. 10.1.0.0/16, 2001:db8::/32."
            />
            <Field
              label="Allowed MAC OUIs"
              value={guard.ouis}
              onChange={(e) => setGuard((g) => ({ ...g, ouis: e.target.value }))}
              error={fieldError('allowedOuis')}
              hint="The first 6 hex digits of the MAC (its vendor), comma-separated, e.g. 001BD4."
            />
            <Field
              label="Allowed Models"
              value={guard.models}
              onChange={(e) => setGuard((g) => ({ ...g, models: e.target.value }))}
              error={fieldError('allowedModels')}
              hint="Phone models, comma-separated, e.g. 7960, 7941."
            />
            <Field
              label="New Phones per Minute"
              value={guard.perMinute}
              inputMode="numeric"
              onChange={(e) => setGuard((g) => ({ ...g, perMinute: e.target.value }))}
              error={fieldError('newPhonesPerMinute')}
              hint="New phones this node auto-registers per minute at most; further ones are told to retry later. Empty: no limit. Phones accepted by hand do not count."
            />
            <div className="field checkbox">
              <input
                id="guard-approval"
                type="checkbox"
                checked={guard.approval}
                onChange={(e) => setGuard((g) => ({ ...g, approval: e.target.checked }))}
                aria-describedby="guard-approval-hint"
              />
              <label htmlFor="guard-approval">New Phones Wait for Approval</label>
              <span id="guard-approval-hint" className="hint">
                A new phone that passes the rules above waits on{' '}
                <Link href="/pending-phones">Device &gt; Pending Phones</Link> until an administrator accepts
                it.
              </span>
            </div>
            {fieldError('approvalRequired') && <Notice kind="error">{fieldError('approvalRequired')}</Notice>}
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
