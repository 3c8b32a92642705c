import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Administration: browser sessions, API keys, the audit log, administration settings, the
 * sign-in lock-out counters of users, and the indexes the UI's lists and dashboard read by.
 */
export function admin({ flavor }: MigrationContext): Migration {
  const idType = flavor === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('users').addColumn('locked_until', 'text').execute();

      // Only the SHA-256 of a session token is stored: a copy of the table opens no session.
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_name', 'text', (c) => c.notNull().references('users.name').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_name').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_name', 'text', (c) => c.notNull().references('users.name').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();

      // No foreign key to users: the trail outlives the accounts it names.
      await db.schema
        .createTable('audit_log')
        .addColumn('id', idType, (c) =>
          flavor === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('target_name', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_target')
        .on('audit_log')
        .columns(['target', 'target_name'])
        .execute();

      await db.schema
        .createTable('admin_settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      // The dashboard's chart reads the last hour of the registration log.
      await db.schema.createIndex('registration_events_at').on('registration_events').column('at').execute();

      // Device > Phone pages through 100,000 phones sorted by a column with the name as tie-breaker,
      // or filtered by one: (column, name) serves both without sorting the table (bench/ui/phone-list.ts).
      // These replace the single-column indexes of 0001, whose lookups they also serve.
      for (const column of ['model', 'protocol', 'status', 'ip_address']) {
        await db.schema.dropIndex(`devices_${column}`).execute();
        await db.schema
          .createIndex(`devices_${column}_name`)
          .on('devices')
          .columns([column, 'name'])
          .execute();
      }
      await db.schema
        .createIndex('devices_description_name')
        .on('devices')
        .columns(['description', 'name'])
        .execute();
      await db.schema
        .createIndex('devices_node_status_name')
        .on('devices')
        .columns(['status_node', 'status', 'name'])
        .execute();
    },
  };
}
