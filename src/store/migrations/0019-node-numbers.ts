import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Each node gets a number (issue #16): the globalCallID_callManagerId of its CDRs, so that the
 * records of a cluster never collide on (callManagerId, callId). Nodes already stored are numbered
 * 1, 2, … in the order of their names; a new node takes the next free one when it first starts.
 */
export function nodeNumbers(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('nodes').addColumn('number', 'integer').execute();
      await sql`UPDATE nodes SET number = (SELECT count(*) FROM nodes AS earlier WHERE earlier.name <= nodes.name)`.execute(
        db,
      );
      await db.schema.createIndex('nodes_number').on('nodes').column('number').unique().execute();
    },
  };
}
