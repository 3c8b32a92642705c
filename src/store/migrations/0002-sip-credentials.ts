import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/**
 * SIP digest credentials of devices: the digest user name (unique: it identifies third-party
 * phones) and H(username:realm:password) for MD5 and SHA-256 (RFC 8760), never the password.
 */
export function sipCredentials(_context: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sip_credentials')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('device_name', 'text', (c) =>
          c.notNull().unique().references('devices.name').onDelete('cascade'),
        )
        .addColumn('realm', 'text', (c) => c.notNull())
        .addColumn('ha1_md5', 'text', (c) => c.notNull())
        .addColumn('ha1_sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
