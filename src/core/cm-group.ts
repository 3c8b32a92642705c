import type { FieldProblem } from './node.js';

/**
 * System > Cisco Unified CM Group: up to three call managers in priority order, the first the
 * primary (cluster.md §1.1, CallManager System Guide "Cisco CallManager Groups"). Exactly one
 * group of the cluster is the auto-registration group (cucm.md §1.1): XMLDefault.cnf.xml lists it.
 */
export interface CmGroup {
  name: string;
  description: string;
  /** Node names, primary first. */
  members: string[];
  autoRegistration: boolean;
}

/** The group and the pool every install has; neither can be deleted. */
export const DEFAULT_CM_GROUP = 'Default';
/** A Unified CM Group lists at most three call managers (cluster.md §1.1). */
export const MAX_CM_GROUP_MEMBERS = 3;
/** CUCM's limit for group and pool names. */
export const MAX_GROUP_NAME_LENGTH = 50;
export const MAX_GROUP_DESCRIPTION_LENGTH = 128;

/** Why `name` cannot name a group or pool (`what`: "Cisco Unified CM Group"…), or null. */
export function groupNameProblem(what: string, name: string): FieldProblem | null {
  if (name.trim() === '') return { field: 'name', message: `the ${what} needs a name` };
  if (name !== name.trim())
    return { field: 'name', message: `the ${what} name "${name}" starts or ends with a space; remove it` };
  if (name.length > MAX_GROUP_NAME_LENGTH)
    return {
      field: 'name',
      message: `the ${what} name has at most ${MAX_GROUP_NAME_LENGTH} characters (has ${name.length})`,
    };
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '/'))
    return { field: 'name', message: `the ${what} name cannot contain control characters or "/"` };
  return null;
}

/** Why `description` cannot describe a group or pool, or null. */
export function groupDescriptionProblem(description: string): FieldProblem | null {
  if (description.length > MAX_GROUP_DESCRIPTION_LENGTH)
    return {
      field: 'description',
      message: `the description has at most ${MAX_GROUP_DESCRIPTION_LENGTH} characters (has ${description.length})`,
    };
  if ([...description].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return { field: 'description', message: 'the description cannot contain control characters' };
  return null;
}

/** The first rule a group (new or changed) breaks, or null; `knownNodes` are the cluster's nodes. */
export function cmGroupProblem(group: CmGroup, knownNodes: readonly string[]): FieldProblem | null {
  const name = groupNameProblem('Cisco Unified CM Group', group.name);
  if (name) return name;
  const description = groupDescriptionProblem(group.description);
  if (description) return description;
  if (group.members.length === 0)
    return { field: 'members', message: 'a Cisco Unified CM Group needs at least one node (the primary)' };
  if (group.members.length > MAX_CM_GROUP_MEMBERS)
    return {
      field: 'members',
      message: `a Cisco Unified CM Group has at most ${MAX_CM_GROUP_MEMBERS} nodes (primary, secondary, tertiary); ${group.members.length} were given`,
    };
  const seen = new Set<string>();
  for (const [i, member] of group.members.entries()) {
    if (seen.has(member))
      return {
        field: `members.${i}`,
        message: `node ${member} is listed twice; each node once, in priority order`,
      };
    seen.add(member);
    if (!knownNodes.includes(member)) {
      const known = knownNodes.length > 0 ? knownNodes.join(', ') : 'none yet';
      return {
        field: `members.${i}`,
        message: `node "${member}" is not a node of this cluster (known: ${known}); a node is known once it has started`,
      };
    }
  }
  return null;
}

/** Why the auto-registration flag cannot be taken off `group`, or null (exactly one group carries it). */
export function autoRegistrationFlagProblem(current: CmGroup, proposed: CmGroup): FieldProblem | null {
  if (current.autoRegistration && !proposed.autoRegistration)
    return {
      field: 'autoRegistration',
      message: `${current.name} is the auto-registration group and exactly one group is; tick Auto-registration on another group instead, which takes it off this one`,
    };
  return null;
}

/** Why group `name` cannot be deleted, or null: `pools` are the device pools that use it. */
export function cmGroupDeletionProblem(group: CmGroup, pools: readonly string[]): FieldProblem | null {
  if (group.name === DEFAULT_CM_GROUP)
    return { field: 'name', message: `the ${DEFAULT_CM_GROUP} Cisco Unified CM Group cannot be deleted` };
  if (group.autoRegistration)
    return {
      field: 'autoRegistration',
      message: `${group.name} is the auto-registration group; make another group the auto-registration group first`,
    };
  if (pools.length > 0)
    return {
      field: 'name',
      message: `${group.name} is used by device pool${pools.length === 1 ? '' : 's'} ${pools.join(', ')}; give ${pools.length === 1 ? 'it' : 'them'} another group first`,
    };
  return null;
}
