import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../api/client';
import type { ActiveCall, ActiveCallChange, CallState } from '../api/types';
import { FilterForm, FilterText } from '../components/filters';
import { Loading, PageTitle, EmptyRow } from '../components/ui';
import { dateTime, number } from '../format';
import { useInterval, useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';

const LIMIT = 500;

interface Filter {
  number: string;
  device: string;
}

const FILTER_NAMES: (keyof Filter)[] = ['number', 'device'];

const STATE_LABELS: Record<CallState, string> = {
  idle: 'Off hook',
  dialling: 'Dialling',
  proceeding: 'Proceeding',
  alerting: 'Ringing',
  connected: 'Connected',
  'on-hold': 'On hold',
  failed: 'Failed (tone until hang-up)',
  released: 'Ended',
};

const LEG_LABELS: Record<string, string> = {
  dialling: 'dialling',
  proceeding: 'proceeding',
  alerting: 'hears ring-back',
  ringing: 'ringing',
  connected: 'connected',
  'on-hold': 'holds',
  'in-use-remotely': 'in use remotely',
  failed: 'hears busy/reorder',
  released: 'released',
};

const CODEC_LABELS: Record<string, string> = {
  PCMU: 'G.711 µ-law',
  PCMA: 'G.711 A-law',
  G722: 'G.722',
  G723: 'G.723.1',
  G729: 'G.729',
};

const key = (c: ActiveCall) => `${c.node}|${c.callId}`;

function matches(c: ActiveCall, f: Filter): boolean {
  if (f.number && ![c.calling.number, c.called.dialled, c.called.number].includes(f.number)) return false;
  return !f.device || c.legs.some((l) => l.deviceName === f.device);
}

/** "4 min 05 s" since an ISO time. */
function elapsed(iso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Monitoring > Active Calls: the calls this node holds now, each row changing live until it ends. */
export function ActiveCallsPage() {
  const { search } = useLocation();
  const filter = Object.fromEntries(FILTER_NAMES.map((n) => [n, search.get(n) ?? ''])) as unknown as Filter;
  const filtered = FILTER_NAMES.some((n) => filter[n] !== '');
  const [draft, setDraft] = useState<Filter>(filter);
  const queryKey = search.toString();
  useEffect(() => setDraft(filter), [queryKey]);
  const list = useLoad(
    () => get<{ items: ActiveCall[]; total: number }>(`/active-calls${query({ ...filter, limit: LIMIT })}`),
    queryKey,
  );
  const [calls, setCalls] = useState<Map<string, ActiveCall>>(new Map());
  // Changes pushed while the list loads: applied on top of it when it arrives.
  const pushed = useRef<ActiveCallChange[]>([]);
  useEffect(() => {
    pushed.current = [];
  }, [queryKey]);
  useEffect(() => {
    if (!list.data) return;
    const next = new Map(list.data.items.map((c) => [key(c), c]));
    // A pushed end always applies; a pushed change only adds a call the list lacks (the list may be newer).
    for (const change of pushed.current)
      if (change.ended || !next.has(key(change.call))) apply(next, change, filter);
    pushed.current = [];
    setCalls(next);
  }, [list.data]);
  useEffect(() => {
    document.title = 'Active Calls — openucm';
  }, []);
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 1000);

  useLiveEvent('active-call', (change) => {
    if (list.loading) pushed.current.push(change);
    setCalls((current) => {
      const next = new Map(current);
      apply(next, change, filter);
      return next;
    });
  });

  const find = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/active-calls${query(Object.fromEntries(FILTER_NAMES.map((n) => [n, draft[n].trim()])))}`);
  };
  const rows = [...calls.values()].sort((a, b) => a.since.localeCompare(b.since) || a.callId - b.callId);
  const more = (list.data?.total ?? 0) > LIMIT;

  return (
    <>
      <PageTitle>Active Calls</PageTitle>
      <p className="muted">
        The calls this node holds now — dialling, ringing, talking or on hold — changing live. A call leaves
        the list when it ends; its record is then in{' '}
        <Link href="/call-detail-records">Call Detail Records</Link>.
      </p>
      <FilterForm label="Filter active calls" onSubmit={find} clearHref="/active-calls">
        <FilterText
          label="Number"
          value={draft.number}
          onValue={(v) => setDraft((d) => ({ ...d, number: v }))}
          placeholder="calling or called"
        />
        <FilterText
          label="Device Name"
          value={draft.device}
          onValue={(v) => setDraft((d) => ({ ...d, device: v }))}
          placeholder="SEP…"
        />
      </FilterForm>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <>
          <p className="muted" aria-live="polite">
            {number(rows.length)} call{rows.length === 1 ? '' : 's'}
            {more && ` (the oldest ${number(LIMIT)} of ${number(list.data.total)} when the page loaded)`}
          </p>
          <table className="grid-table active-calls">
            <thead>
              <tr>
                <th scope="col">Calling</th>
                <th scope="col">Called</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
                <th scope="col">Devices</th>
                <th scope="col">Codec</th>
                <th scope="col">Node</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <EmptyRow columns={7}>
                  {filtered ? 'No active call matches.' : 'No call is active on this node.'}
                </EmptyRow>
              )}
              {rows.map((c) => (
                <tr key={key(c)} data-call={c.callId}>
                  <td>
                    {c.calling.number}
                    {c.calling.name && <span className="muted"> {c.calling.name}</span>}
                  </td>
                  <td>
                    {c.called.number ?? (c.called.dialled || '…')}
                    {c.called.name && <span className="muted"> {c.called.name}</span>}
                    {c.called.number !== null && c.called.dialled.replace(/#$/, '') !== c.called.number && (
                      <span className="muted"> (dialled {c.called.dialled})</span>
                    )}
                  </td>
                  <td>{STATE_LABELS[c.state]}</td>
                  <td
                    className="nowrap"
                    title={`Began ${dateTime(c.since)}; ${STATE_LABELS[c.state]} since ${dateTime(c.stateSince)}`}
                  >
                    {elapsed(c.stateSince, now)}
                    <span className="muted"> (call {elapsed(c.since, now)})</span>
                  </td>
                  <td>
                    <ul className="plain">
                      {c.legs.map((l) => (
                        <li key={l.legId}>
                          <Link href={`/phones/${encodeURIComponent(l.deviceName)}`}>{l.deviceName}</Link>{' '}
                          <span className="muted">
                            {l.side === 'orig' ? 'calling' : 'called'}, line {l.line}:{' '}
                            {LEG_LABELS[l.state] ?? l.state}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {c.codec ? `${CODEC_LABELS[c.codec] ?? c.codec}, ${c.packetMs} ms` : '—'}
                    {c.codec && (
                      <span className="muted" data-media-security>
                        {c.encrypted ? ', encrypted (SRTP)' : ', not encrypted'}
                      </span>
                    )}
                  </td>
                  <td>{c.node}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

function apply(calls: Map<string, ActiveCall>, change: ActiveCallChange, filter: Filter): void {
  const k = key(change.call);
  if (change.ended || !matches(change.call, filter)) calls.delete(k);
  else calls.set(k, change.call);
}
