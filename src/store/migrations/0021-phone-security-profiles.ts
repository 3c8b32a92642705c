import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * System > Security > Phone Security Profile (issue #17): the table of profiles, with "Standard
 * Non-Secure Profile" (Non Secure, TCP+UDP) created here, and `devices.security_profile`, which
 * every existing device gets as that profile; `nodes.sip_tls_port`, announced at start like the
 * other ports. PostgreSQL: changes of either notify the other nodes
 * (openucm_config, as migration 0015's triggers do), so they see a profile change at once.
 */
export function phoneSecurityProfiles(context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('phone_security_profiles')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('device_security_mode', 'text', (c) => c.notNull().defaultTo('non-secure'))
        .addColumn('transport_type', 'text', (c) => c.notNull().defaultTo('tcp+udp'))
        .addColumn('media_encryption_fallback', 'text', (c) => c.notNull().defaultTo('refuse'))
        .execute();
      await sql`INSERT INTO phone_security_profiles
        (name, description, device_security_mode, transport_type, media_encryption_fallback)
        VALUES ('Standard Non-Secure Profile', 'Non Secure Profile, SIP over TCP or UDP', 'non-secure', 'tcp+udp', 'refuse')`.execute(
        db,
      );
      await db.schema
        .alterTable('devices')
        .addColumn('security_profile', 'text', (c) => c.notNull().defaultTo('Standard Non-Secure Profile'))
        .execute();
      await db.schema
        .createIndex('devices_security_profile')
        .on('devices')
        .column('security_profile')
        .execute();
      // Where each node listens for SIP over TLS (null: not at all): the securedSipPort of config files.
      await db.schema.alterTable('nodes').addColumn('sip_tls_port', 'integer').execute();
      if (context.flavor !== 'postgres') return;
      await sql
        .raw(
          'CREATE TRIGGER openucm_config_phone_security_profiles AFTER INSERT OR UPDATE OR DELETE ON phone_security_profiles ' +
            'FOR EACH ROW EXECUTE FUNCTION openucm_notify_config()',
        )
        .execute(db);
      await sql
        .raw(
          'CREATE TRIGGER openucm_config_devices_security_profile AFTER UPDATE OF security_profile ON devices ' +
            'FOR EACH ROW EXECUTE FUNCTION openucm_notify_config()',
        )
        .execute(db);
    },
  };
}
