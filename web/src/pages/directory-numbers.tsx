import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { get, query } from '../api/client';
import type { DirectoryNumber, FreeDns, NodeInfo, Page } from '../api/types';
import { Loading, PageTitle, Pager } from '../components/ui';
import { FilterForm, FilterText } from '../components/filters';
import { number } from '../format';
import { useLoad, useThrottle } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';

function FreeNumbers() {
  const { data, reload } = useLoad(async () => {
    const nodes = await get<NodeInfo[]>('/nodes');
    return Promise.all(
      nodes.map((n) => get<FreeDns>(`/nodes/${encodeURIComponent(n.name)}/free-dns?limit=10`)),
    );
  }, 'free');
  const refresh = useThrottle(reload, 2000);
  useLiveEvent('registration-event', (e) => e.outcome === 'accepted' && refresh());
  useLiveEvent('configuration-changed', refresh);
  return (
    <section className="panel" aria-labelledby="free-title">
      <h2 id="free-title">Free numbers in each node’s auto-registration range</h2>
      {data && (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Range</th>
              <th scope="col">Auto-registration</th>
              <th scope="col">Used</th>
              <th scope="col">Free</th>
              <th scope="col">Next free numbers</th>
            </tr>
          </thead>
          <tbody>
            {data.map((f) => (
              <tr key={f.node}>
                <td>
                  <Link href={`/nodes/${encodeURIComponent(f.node)}`}>{f.node}</Link>
                </td>
                <td>
                  {f.startingDn}–{f.endingDn}
                </td>
                <td>{f.enabled ? 'ON' : 'OFF'}</td>
                <td className="num">{number(f.used)}</td>
                <td className="num">{number(f.free)}</td>
                <td>{f.next.length > 0 ? f.next.join(', ') : 'none: the range is exhausted'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Call Routing > Directory Number: each DN with the device and line holding it. */
export function DirectoryNumbersPage() {
  const { search } = useLocation();
  const dn = search.get('dn') ?? '';
  const page = Number(search.get('page') ?? 1) || 1;
  const pageSize = Number(search.get('pageSize') ?? 50) || 50;
  const [draft, setDraft] = useState(dn);
  useEffect(() => setDraft(dn), [dn]);
  const list = useLoad(
    () => get<Page<DirectoryNumber>>(`/directory-numbers${query({ dn, page, pageSize })}`),
    search.toString(),
  );
  const refresh = useThrottle(list.reload, 2000);
  useLiveEvent('registration-event', (e) => e.outcome === 'accepted' && refresh());
  useLiveEvent('configuration-changed', (c) => c.what === 'device' && refresh());
  useEffect(() => {
    document.title = 'Directory Numbers — openucm';
  }, []);
  const go = (q: Record<string, string | number>) =>
    navigate(`/directory-numbers${query({ dn, page, pageSize, ...q })}`);
  const find = (e: FormEvent) => {
    e.preventDefault();
    go({ dn: draft, page: 1 });
  };

  return (
    <>
      <PageTitle>Find and List Directory Numbers</PageTitle>
      <FreeNumbers />
      <FilterForm label="Find directory numbers" onSubmit={find}>
        <FilterText label="Directory Number contains" value={draft} inputMode="numeric" onValue={setDraft} />
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
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">Directory Number</th>
                <th scope="col">Device</th>
                <th scope="col">Line</th>
                <th scope="col">Device Description</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={`${d.dn}-${d.deviceName ?? ''}-${d.lineIndex ?? ''}`}>
                  <td>{d.dn}</td>
                  <td>
                    {d.deviceName ? (
                      <Link href={`/phones/${d.deviceName}`}>{d.deviceName}</Link>
                    ) : (
                      <span className="muted">unassigned</span>
                    )}
                  </td>
                  <td>{d.lineIndex ?? '—'}</td>
                  <td>{d.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
