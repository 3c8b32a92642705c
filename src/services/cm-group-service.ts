import type { Logger } from 'pino';
import type { CmGroup } from '../core/cm-group.js';
import { autoRegistrationFlagProblem, cmGroupDeletionProblem, cmGroupProblem } from '../core/cm-group.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { ConflictError, NotFoundError, ValidationError } from './configuration-service.js';
import type { LiveEvents } from './live-events.js';

/** What may change of a group; its name is fixed once created. */
export interface CmGroupChanges {
  description?: string;
  members?: string[];
  autoRegistration?: boolean;
}

/**
 * System > Cisco Unified CM Group: create, change and delete groups under the rules of
 * core/cm-group, each check and its write in one transaction. A change reaches the phones with
 * their next configuration file (provisioning drops its kept settings on the change event).
 */
export class CmGroupService {
  constructor(private readonly deps: { store: Store; live: LiveEvents; logger: Logger }) {}

  list(): Promise<CmGroup[]> {
    return this.deps.store.cmGroups.list();
  }

  async get(name: string): Promise<CmGroup> {
    const group = await this.deps.store.cmGroups.get(name);
    if (!group) throw new NotFoundError(`Cisco Unified CM Group ${name} does not exist`);
    return group;
  }

  async create(given: {
    name: string;
    description?: string;
    members: string[];
    autoRegistration?: boolean;
  }): Promise<CmGroup> {
    const group: CmGroup = {
      name: given.name,
      description: given.description ?? '',
      members: given.members,
      autoRegistration: given.autoRegistration ?? false,
    };
    try {
      await this.deps.store.transaction(async (tx) => {
        // Locked (PostgreSQL): two groups ticked as auto-registration group at once on two nodes
        // cannot both keep the flag.
        const nodes = (await tx.nodes.lockAll()).map((n) => n.name);
        const problem = cmGroupProblem(group, nodes);
        if (problem) throw new ValidationError(problem);
        if (await tx.cmGroups.get(group.name))
          throw new ConflictError(`Cisco Unified CM Group ${group.name} already exists`, 'name');
        await tx.cmGroups.insert(group);
        if (group.autoRegistration) await tx.cmGroups.clearAutoRegistrationExcept(group.name);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`Cisco Unified CM Group ${group.name} already exists`, 'name');
      throw error;
    }
    this.changed(group, 'created');
    return this.get(group.name);
  }

  async update(name: string, changes: CmGroupChanges): Promise<{ before: CmGroup; after: CmGroup }> {
    const before = await this.deps.store.transaction(async (tx) => {
      const current = await tx.cmGroups.get(name);
      if (!current) throw new NotFoundError(`Cisco Unified CM Group ${name} does not exist`);
      const proposed: CmGroup = { ...current, ...definedOnly(changes) };
      const nodes = (await tx.nodes.lockAll()).map((n) => n.name);
      // Members that are not nodes any more (removed) may stay as they were; new ones must exist.
      const known = [...new Set([...nodes, ...current.members])];
      const problem = cmGroupProblem(proposed, known) ?? autoRegistrationFlagProblem(current, proposed);
      if (problem) throw new ValidationError(problem);
      await tx.cmGroups.update(proposed);
      if (proposed.autoRegistration) await tx.cmGroups.clearAutoRegistrationExcept(name);
      return current;
    });
    const after = await this.get(name);
    this.changed(after, 'changed');
    return { before, after };
  }

  async delete(name: string): Promise<CmGroup> {
    const deleted = await this.deps.store.transaction(async (tx) => {
      const group = await tx.cmGroups.get(name);
      if (!group) throw new NotFoundError(`Cisco Unified CM Group ${name} does not exist`);
      const problem = cmGroupDeletionProblem(group, await tx.devicePools.usingGroup(name));
      if (problem) throw new ValidationError(problem);
      await tx.cmGroups.delete(name);
      return group;
    });
    this.changed(deleted, 'deleted');
    return deleted;
  }

  private changed(group: CmGroup, how: string): void {
    this.deps.logger.info(
      { cmGroup: group.name, members: group.members, autoRegistration: group.autoRegistration },
      `Cisco Unified CM Group ${group.name} ${how} (${group.members.join(', ') || 'no members'}); phones get it with their next configuration file (reset them to apply it now)`,
    );
    this.deps.live.emit('configuration-changed', { what: 'cm-group', name: group.name });
  }
}

/** The fields given (undefined = left out). */
export function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}
