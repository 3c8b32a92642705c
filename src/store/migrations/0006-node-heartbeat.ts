import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * A running node's heartbeat: when it last said it is alive (ISO-8601; null once it stopped
 * cleanly). `openucm restore` reads it to refuse overwriting the store of a running node.
 */
export function nodeHeartbeat(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('nodes').addColumn('heartbeat_at', 'text').execute();
    },
  };
}
