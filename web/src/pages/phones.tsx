import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { get, query } from '../api/client';
import type { DevicePool, NodeInfo, Page, Phone, PhoneModel } from '../api/types';
import { Loading, PageTitle, Pager, SortHeader, StatusBadge } from '../components/ui';
import { FilterForm, FilterSelect, FilterText, NodeFilter } from '../components/filters';
import { useLoad, useThrottle } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

const TEXT_FILTERS = [
  ['name', 'Device Name'],
  ['description', 'Description'],
  ['dn', 'Directory Number'],
  ['ipAddress', 'IP Address'],
] as const;
const FILTER_KEYS = [
  'name',
  'description',
  'dn',
  'ipAddress',
  'protocol',
  'model',
  'status',
  'node',
  'devicePool',
] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ''])) as Filters;
}

/** Device > Phone: Find and List Phones, with CUCM's filters, server-side paging and sorting. */
export function PhonesPage() {
  const { canChange } = useSession();
  const { search } = useLocation();
  const page = Number(search.get('page') ?? 1) || 1;
  const pageSize = Number(search.get('pageSize') ?? 50) || 50;
  const sort = search.get('sort') ?? 'name';
  const order = search.get('order') === 'desc' ? 'desc' : 'asc';
  const applied = filtersOf(search);
  const [draft, setDraft] = useState<Filters>(applied);
  const key = search.toString();
  useEffect(() => setDraft(filtersOf(new URLSearchParams(key))), [key]);

  const list = useLoad(
    () => get<Page<Phone>>(`/phones${query({ ...applied, sort, order, page, pageSize })}`),
    key,
  );
  const models = useLoad(() => get<PhoneModel[]>('/phone-models'), 'models');
  const nodes = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  const pools = useLoad(() => get<DevicePool[]>('/device-pools'), 'device-pools');
  const [rows, setRows] = useState<Phone[]>([]);
  useEffect(() => setRows(list.data?.items ?? []), [list.data]);
  useEffect(() => {
    document.title = 'Find and List Phones — openucm';
  }, []);

  // A phone on screen changes at once; anything else (a new phone) reloads the page of results.
  const refresh = useThrottle(list.reload, 1000);
  useLiveEvent('device-status', (s) => {
    setRows((current) =>
      current.map((p) =>
        p.name === s.name ? { ...p, status: s.status, node: s.node, ipAddress: s.ipAddress } : p,
      ),
    );
    refresh();
  });
  useLiveEvent('configuration-changed', (c) => c.what === 'device' && refresh());

  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '' || v === undefined) next.delete(k);
      else next.set(k, String(v));
    }
    navigate(`/phones?${next.toString()}`);
  };
  const find = (e: FormEvent) => {
    e.preventDefault();
    go({ ...draft, page: 1 });
  };
  const set = (k: keyof Filters, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const onSort = (field: string, o: 'asc' | 'desc') => go({ sort: field, order: o, page: 1 });

  return (
    <>
      <PageTitle
        actions={
          canChange && (
            <Link href="/phones/new" className="button">
              Add New
            </Link>
          )
        }
      >
        Find and List Phones
      </PageTitle>
      <FilterForm label="Find phones" onSubmit={find} clearHref="/phones">
        {TEXT_FILTERS.map(([k, label]) => (
          <FilterText key={k} label={`${label} contains`} value={draft[k]} onValue={(v) => set(k, v)} />
        ))}
        <FilterSelect
          label="Protocol"
          value={draft.protocol}
          onValue={(v) => set('protocol', v)}
          options={[
            ['', 'Any'],
            ['SCCP', 'SCCP'],
            ['SIP', 'SIP'],
          ]}
        />
        <FilterSelect
          label="Model"
          value={draft.model}
          onValue={(v) => set('model', v)}
          options={[['', 'Any'], ...(models.data ?? []).map((m) => [m.model, m.displayName] as const)]}
        />
        <FilterSelect
          label="Status"
          value={draft.status}
          onValue={(v) => set('status', v)}
          options={[
            ['', 'Any'],
            ['registered', 'Registered'],
            ['unregistered', 'Unregistered'],
            ['rejected', 'Rejected'],
          ]}
        />
        <NodeFilter value={draft.node} onValue={(v) => set('node', v)} nodes={nodes.data} />
        <FilterSelect
          label="Device Pool"
          value={draft.devicePool}
          onValue={(v) => set('devicePool', v)}
          options={[['', 'Any'], ...(pools.data ?? []).map((p) => [p.name, p.name] as const)]}
        />
      </FilterForm>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <>
          <Pager
            page={page}
            pageSize={pageSize}
            total={list.data.total}
            onPage={(p) => go({ page: p })}
            onPageSize={(n) => go({ pageSize: n, page: 1 })}
          />
          <table className="grid-table phones" aria-busy={list.loading}>
            <thead>
              <tr>
                <SortHeader label="Status" field="status" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="Device Name" field="name" sort={sort} order={order} onSort={onSort} />
                <SortHeader
                  label="Description"
                  field="description"
                  sort={sort}
                  order={order}
                  onSort={onSort}
                />
                <SortHeader label="Model" field="model" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="Protocol" field="protocol" sort={sort} order={order} onSort={onSort} />
                <th scope="col">Directory Numbers</th>
                <th scope="col">Node</th>
                <SortHeader label="IP Address" field="ipAddress" sort={sort} order={order} onSort={onSort} />
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={8} className="muted">
                    No phone matches.
                  </td>
                </tr>
              )}
              {rows.map((p) => (
                <tr key={p.name} data-phone={p.name}>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td>
                    <Link href={`/phones/${p.name}`}>{p.name}</Link>
                  </td>
                  <td>{p.description}</td>
                  <td>{p.model}</td>
                  <td>{p.protocol}</td>
                  <td>{p.lines.map((l) => l.dn).join(', ')}</td>
                  <td>{p.node ?? '—'}</td>
                  <td>{p.ipAddress ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
