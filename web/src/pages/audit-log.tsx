import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { get, query } from '../api/client';
import type { AuditEntry } from '../api/types';
import { Loading, PageTitle } from '../components/ui';
import { FilterForm, FilterSelect, FilterText } from '../components/filters';
import { dateTime, valueText } from '../format';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { navigate, useLocation } from '../router';

/** Monitoring > Audit Log: who changed what, when, with old and new values. */
export function AuditLogPage() {
  const { search } = useLocation();
  const user = search.get('user') ?? '';
  const target = search.get('target') ?? '';
  const [draftUser, setDraftUser] = useState(user);
  const [draftTarget, setDraftTarget] = useState(target);
  useEffect(() => {
    setDraftUser(user);
    setDraftTarget(target);
  }, [user, target]);
  const list = useLoad(
    () => get<{ items: AuditEntry[] }>(`/audit-log${query({ user, target, limit: 200 })}`),
    search.toString(),
  );
  const [rows, setRows] = useState<AuditEntry[]>([]);
  useEffect(() => setRows(list.data?.items ?? []), [list.data]);
  useLiveEvent('audit', (e) => {
    if ((user && e.user !== user) || (target && e.target !== target)) return;
    setRows((current) => [e, ...current]);
  });
  useEffect(() => {
    document.title = 'Audit Log — openucm';
  }, []);
  const find = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/audit-log${query({ user: draftUser.trim(), target: draftTarget })}`);
  };

  return (
    <>
      <PageTitle>Audit Log</PageTitle>
      <p className="muted">
        Every change through the UI or the API: who, when, how (ui, basic, api-key), old and new values.
      </p>
      <FilterForm label="Filter the audit log" onSubmit={find}>
        <FilterText label="User" value={draftUser} onValue={setDraftUser} />
        <FilterSelect
          label="Changed"
          value={draftTarget}
          onValue={setDraftTarget}
          options={[
            ['', 'Anything'],
            ['phone', 'Phones'],
            ['node', 'Nodes'],
            ['enterprise-parameters', 'Enterprise parameters'],
            ['admin-settings', 'Administration settings'],
            ['user', 'Users'],
            ['api-key', 'API keys'],
          ]}
        />
      </FilterForm>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">User</th>
              <th scope="col">Via</th>
              <th scope="col">Action</th>
              <th scope="col">Changed</th>
              <th scope="col">Field: old → new</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  Nothing has been changed yet.
                </td>
              </tr>
            )}
            {rows.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{dateTime(e.at)}</td>
                <td>{e.user}</td>
                <td>{e.via}</td>
                <td>{e.action}</td>
                <td>
                  {e.target} {e.targetName}
                </td>
                <td>
                  {e.changes.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="changes">
                      {e.changes.map((c) => (
                        <li key={c.field}>
                          <code>{c.field}</code>: {valueText(c.old)} → {valueText(c.new)}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
