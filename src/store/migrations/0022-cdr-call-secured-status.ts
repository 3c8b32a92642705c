import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * SRTP keys end to end (issue #17): CUCM's callSecuredStatus, 2 when a call's media was encrypted
 * phone to phone, 0 otherwise. Records written before keep 0.
 */
export function cdrCallSecuredStatus(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('call_detail_records')
        .addColumn('callSecuredStatus', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
