import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Unified CM Groups and Device Pools (issue #16). A group lists up to three nodes in priority
 * order (`cm_group_members.priority` 0, 1, 2: primary first; a removed node leaves its groups);
 * exactly one group is the auto-registration group. A pool names its group; every device has a
 * pool, and each node names the pool its auto-registered phones get.
 *
 * Existing clusters get the pool "Default" with the group "Default", which is the
 * auto-registration group and lists the existing nodes, the first three by name: before this the
 * files listed every node with the rendering one first, so no order existed to keep; name order is
 * the one every node computes alike. Every existing device and node gets the pool "Default".
 */
export function cmGroupsDevicePools(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cm_groups')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('auto_registration', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('cm_group_members')
        .addColumn('group_name', 'text', (c) => c.notNull().references('cm_groups.name').onDelete('cascade'))
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('node_name', 'text', (c) => c.notNull().references('nodes.name').onDelete('cascade'))
        .addPrimaryKeyConstraint('cm_group_members_pk', ['group_name', 'priority'])
        .addUniqueConstraint('cm_group_members_node', ['group_name', 'node_name'])
        .execute();
      await db.schema
        .createTable('device_pools')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('cm_group', 'text', (c) => c.notNull().references('cm_groups.name'))
        .execute();
      await db.schema.createIndex('device_pools_cm_group').on('device_pools').column('cm_group').execute();
      await db.schema
        .alterTable('devices')
        .addColumn('device_pool', 'text', (c) => c.notNull().defaultTo('Default'))
        .execute();
      await db.schema.createIndex('devices_device_pool').on('devices').column('device_pool').execute();
      await db.schema
        .alterTable('nodes')
        .addColumn('auto_registration_pool', 'text', (c) => c.notNull().defaultTo('Default'))
        .execute();

      await sql`INSERT INTO cm_groups (name, description, auto_registration)
        VALUES ('Default', 'Created with the cluster', 1)`.execute(db);
      const nodes = await sql<{ name: string }>`SELECT name FROM nodes ORDER BY name LIMIT 3`.execute(db);
      for (const [priority, node] of nodes.rows.entries()) {
        await sql`INSERT INTO cm_group_members (group_name, priority, node_name)
          VALUES ('Default', ${priority}, ${node.name})`.execute(db);
      }
      await sql`INSERT INTO device_pools (name, description, cm_group)
        VALUES ('Default', 'Created with the cluster', 'Default')`.execute(db);
    },
  };
}
