import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import type { Flavor } from '../database.js';
import type { MigrationContext } from './context.js';
import { initial } from './0001-initial.js';
import { sipCredentials } from './0002-sip-credentials.js';
import { provisioning } from './0003-provisioning.js';
import { admin } from './0004-admin.js';
import { bulkJobs } from './0005-bulk-jobs.js';
import { nodeHeartbeat } from './0006-node-heartbeat.js';
import { registrationEventRepeats } from './0007-registration-event-repeats.js';
import { sipCredentialSecrets } from './0008-sip-credential-secrets.js';
import { sipPasswordHandouts } from './0009-sip-password-handouts.js';
import { autoRegistrationGuard } from './0010-auto-registration-guard.js';
import { callDetailRecords } from './0011-call-detail-records.js';
import { cdrOnBehalfOf } from './0017-cdr-on-behalf-of.js';
import { cdrRedirectReasons } from './0013-cdr-redirect-reasons.js';
import { lineSettings } from './0012-line-settings.js';
import { cmGroupsDevicePools } from './0014-cm-groups-device-pools.js';
import { clusterLiveState } from './0015-cluster-live-state.js';
import { bulkJobLeases } from './0016-bulk-job-leases.js';
import { nodeNumbers } from './0019-node-numbers.js';
import { phoneSecurityProfiles } from './0021-phone-security-profiles.js';
import { cdrCallSecuredStatus } from './0022-cdr-call-secured-status.js';

// One file per migration, named NNNN-what.ts; add new ones at the end. Migrations take
// Kysely<unknown>: they must not depend on the current schema types.
const MIGRATIONS: Record<string, (c: MigrationContext) => Migration> = {
  '0001-initial': initial,
  '0002-sip-credentials': sipCredentials,
  '0003-provisioning': provisioning,
  '0004-admin': admin,
  '0005-bulk-jobs': bulkJobs,
  '0006-node-heartbeat': nodeHeartbeat,
  '0007-registration-event-repeats': registrationEventRepeats,
  '0008-sip-credential-secrets': sipCredentialSecrets,
  '0009-sip-password-handouts': sipPasswordHandouts,
  '0010-auto-registration-guard': autoRegistrationGuard,
  '0011-call-detail-records': callDetailRecords,
  '0012-line-settings': lineSettings,
  '0013-cdr-redirect-reasons': cdrRedirectReasons,
  '0014-cm-groups-device-pools': cmGroupsDevicePools,
  '0015-cluster-live-state': clusterLiveState,
  '0016-bulk-job-leases': bulkJobLeases,
  '0017-cdr-on-behalf-of': cdrOnBehalfOf,
  '0019-node-numbers': nodeNumbers,
  '0021-phone-security-profiles': phoneSecurityProfiles,
  '0022-cdr-call-secured-status': cdrCallSecuredStatus,
};

/** The migrations this version of openucm knows: a backup made by a newer one may need others. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

/** Every migration, for Kysely's Migrator (tests bring a store to an older version with it). */
export function migrationProvider(flavor: Flavor): MigrationProvider {
  return {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(MIGRATIONS).map(([name, m]) => [name, m({ flavor })])),
  };
}

/** Brings the schema to the latest version; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>, flavor: Flavor): Promise<void> {
  const provider = migrationProvider(flavor);
  // Parallel branches add migrations independently; their order of arrival may differ from their names.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${detail}`);
  }
}
