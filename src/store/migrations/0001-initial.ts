import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/** Nodes, enterprise parameters, devices, lines, directory numbers, registration events, users. */
export function initial({ flavor }: MigrationContext): Migration {
  const idType = flavor === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('enterprise_parameters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('nodes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('auto_registration_enabled', 'integer', (c) => c.notNull())
        .addColumn('starting_dn', 'text', (c) => c.notNull())
        .addColumn('ending_dn', 'text', (c) => c.notNull())
        .addColumn('auto_registration_changed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('devices')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('load_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_node', 'text')
        .addColumn('ip_address', 'text')
        .addColumn('active_load_id', 'text')
        .addColumn('status_changed_at', 'text')
        .execute();
      for (const column of ['model', 'protocol', 'status', 'ip_address']) {
        await db.schema.createIndex(`devices_${column}`).on('devices').column(column).execute();
      }
      // The primary key on dn is what guarantees that two phones never get the same number.
      await db.schema
        .createTable('directory_numbers')
        .addColumn('dn', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('lines')
        .addColumn('device_name', 'text', (c) => c.notNull().references('devices.name').onDelete('cascade'))
        .addColumn('line_index', 'integer', (c) => c.notNull())
        .addColumn('dn', 'text', (c) => c.notNull().references('directory_numbers.dn'))
        .addPrimaryKeyConstraint('lines_pk', ['device_name', 'line_index'])
        .execute();
      await db.schema.createIndex('lines_dn').on('lines').column('dn').execute();
      await db.schema
        .createTable('registration_events')
        .addColumn('id', idType, (c) =>
          flavor === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('device_name', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('remedy', 'text')
        .execute();
      await db.schema
        .createIndex('registration_events_device')
        .on('registration_events')
        .column('device_name')
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
