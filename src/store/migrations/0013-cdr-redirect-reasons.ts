import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Forwarded calls (issue #15): CUCM's origCalledPartyRedirectReason and lastRedirectRedirectReason
 * (15 forward all, 1 busy, 2 no answer; 0 not forwarded) beside lastRedirectDn. Records written
 * before keep 0.
 */
export function cdrRedirectReasons(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const column of ['origCalledPartyRedirectReason', 'lastRedirectRedirectReason']) {
        await db.schema
          .alterTable('call_detail_records')
          .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      }
    },
  };
}
