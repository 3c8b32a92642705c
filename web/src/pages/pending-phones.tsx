import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, post, query } from '../api/client';
import type { NodeInfo, Page, PendingPhone, PendingPhoneState } from '../api/types';
import { Loading, Notice, PageTitle, Pager } from '../components/ui';
import { FilterForm, FilterSelect, FilterText, NodeFilter } from '../components/filters';
import { dateTime, number } from '../format';
import { useLoad, useThrottle } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

const FILTER_KEYS = ['state', 'name', 'sourceIp', 'node'] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

function filtersOf(search: URLSearchParams): Filters {
  const f = Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ''])) as Filters;
  // Waiting phones unless the administrator asks for others ("any" shows every state).
  if (!search.has('state')) f.state = 'pending';
  return f;
}

const STATE_LABEL: Record<PendingPhoneState, string> = {
  pending: 'Waiting for approval',
  accepted: 'Accepted (registers at its next attempt)',
  refused: 'Refused',
};

type Action = 'accept' | 'refuse' | 'delete';

/**
 * Device > Pending Phones: unknown phones that an auto-registration guard holds until an
 * administrator accepts or refuses them; live, as phones arrive and retry.
 */
export function PendingPhonesPage() {
  const { canChange } = useSession();
  const { search } = useLocation();
  const page = Number(search.get('page') ?? 1) || 1;
  const pageSize = Number(search.get('pageSize') ?? 50) || 50;
  const applied = filtersOf(search);
  const [draft, setDraft] = useState<Filters>(applied);
  const key = search.toString();
  useEffect(() => setDraft(filtersOf(new URLSearchParams(key))), [key]);
  const list = useLoad(
    () =>
      get<Page<PendingPhone>>(
        `/pending-phones${query({ ...applied, state: applied.state === 'any' ? '' : applied.state, page, pageSize })}`,
      ),
    key,
  );
  const nodes = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  useEffect(() => setSelected(new Set()), [key]);
  useEffect(() => {
    document.title = 'Pending Phones — openucm';
  }, []);
  const refresh = useThrottle(list.reload, 1000);
  useLiveEvent('pending-phone', refresh);

  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) next.set(k, String(v));
    navigate(`/pending-phones?${next.toString()}`);
  };
  const find = (e: FormEvent) => {
    e.preventDefault();
    go({ ...draft, page: 1 });
  };
  const set = (k: keyof Filters, v: string) => setDraft((d) => ({ ...d, [k]: v }));

  const act = async (action: Action, names: string[]) => {
    const done: string[] = [];
    try {
      for (const name of names) {
        const path = `/pending-phones/${encodeURIComponent(name)}`;
        if (action === 'delete') await del(path);
        else await post(`${path}/${action}`);
        done.push(name);
      }
      const what =
        action === 'accept'
          ? 'accepted: each auto-registers at its next attempt'
          : action === 'refuse'
            ? 'refused: their attempts are refused until they are removed from this list'
            : 'removed from the list: each waits for approval again at its next attempt';
      setResult({ kind: 'ok', text: `${done.join(', ')} ${what}.` });
    } catch (err) {
      const prefix = done.length > 0 ? `${done.join(', ')} done; ` : '';
      setResult({ kind: 'error', text: `${prefix}${err instanceof ApiError ? err.message : String(err)}` });
    }
    setSelected(new Set());
    list.reload();
  };

  const rows = list.data?.items ?? [];
  const toggle = (name: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  const chosen = [...selected];

  return (
    <>
      <PageTitle>Pending Phones</PageTitle>
      <p className="muted">
        New phones that an auto-registration guard holds until an administrator accepts them (System &gt;{' '}
        <Link href="/nodes">Cisco Unified CM</Link> &gt; Auto-registration Guard,{' '}
        <em>New Phones Wait for Approval</em>
        ). An accepted phone auto-registers at its next attempt, with the next free DN of the node&apos;s
        range; a refused one stays refused until it is removed from this list.
      </p>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <FilterForm label="Find pending phones" onSubmit={find} clearHref="/pending-phones">
        <FilterSelect
          label="State"
          value={draft.state}
          onValue={(v) => set('state', v)}
          options={[
            ['pending', 'Waiting for approval'],
            ['accepted', 'Accepted'],
            ['refused', 'Refused'],
            ['any', 'Any'],
          ]}
        />
        <FilterText label="Device Name contains" value={draft.name} onValue={(v) => set('name', v)} />
        <FilterText label="IP Address contains" value={draft.sourceIp} onValue={(v) => set('sourceIp', v)} />
        <NodeFilter value={draft.node} onValue={(v) => set('node', v)} nodes={nodes.data} />
      </FilterForm>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <>
          {canChange && (
            <div className="toolbar" role="group" aria-label="Selected phones">
              <button type="button" disabled={chosen.length === 0} onClick={() => act('accept', chosen)}>
                Accept Selected
              </button>
              <button type="button" disabled={chosen.length === 0} onClick={() => act('refuse', chosen)}>
                Refuse Selected
              </button>
              <span className="muted">{number(chosen.length)} selected</span>
            </div>
          )}
          <Pager
            page={page}
            pageSize={pageSize}
            total={list.data.total}
            onPage={(p) => go({ page: p })}
            onPageSize={(n) => go({ pageSize: n, page: 1 })}
          />
          <table className="grid-table pending-phones" aria-busy={list.loading}>
            <thead>
              <tr>
                {canChange && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all phones on this page"
                      checked={rows.length > 0 && rows.every((r) => selected.has(r.deviceName))}
                      onChange={(e) =>
                        setSelected(e.target.checked ? new Set(rows.map((r) => r.deviceName)) : new Set())
                      }
                    />
                  </th>
                )}
                <th scope="col">Device Name</th>
                <th scope="col">Model</th>
                <th scope="col">Protocol</th>
                <th scope="col">IP Address</th>
                <th scope="col">Node</th>
                <th scope="col">First Seen</th>
                <th scope="col">Last Seen</th>
                <th scope="col">Attempts</th>
                <th scope="col">State</th>
                {canChange && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={canChange ? 11 : 9} className="muted">
                    No phone matches.
                  </td>
                </tr>
              )}
              {rows.map((p) => (
                <tr key={p.deviceName} data-pending-phone={p.deviceName}>
                  {canChange && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${p.deviceName}`}
                        checked={selected.has(p.deviceName)}
                        onChange={(e) => toggle(p.deviceName, e.target.checked)}
                      />
                    </td>
                  )}
                  <td>
                    <Link
                      href={`/registration-events?device=${encodeURIComponent(p.deviceName)}`}
                      title={`The registration events of ${p.deviceName}`}
                    >
                      {p.deviceName}
                    </Link>
                  </td>
                  <td>{p.model}</td>
                  <td>{p.protocol}</td>
                  <td>{p.sourceIp}</td>
                  <td>{p.node}</td>
                  <td className="nowrap">{dateTime(p.firstSeenAt)}</td>
                  <td className="nowrap">{dateTime(p.lastSeenAt)}</td>
                  <td className="num">{number(p.attempts)}</td>
                  <td>
                    {STATE_LABEL[p.state]}
                    {p.decidedBy && (
                      <span className="muted">
                        {' '}
                        by {p.decidedBy}, {dateTime(p.decidedAt)}
                      </span>
                    )}
                  </td>
                  {canChange && (
                    <td className="nowrap">
                      {p.state !== 'accepted' && (
                        <button
                          type="button"
                          aria-label={`Accept ${p.deviceName}`}
                          onClick={() => act('accept', [p.deviceName])}
                        >
                          Accept
                        </button>
                      )}{' '}
                      {p.state !== 'refused' && (
                        <button
                          type="button"
                          aria-label={`Refuse ${p.deviceName}`}
                          onClick={() => act('refuse', [p.deviceName])}
                        >
                          Refuse
                        </button>
                      )}{' '}
                      {p.state !== 'pending' && (
                        <button
                          type="button"
                          aria-label={`Remove ${p.deviceName} from the list`}
                          onClick={() => act('delete', [p.deviceName])}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
