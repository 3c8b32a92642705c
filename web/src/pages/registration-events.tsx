import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../api/client';
import type { Outcome, RegistrationEvent } from '../api/types';
import { Loading, PageTitle } from '../components/ui';
import { FilterForm, FilterSelect, FilterText } from '../components/filters';
import { dateTime, hostOf, number } from '../format';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';

const MAX_ROWS = 1000;

/** Identifies an event whether it came live (no id yet) or from the list; a folded refusal by its key. */
const eventKey = (e: RegistrationEvent) => e.repeatKey ?? `${e.at}|${e.deviceName}|${e.outcome}|${e.reason}`;

/** `rows` with `e` first, or in the place of the row it updates (a folded refusal's new count). */
function withEvent(rows: RegistrationEvent[], e: RegistrationEvent): RegistrationEvent[] {
  const key = eventKey(e);
  const i = e.repeatKey === undefined ? -1 : rows.findIndex((r) => eventKey(r) === key);
  if (i < 0) return [e, ...rows].slice(0, MAX_ROWS);
  const next = [...rows];
  next[i] = { ...e, id: rows[i].id };
  return next;
}

/** "2,314 times, last 10:42:13" for a folded refusal; empty for a single attempt. */
function repeats(e: RegistrationEvent): string {
  if (!e.count || e.count < 2) return '';
  return `${number(e.count)} times, last ${dateTime(e.lastAt)}`;
}

/** Monitoring > Registration Events: every attempt with outcome, reason and remedy; new ones arrive live. */
export function RegistrationEventsPage() {
  const { search } = useLocation();
  const device = search.get('device') ?? '';
  const outcome = (search.get('outcome') ?? '') as Outcome | '';
  const address = search.get('address') ?? '';
  const [draftDevice, setDraftDevice] = useState(device);
  const [draftOutcome, setDraftOutcome] = useState(outcome);
  const [draftAddress, setDraftAddress] = useState(address);
  useEffect(() => {
    setDraftDevice(device);
    setDraftOutcome(outcome);
    setDraftAddress(address);
  }, [device, outcome, address]);
  const list = useLoad(
    () =>
      get<{ items: RegistrationEvent[] }>(
        `/registration-events${query({ device, outcome, address, limit: 100 })}`,
      ),
    search.toString(),
  );
  const [rows, setRows] = useState<RegistrationEvent[]>([]);
  const [more, setMore] = useState(true);
  // Events pushed while the list was loading may be newer than what the list read from the
  // database (events are written in batches): keep them when the list arrives.
  const live = useRef<RegistrationEvent[]>([]);
  const queryKey = search.toString();
  useEffect(() => {
    live.current = [];
  }, [queryKey]);
  useEffect(() => {
    const items = list.data?.items ?? [];
    // Oldest first, so that a count update pushed later lands on its event.
    setRows([...live.current].reverse().reduce(withEvent, items).slice(0, MAX_ROWS));
    setMore(items.length >= 100);
  }, [list.data]);
  useEffect(() => {
    document.title = 'Registration Events — openucm';
  }, []);

  useLiveEvent('registration-event', (e) => {
    if (device && e.deviceName !== device) return;
    if (outcome && e.outcome !== outcome) return;
    if (address && hostOf(e.address) !== address) return;
    live.current = withEvent(live.current, e);
    setRows((current) => withEvent(current, e));
  });

  const older = async () => {
    const ids = rows.map((r) => r.id).filter((id): id is number => id !== undefined);
    if (ids.length === 0) return;
    const page = await get<{ items: RegistrationEvent[] }>(
      `/registration-events${query({ device, outcome, address, beforeId: Math.min(...ids), limit: 100 })}`,
    );
    setRows((current) => [...current, ...page.items]);
    setMore(page.items.length >= 100);
  };
  const find = (e: FormEvent) => {
    e.preventDefault();
    navigate(
      `/registration-events${query({ device: draftDevice.trim(), outcome: draftOutcome, address: draftAddress.trim() })}`,
    );
  };

  return (
    <>
      <PageTitle>Registration Events</PageTitle>
      <p className="muted">
        Every registration attempt of every phone, accepted or rejected, and every loss of registration —
        newest first, live. Identical refusals (same device, reason and source address) within a minute are
        one event with a count.
      </p>
      <FilterForm label="Filter events" onSubmit={find} clearHref="/registration-events">
        <FilterText label="Device Name" value={draftDevice} onValue={setDraftDevice} placeholder="SEP…" />
        <FilterSelect
          label="Outcome"
          value={draftOutcome}
          onValue={(v) => setDraftOutcome(v as Outcome | '')}
          options={[
            ['', 'Any'],
            ['accepted', 'Accepted'],
            ['rejected', 'Rejected'],
            ['unregistered', 'Unregistered'],
          ]}
        />
        <FilterText
          label="Source Address"
          value={draftAddress}
          onValue={setDraftAddress}
          placeholder="10.1.2.3"
        />
      </FilterForm>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <table className="grid-table events" aria-live="polite" aria-relevant="additions">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Device</th>
              <th scope="col">Protocol</th>
              <th scope="col">Address</th>
              <th scope="col">Node</th>
              <th scope="col">Outcome</th>
              <th scope="col">Repeated</th>
              <th scope="col">Reason</th>
              <th scope="col">What happened</th>
              <th scope="col">Remedy</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={10} className="muted">
                  No event matches.
                </td>
              </tr>
            )}
            {rows.map((e, i) => (
              <tr key={e.id ?? `live-${e.at}-${e.deviceName}-${i}`} className={`row-${e.outcome}`}>
                <td className="nowrap">{dateTime(e.at)}</td>
                <td>
                  <Link
                    href={`/registration-events?device=${encodeURIComponent(e.deviceName)}`}
                    title={`Only the events of ${e.deviceName}`}
                  >
                    {e.deviceName}
                  </Link>
                </td>
                <td>{e.protocol}</td>
                <td>
                  <Link
                    href={`/registration-events${query({ address: hostOf(e.address) })}`}
                    title={`Only the events from ${hostOf(e.address)}`}
                  >
                    {e.address}
                  </Link>
                </td>
                <td>{e.node}</td>
                <td>
                  <span className={`badge badge-${e.outcome}`}>{e.outcome}</span>
                </td>
                <td className="repeats">{repeats(e)}</td>
                <td className="reason">{e.reason}</td>
                <td className="message">{e.message}</td>
                <td className="remedy">{e.remedy ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && rows.length > 0 && (
        <p>
          <button type="button" onClick={older}>
            Older events…
          </button>
        </p>
      )}
    </>
  );
}
