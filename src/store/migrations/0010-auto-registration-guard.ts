import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * The auto-registration guard of each node (JSON of core/auto-registration-guard; null: open, as
 * before), and the unknown phones waiting for an administrator's approval (Device > Pending
 * Phones): one row per device name across the cluster, `state` pending, accepted or refused.
 */
export function autoRegistrationGuard(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('nodes').addColumn('auto_registration_guard', 'text').execute();
      await db.schema
        .createTable('pending_phones')
        .addColumn('device_name', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .execute();
      // The page lists by state, oldest first; the queue's bound counts the pending ones.
      await db.schema
        .createIndex('pending_phones_state')
        .on('pending_phones')
        .columns(['state', 'first_seen_at'])
        .execute();
    },
  };
}
