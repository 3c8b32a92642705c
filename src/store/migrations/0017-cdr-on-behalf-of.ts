import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Transfers and conferences in CDRs (issue #15): CUCM's OnBehalfOf fields (why each side ended, why
 * the call was redirected, what joined it), destConversationID (the conference of a party) and the
 * comment field (the conference controller). Records written before keep 0 and ''.
 */
export function cdrOnBehalfOf(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const column of [
        'origCallTerminationOnBehalfOf',
        'destCallTerminationOnBehalfOf',
        'origCalledPartyRedirectOnBehalfOf',
        'lastRedirectRedirectOnBehalfOf',
        'joinOnBehalfOf',
      ]) {
        await db.schema
          .alterTable('call_detail_records')
          .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      }
      await db.schema
        .alterTable('call_detail_records')
        .addColumn('destConversationId', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('call_detail_records')
        .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    },
  };
}
