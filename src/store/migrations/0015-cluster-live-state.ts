import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { MigrationContext } from './context.js';
import {
  CONFIG_NOTIFY_FUNCTION,
  CONFIG_VERSION_SEQUENCE,
  CONFIGURATION_TRIGGERS,
} from '../cluster-objects.js';

/**
 * Cluster live state (issue #16):
 * - `nodes.down_at`: when another node declared this one down (its heartbeat went silent); null
 *   while it beats. A node that finds it set re-asserts the statuses of its phones.
 * - an index on `devices (status_node, status)` for the reaper, which unregisters a dead node's phones.
 * - PostgreSQL only: a trigger on every configuration table that node caches read sends
 *   `pg_notify('openucm_config', …)` in the writing transaction (delivered only if it commits), with
 *   a cluster-wide version from a sequence. SQLite is one node: its services tell their own
 *   LiveEvents after the commit, as before.
 */
export function clusterLiveState(context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('nodes').addColumn('down_at', 'text').execute();
      await db.schema
        .createIndex('devices_status_node_idx')
        .on('devices')
        .columns(['status_node', 'status'])
        .execute();
      if (context.flavor !== 'postgres') return;
      await sql.raw(`CREATE SEQUENCE ${CONFIG_VERSION_SEQUENCE}`).execute(db);
      await sql.raw(CONFIG_NOTIFY_FUNCTION).execute(db);
      for (const t of CONFIGURATION_TRIGGERS)
        await sql
          .raw(
            `CREATE TRIGGER openucm_config_${t.table} AFTER ${t.events} ON ${t.table} ` +
              `FOR EACH ROW EXECUTE FUNCTION openucm_notify_config()`,
          )
          .execute(db);
    },
  };
}
