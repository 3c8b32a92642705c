import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * Bulk Administration jobs (Migrate Phones) and their items, one per phone: persisted so that
 * a job survives a restart of its node and resumes each phone at the step it had reached.
 */
export function bulkJobs(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('bulk_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        // The node that runs the job: phones are reset through the node they are registered with.
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        // JSON: direction, selection, timeouts, concurrency, switchAutoRegistrationProtocol …
        .addColumn('options', 'text', (c) => c.notNull())
        // JSON: what the job noted on the way (the parameter switch, warnings at creation).
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('bulk_jobs_status').on('bulk_jobs').columns(['node', 'status']).execute();
      await db.schema
        .createTable('bulk_job_items')
        .addColumn('job_id', 'text', (c) => c.notNull().references('bulk_jobs.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        // No foreign key to devices: the report outlives a phone deleted later.
        .addColumn('device_name', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        // JSON PhonePlan (core/migration): the lines, loads and steps of this phone.
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addPrimaryKeyConstraint('bulk_job_items_pk', ['job_id', 'device_name'])
        .execute();
      await db.schema
        .createIndex('bulk_job_items_position')
        .on('bulk_job_items')
        .columns(['job_id', 'position'])
        .execute();
      await db.schema
        .createIndex('bulk_job_items_device')
        .on('bulk_job_items')
        .column('device_name')
        .execute();
    },
  };
}
