import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Passwords a migrate job generated, waiting to be collected once by an administrator (sealed
 * with the node's secret key); collecting them deletes them.
 */
export function sipPasswordHandouts(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sip_password_handouts')
        .addColumn('job_id', 'text', (c) => c.notNull().references('bulk_jobs.id').onDelete('cascade'))
        .addColumn('device_name', 'text', (c) => c.notNull().references('devices.name').onDelete('cascade'))
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('password_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sip_password_handouts_pk', ['job_id', 'device_name'])
        .execute();
    },
  };
}
