import { useEffect } from 'react';
import { get } from '../api/client';
import type { CmGroup, NodeInfo } from '../api/types';
import { NamedResourceView, useNamedResource } from '../components/named-resources';
import { PageTitle, SelectField } from '../components/ui';
import { useLoad } from '../hooks';

const PRIORITIES = ['Primary', 'Secondary', 'Tertiary'] as const;
type Draft = { description: string; members: string[]; autoRegistration: boolean };

/**
 * System > Cisco Unified CM Group: up to three nodes in priority order, which the configuration
 * files of the phones of every pool using the group list; one group is the auto-registration group.
 */
export function CmGroupsPage() {
  const nodes = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  const groups = useNamedResource<CmGroup, Draft>({
    path: '/cm-groups',
    noun: 'Cisco Unified CM Group',
    blank: { description: '', members: ['', '', ''], autoRegistration: false },
    draftOf: (g) => ({
      description: g.description,
      members: [0, 1, 2].map((i) => g.members[i] ?? ''),
      autoRegistration: g.autoRegistration,
    }),
    bodyOf: (d) => ({ ...d, members: d.members.filter((m) => m !== '') }),
    savedNote: 'Phones get it with their next configuration file.',
    reloadOn: ['cm-group', 'node'],
  });
  useEffect(() => {
    document.title = 'Cisco Unified CM Group — openucm';
  }, []);
  const { draft } = groups;

  return (
    <>
      <PageTitle>Cisco Unified CM Group</PageTitle>
      <p className="muted">
        Up to three nodes in priority order: phones register with the first that runs and fail over to the
        next. A device pool names its group; the auto-registration group is what unknown phones are sent to.
      </p>
      <NamedResourceView
        resource={groups}
        noun="Cisco Unified CM Group"
        plural="Cisco Unified CM Groups"
        fieldsShown={['name', 'description', 'members', 'autoRegistration']}
        columns={[
          {
            header: 'Nodes (priority order)',
            cell: (g) =>
              g.members.map((m, i) => `${i + 1}. ${m}`).join(', ') || <span className="muted">none</span>,
          },
          { header: 'Auto-registration', cell: (g) => (g.autoRegistration ? 'Yes' : '') },
        ]}
      >
        {PRIORITIES.map((label, i) => (
          <SelectField
            key={label}
            label={`${label} node`}
            value={draft.members[i]}
            onChange={(e) =>
              groups.change({ members: draft.members.map((v, j) => (j === i ? e.target.value : v)) })
            }
            error={i === 0 ? groups.fieldError('members') : null}
          >
            <option value="">{i === 0 ? 'Choose…' : '(none)'}</option>
            {(nodes.data ?? []).map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </SelectField>
        ))}
        <div className="field checkbox">
          <input
            id="cm-group-auto"
            type="checkbox"
            checked={draft.autoRegistration}
            onChange={(e) => groups.change({ autoRegistration: e.target.checked })}
            aria-describedby="cm-group-auto-hint"
          />
          <label htmlFor="cm-group-auto">Auto-registration Cisco Unified CM Group</label>
          <span id="cm-group-auto-hint" className="hint">
            Exactly one group: ticking it here takes it off the group that had it.
          </span>
        </div>
        {groups.fieldError('autoRegistration') && (
          <p className="field-error" role="alert">
            {groups.fieldError('autoRegistration')}
          </p>
        )}
      </NamedResourceView>
    </>
  );
}
