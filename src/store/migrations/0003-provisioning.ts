import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Provisioning: where each node listens (so config files can list the call managers of the
 * cluster), and Device Defaults per model and protocol.
 */
export function provisioning(_: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('nodes').addColumn('address', 'text').execute();
      await db.schema.alterTable('nodes').addColumn('sccp_port', 'integer').execute();
      await db.schema.alterTable('nodes').addColumn('sip_port', 'integer').execute();
      await db.schema
        .createTable('device_defaults')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('load_id', 'text')
        .addColumn('device_pool', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('device_defaults_pk', ['model', 'protocol'])
        .execute();
    },
  };
}
