import { useEffect } from 'react';
import { get } from '../api/client';
import type { CmGroup, DevicePool } from '../api/types';
import { NamedResourceView, useNamedResource } from '../components/named-resources';
import { PageTitle, SelectField } from '../components/ui';
import { useLoad } from '../hooks';
import { Link } from '../router';

type Draft = { description: string; cmGroup: string };

/** System > Device Pool: what phones share, for now their Cisco Unified CM Group. */
export function DevicePoolsPage() {
  const groups = useLoad(() => get<CmGroup[]>('/cm-groups'), 'cm-groups');
  const pools = useNamedResource<DevicePool, Draft>({
    path: '/device-pools',
    noun: 'device pool',
    blank: { description: '', cmGroup: '' },
    draftOf: (p) => ({ description: p.description, cmGroup: p.cmGroup }),
    bodyOf: (d) => d,
    savedNote: 'Its phones get it with their next configuration file.',
    reloadOn: ['device-pool', 'cm-group', 'device'],
  });
  useEffect(() => {
    document.title = 'Device Pool — openucm';
  }, []);

  return (
    <>
      <PageTitle>Device Pool</PageTitle>
      <p className="muted">
        Every phone belongs to a device pool; the pool’s <Link href="/cm-groups">Cisco Unified CM Group</Link>{' '}
        lists the call managers in its configuration file. Phones auto-registered on a node get the node’s
        auto-registration pool (System &gt; Cisco Unified CM).
      </p>
      <NamedResourceView
        resource={pools}
        noun="device pool"
        plural="device pools"
        fieldsShown={['description', 'cmGroup']}
        columns={[
          { header: 'Cisco Unified CM Group', cell: (p) => p.cmGroup },
          {
            header: 'Phones',
            cell: (p) => <Link href={`/phones?devicePool=${encodeURIComponent(p.name)}`}>{p.devices}</Link>,
          },
        ]}
      >
        <SelectField
          label="Cisco Unified CM Group"
          value={pools.draft.cmGroup}
          onChange={(e) => pools.change({ cmGroup: e.target.value })}
          error={pools.fieldError('cmGroup')}
          required
        >
          <option value="">Choose…</option>
          {(groups.data ?? []).map((g) => (
            <option key={g.name} value={g.name}>
              {g.name}
            </option>
          ))}
        </SelectField>
      </NamedResourceView>
    </>
  );
}
