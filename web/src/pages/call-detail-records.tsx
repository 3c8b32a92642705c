import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../api/client';
import type { CallDetailRecord, CallDetailRecordPushed } from '../api/types';
import { FilterForm, FilterSelect, FilterText } from '../components/filters';
import { Loading, PageTitle, EmptyRow } from '../components/ui';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';

const PAGE = 100;
const MAX_ROWS = 1000;

/** A record listed, or pushed live (then without a row id). */
type Row = Omit<CallDetailRecord, 'id'> & { id?: number };

interface Filter {
  from: string;
  to: string;
  calling: string;
  called: string;
  device: string;
  cause: string;
}

const FILTER_NAMES: (keyof Filter)[] = ['from', 'to', 'calling', 'called', 'device', 'cause'];

const rowKey = (r: Row) => `${r.node}|${r.globalCallID_callId}|${r.dateTimeOrigination}`;
const epochTime = (seconds: number) => (seconds ? dateTime(new Date(seconds * 1000).toISOString()) : '—');

/** A datetime-local value (the browser's time zone) as ISO-8601 UTC, or '' when empty. */
function isoOfLocal(value: string): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** ISO-8601 as a datetime-local value in the browser's time zone. */
function localOfIso(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** Whether a pushed record belongs in the filtered list. */
function matches(r: Row, f: Filter): boolean {
  const began = r.dateTimeOrigination * 1000;
  if (f.from && began < Date.parse(f.from)) return false;
  if (f.to && began >= Date.parse(f.to)) return false;
  if (f.calling && r.callingPartyNumber !== f.calling) return false;
  if (f.called && r.originalCalledPartyNumber !== f.called && r.finalCalledPartyNumber !== f.called)
    return false;
  if (f.device && r.origDeviceName !== f.device && r.destDeviceName !== f.device) return false;
  if (f.cause && String(r.origCause_value) !== f.cause && String(r.destCause_value) !== f.cause) return false;
  return true;
}

/** "17 user busy (called side)": the cause that ended the call, and which side recorded it. */
function causeText(r: Row, causes: Record<string, string>): string {
  const [cause, side] =
    r.destCause_value !== 0 ? [r.destCause_value, 'called side'] : [r.origCause_value, 'calling side'];
  if (cause === 0) return '—';
  return `${cause} ${causes[String(cause)] ?? ''} (${side})`;
}

/** Monitoring > Call Detail Records: one line per finished call with CUCM's fields; new ones arrive live. */
export function CallDetailRecordsPage() {
  const { search } = useLocation();
  const filter = Object.fromEntries(FILTER_NAMES.map((n) => [n, search.get(n) ?? ''])) as unknown as Filter;
  const filtered = FILTER_NAMES.some((n) => filter[n] !== '');
  const [draft, setDraft] = useState<Filter>(filter);
  const queryKey = search.toString();
  useEffect(() => setDraft(filter), [queryKey]);
  const list = useLoad(
    () =>
      get<{ items: CallDetailRecord[]; causes: Record<string, string> }>(
        `/call-detail-records${query({ ...filter, limit: PAGE })}`,
      ),
    queryKey,
  );
  const [rows, setRows] = useState<Row[]>([]);
  const [more, setMore] = useState(false);
  // Records pushed while the list was loading may be missing from it: keep them when it arrives.
  const live = useRef<Row[]>([]);
  useEffect(() => {
    live.current = [];
  }, [queryKey]);
  useEffect(() => {
    const items: Row[] = list.data?.items ?? [];
    const listed = new Set(items.map(rowKey));
    setRows([...live.current.filter((r) => !listed.has(rowKey(r))), ...items].slice(0, MAX_ROWS));
    setMore(items.length >= PAGE);
  }, [list.data]);
  useEffect(() => {
    document.title = 'Call Detail Records — openucm';
  }, []);

  useLiveEvent('call-detail-record', (pushed: CallDetailRecordPushed) => {
    const row: Row = { ...pushed.cdr, node: pushed.node };
    if (!matches(row, filter)) return;
    live.current = [row, ...live.current];
    setRows((current) => [row, ...current].slice(0, MAX_ROWS));
  });

  const older = async () => {
    const ids = rows.map((r) => r.id).filter((id): id is number => id !== undefined);
    if (ids.length === 0) return;
    const page = await get<{ items: CallDetailRecord[] }>(
      `/call-detail-records${query({ ...filter, beforeId: Math.min(...ids), limit: PAGE })}`,
    );
    setRows((current) => [...current, ...page.items]);
    setMore(page.items.length >= PAGE);
  };
  const find = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = Object.fromEntries(FILTER_NAMES.map((n) => [n, draft[n].trim()]));
    navigate(`/call-detail-records${query(trimmed)}`);
  };
  const set = (name: keyof Filter) => (value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const causes = list.data?.causes ?? {};

  return (
    <>
      <PageTitle>Call Detail Records</PageTitle>
      <p className="muted">
        One record per finished call, with the fields of CUCM&apos;s CDRs — newest first, live. Records older
        than <Link href="/enterprise-parameters">CDR Retention (days)</Link> are deleted.
      </p>
      <FilterForm label="Filter call detail records" onSubmit={find} clearHref="/call-detail-records">
        <FilterText
          label="Began From"
          type="datetime-local"
          value={localOfIso(draft.from)}
          onValue={(v) => set('from')(isoOfLocal(v))}
        />
        <FilterText
          label="Began Before"
          type="datetime-local"
          value={localOfIso(draft.to)}
          onValue={(v) => set('to')(isoOfLocal(v))}
        />
        <FilterText label="Calling Number" value={draft.calling} onValue={set('calling')} />
        <FilterText label="Called Number" value={draft.called} onValue={set('called')} />
        <FilterText label="Device Name" value={draft.device} onValue={set('device')} placeholder="SEP…" />
        <FilterSelect
          label="Cause"
          value={draft.cause}
          onValue={set('cause')}
          options={[
            ['', 'Any'],
            ...Object.entries(causes).map(([cause, text]) => [cause, `${cause} ${text}`] as const),
          ]}
        />
      </FilterForm>
      <div className="toolbar">
        <a className="button" href={`/api/v1/call-detail-records.csv${query({ ...filter })}`} download>
          Export CSV
        </a>
      </div>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <table className="grid-table cdrs" aria-live="polite" aria-relevant="additions">
          <thead>
            <tr>
              <th scope="col">Began</th>
              <th scope="col">Connected</th>
              <th scope="col">Duration (s)</th>
              <th scope="col">Calling Number</th>
              <th scope="col">Called Number</th>
              <th scope="col">Calling Device</th>
              <th scope="col">Called Device</th>
              <th scope="col">Cause</th>
              <th scope="col">Node</th>
              <th scope="col">
                <span className="visually-hidden">Troubleshoot</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <EmptyRow columns={10}>
                {filtered ? 'No call detail record matches.' : 'No call has ended on this cluster yet.'}
              </EmptyRow>
            )}
            {rows.map((r) => (
              <tr key={r.id ?? `live-${rowKey(r)}`}>
                <td className="nowrap">{epochTime(r.dateTimeOrigination)}</td>
                <td className="nowrap">{epochTime(r.dateTimeConnect)}</td>
                <td>{r.duration}</td>
                <td>{r.callingPartyNumber}</td>
                <td>
                  {r.finalCalledPartyNumber}
                  {r.originalCalledPartyNumber !== r.finalCalledPartyNumber &&
                    ` (dialled ${r.originalCalledPartyNumber})`}
                </td>
                <td>
                  <DeviceLink name={r.origDeviceName} />
                </td>
                <td>
                  <DeviceLink name={r.destDeviceName} />
                </td>
                <td className="reason">{causeText(r, causes)}</td>
                <td>{r.node}</td>
                <td>
                  <Link
                    className="button"
                    href={whyHref(r)}
                    title={`Why did call ${r.globalCallID_callId} from ${r.callingPartyNumber} fail?`}
                  >
                    Why?
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && rows.length > 0 && (
        <p>
          <button type="button" onClick={older}>
            Older records…
          </button>
        </p>
      )}
    </>
  );
}

/** The troubleshooter for a record: by its id, or (pushed live, no id yet) by its two numbers. */
function whyHref(r: Row): string {
  if (r.id !== undefined) return `/troubleshoot-call?cdr=${r.id}`;
  const called = r.finalCalledPartyNumber || r.originalCalledPartyNumber;
  return `/troubleshoot-call${query({ calling: r.callingPartyNumber, called })}`;
}

function DeviceLink({ name }: { name: string }) {
  if (!name) return <>—</>;
  return (
    <Link
      href={`/call-detail-records?device=${encodeURIComponent(name)}`}
      title={`Only the calls of ${name}`}
    >
      {name}
    </Link>
  );
}
