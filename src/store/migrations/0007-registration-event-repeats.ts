import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Folded refusals and retention: a registration event stands for `attempt_count` identical
 * refusals (same device, reason and source IP within a minute) until `last_at`, updated in place
 * by its `repeat_key`; `source_ip` lets the dashboard name the sources of a flood. The audit log
 * gets an index on its time, which retention deletes by.
 */
export function registrationEventRepeats(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // SQLite adds one column per ALTER TABLE.
      await db.schema
        .alterTable('registration_events')
        .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('registration_events').addColumn('last_at', 'text').execute();
      await db.schema.alterTable('registration_events').addColumn('repeat_key', 'text').execute();
      await db.schema.alterTable('registration_events').addColumn('source_ip', 'text').execute();
      // Unique: a count update finds its event (ON CONFLICT); NULLs (events never folded) never collide.
      await db.schema
        .createIndex('registration_events_repeat_key')
        .unique()
        .on('registration_events')
        .column('repeat_key')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  };
}
