import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * SIP passwords the phones' configuration files must carry, sealed with the node's secret key
 * (AES-256-GCM; the key is never in the database), and when the credentials last changed.
 * Verification still uses only the HA1 values.
 */
export function sipCredentialSecrets(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('sip_credentials').addColumn('password_sealed', 'text').execute();
      await db.schema.alterTable('sip_credentials').addColumn('updated_at', 'text').execute();
    },
  };
}
