import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * One runner per bulk job (cluster.md §3.a): the node that runs a job holds a lease on it
 * (`runner`, `lease_until`, renewed while it runs); when the lease runs out (its node died) any
 * node takes the job over and resumes it from its stored items. Jobs stored before keep their
 * creating node as runner, with no lease: the first node to look may take them.
 */
export function bulkJobLeases(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('bulk_jobs').addColumn('runner', 'text').execute();
      // ISO-8601 UTC (toISOString): compared as text, like every other time column.
      await db.schema.alterTable('bulk_jobs').addColumn('lease_until', 'text').execute();
      await sql`UPDATE bulk_jobs SET runner = node`.execute(db);
    },
  };
}
