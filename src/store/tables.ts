import type { Schema } from './schema.js';

/**
 * Every table of the schema, by name; the compiler keeps the list complete (a table added to
 * Schema must be added here). A restore into PostgreSQL drops these before it loads a backup.
 */
const SCHEMA_TABLES = {
  enterprise_parameters: true,
  nodes: true,
  devices: true,
  directory_numbers: true,
  lines: true,
  registration_events: true,
  device_defaults: true,
  users: true,
  sessions: true,
  api_keys: true,
  audit_log: true,
  admin_settings: true,
  bulk_jobs: true,
  bulk_job_items: true,
  sip_credentials: true,
  sip_password_handouts: true,
  pending_phones: true,
  call_detail_records: true,
  cm_groups: true,
  cm_group_members: true,
  device_pools: true,
  phone_security_profiles: true,
} satisfies Record<keyof Schema, true>;

/** The schema's tables and Kysely's migration bookkeeping: everything openucm keeps in its database. */
export const OPENUCM_TABLES: readonly string[] = [
  ...Object.keys(SCHEMA_TABLES),
  'kysely_migration',
  'kysely_migration_lock',
];
