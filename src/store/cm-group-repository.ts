import type { CmGroup } from '../core/cm-group.js';
import { DEFAULT_CM_GROUP, MAX_CM_GROUP_MEMBERS } from '../core/cm-group.js';
import type { Executor } from './executor.js';

/** System > Cisco Unified CM Group: groups and their ordered members. */
export class CmGroupRepository {
  constructor(private readonly db: Executor) {}

  /** Every group with its members in priority order, by name. */
  async list(): Promise<CmGroup[]> {
    const [groups, members] = await Promise.all([
      this.db.selectFrom('cm_groups').selectAll().orderBy('name').execute(),
      this.db.selectFrom('cm_group_members').selectAll().orderBy('group_name').orderBy('priority').execute(),
    ]);
    return groups.map((g) => ({
      name: g.name,
      description: g.description,
      autoRegistration: g.auto_registration === 1,
      members: members.filter((m) => m.group_name === g.name).map((m) => m.node_name),
    }));
  }

  async get(name: string): Promise<CmGroup | null> {
    const row = await this.db.selectFrom('cm_groups').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    const members = await this.db
      .selectFrom('cm_group_members')
      .select('node_name')
      .where('group_name', '=', name)
      .orderBy('priority')
      .execute();
    return {
      name: row.name,
      description: row.description,
      autoRegistration: row.auto_registration === 1,
      members: members.map((m) => m.node_name),
    };
  }

  /** Creates a group (checked by core/cm-group before); a name taken throws a unique violation. */
  async insert(group: CmGroup): Promise<void> {
    await this.db
      .insertInto('cm_groups')
      .values({
        name: group.name,
        description: group.description,
        auto_registration: group.autoRegistration ? 1 : 0,
      })
      .execute();
    await this.writeMembers(group.name, group.members);
  }

  /** Replaces a group's description, flag and members. */
  async update(group: CmGroup): Promise<void> {
    await this.db
      .updateTable('cm_groups')
      .set({ description: group.description, auto_registration: group.autoRegistration ? 1 : 0 })
      .where('name', '=', group.name)
      .execute();
    await this.db.deleteFrom('cm_group_members').where('group_name', '=', group.name).execute();
    await this.writeMembers(group.name, group.members);
  }

  private async writeMembers(name: string, members: readonly string[]): Promise<void> {
    if (members.length === 0) return;
    await this.db
      .insertInto('cm_group_members')
      .values(members.map((node, priority) => ({ group_name: name, priority, node_name: node })))
      .execute();
  }

  /** Takes the auto-registration flag off every group but `keep` (exactly one group carries it). */
  async clearAutoRegistrationExcept(keep: string): Promise<void> {
    await this.db
      .updateTable('cm_groups')
      .set({ auto_registration: 0 })
      .where('name', '!=', keep)
      .where('auto_registration', '=', 1)
      .execute();
  }

  async delete(name: string): Promise<void> {
    await this.db.deleteFrom('cm_group_members').where('group_name', '=', name).execute();
    await this.db.deleteFrom('cm_groups').where('name', '=', name).execute();
  }

  /**
   * A node seen for the first time joins the Default group while it has room (fewer than three
   * members), so that a fresh install's phones have a call manager without any set-up. Two nodes
   * joining at once may take the same place: the later one stays out (it can be added by hand).
   */
  async adoptNode(node: string): Promise<void> {
    const members = await this.db
      .selectFrom('cm_group_members')
      .select(['node_name', 'priority'])
      .where('group_name', '=', DEFAULT_CM_GROUP)
      .execute();
    const exists = await this.db
      .selectFrom('cm_groups')
      .select('name')
      .where('name', '=', DEFAULT_CM_GROUP)
      .executeTakeFirst();
    if (!exists || members.length >= MAX_CM_GROUP_MEMBERS || members.some((m) => m.node_name === node))
      return;
    const priority = members.reduce((max, m) => Math.max(max, m.priority + 1), 0);
    await this.db
      .insertInto('cm_group_members')
      .values({ group_name: DEFAULT_CM_GROUP, priority, node_name: node })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
