import { DEFAULT_DEVICE_POOL } from './device-defaults.js';
import { groupDescriptionProblem, groupNameProblem } from './cm-group.js';
import type { FieldProblem } from './node.js';

/**
 * System > Device Pool: what devices share; for now the Cisco Unified CM Group (the call managers
 * their configuration files list). Region and date/time group come later (issue #16).
 */
export interface DevicePool {
  name: string;
  description: string;
  cmGroup: string;
}

export { DEFAULT_DEVICE_POOL };

/** The first rule a pool (new or changed) breaks, or null; `knownGroups` are the groups' names. */
export function devicePoolProblem(pool: DevicePool, knownGroups: readonly string[]): FieldProblem | null {
  const name = groupNameProblem('device pool', pool.name);
  if (name) return name;
  const description = groupDescriptionProblem(pool.description);
  if (description) return description;
  if (!knownGroups.includes(pool.cmGroup))
    return {
      field: 'cmGroup',
      message: `Cisco Unified CM Group "${pool.cmGroup}" does not exist (groups: ${knownGroups.join(', ')})`,
    };
  return null;
}

/** What still uses a pool: phones (counted) and nodes that give it to auto-registered phones. */
export interface PoolUse {
  devices: number;
  autoRegistrationNodes: readonly string[];
}

/** Why pool `name` cannot be deleted, or null. */
export function devicePoolDeletionProblem(name: string, use: PoolUse): FieldProblem | null {
  if (name === DEFAULT_DEVICE_POOL)
    return { field: 'name', message: `the ${DEFAULT_DEVICE_POOL} device pool cannot be deleted` };
  if (use.devices > 0)
    return {
      field: 'name',
      message: `device pool ${name} is used by ${use.devices} phone${use.devices === 1 ? '' : 's'}; move ${use.devices === 1 ? 'it' : 'them'} to another pool first (Device > Phone, filter by Device Pool)`,
    };
  if (use.autoRegistrationNodes.length > 0)
    return {
      field: 'name',
      message: `device pool ${name} is the auto-registration pool of ${use.autoRegistrationNodes.join(', ')}; choose another pool under System > Cisco Unified CM first`,
    };
  return null;
}

/** Why a phone or node cannot be given pool `name`, or null. */
export function poolReferenceProblem(
  field: string,
  name: string,
  pools: readonly string[],
): FieldProblem | null {
  if (pools.includes(name)) return null;
  return {
    field,
    message: `device pool "${name}" does not exist (pools: ${pools.join(', ')}); create it under System > Device Pool`,
  };
}
