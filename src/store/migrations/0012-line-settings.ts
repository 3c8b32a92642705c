import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Line settings (issue #15): per line appearance its Display (Caller ID), Line Text Label, Maximum
 * Number of Calls and Busy Trigger (CUCM 7960 defaults 2/2); per directory number its forwards
 * (null = off) and Call Pickup Group number (null = none); per device Do Not Disturb (0/1).
 */
export function lineSettings(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('lines')
        .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('lines')
        .addColumn('text_label', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('lines')
        .addColumn('max_calls', 'integer', (c) => c.notNull().defaultTo(2))
        .execute();
      await db.schema
        .alterTable('lines')
        .addColumn('busy_trigger', 'integer', (c) => c.notNull().defaultTo(2))
        .execute();
      for (const column of ['forward_all', 'forward_busy', 'forward_no_answer', 'pickup_group']) {
        await db.schema.alterTable('directory_numbers').addColumn(column, 'text').execute();
      }
      await db.schema
        .alterTable('devices')
        .addColumn('dnd', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
