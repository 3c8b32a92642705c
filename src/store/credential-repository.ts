import { sql } from 'kysely';
import type { Executor } from './executor.js';
import { paddedInList } from './in-list.js';
import type { Schema } from './schema.js';

/**
 * A device's SIP digest credentials (sip_credentials): the digest user, its HA1 values (what
 * verification uses) and the password sealed with the node's secret key (what the phone's
 * configuration file carries).
 */
export interface SipCredential {
  deviceName: string;
  username: string;
  realm: string;
  ha1Md5: string;
  ha1Sha256: string;
  /** SecretBox.seal(password); null for credentials stored before passwords were kept. */
  passwordSealed: string | null;
  /** When they were last set (ISO-8601). */
  updatedAt: string;
}

function toCredential(row: Schema['sip_credentials']): SipCredential {
  return {
    deviceName: row.device_name,
    username: row.username,
    realm: row.realm,
    ha1Md5: row.ha1_md5,
    ha1Sha256: row.ha1_sha256,
    passwordSealed: row.password_sealed,
    updatedAt: row.updated_at ?? row.created_at,
  };
}

/** A password a migrate job generated, until it is collected. */
export interface PasswordHandout {
  jobId: string;
  deviceName: string;
  username: string;
  /** SecretBox.seal(password). */
  passwordSealed: string;
  createdAt: string;
}

/** SIP digest credentials, one per device; the user name is unique across devices. */
export class CredentialRepository {
  constructor(private readonly db: Executor) {}

  async byDevice(deviceName: string): Promise<SipCredential | null> {
    const row = await this.db
      .selectFrom('sip_credentials')
      .selectAll()
      .where('device_name', '=', deviceName)
      .executeTakeFirst();
    return row ? toCredential(row) : null;
  }

  /** The credentials of those of `deviceNames` (at most a few hundred) that have some, by device name. */
  async byDevices(deviceNames: readonly string[]): Promise<Map<string, SipCredential>> {
    const found = new Map<string, SipCredential>();
    if (deviceNames.length === 0) return found;
    const rows = await this.db
      .selectFrom('sip_credentials')
      .selectAll()
      .where('device_name', 'in', paddedInList(deviceNames))
      .execute();
    for (const row of rows) found.set(row.device_name, toCredential(row));
    return found;
  }

  /** The credentials of those of `usernames` (at most a few hundred) that some device has, by user name. */
  async byUsernames(usernames: readonly string[]): Promise<Map<string, SipCredential>> {
    const found = new Map<string, SipCredential>();
    if (usernames.length === 0) return found;
    const rows = await this.db
      .selectFrom('sip_credentials')
      .selectAll()
      .where('username', 'in', paddedInList(usernames))
      .execute();
    for (const row of rows) found.set(row.username, toCredential(row));
    return found;
  }

  async byUsername(username: string): Promise<SipCredential | null> {
    const row = await this.db
      .selectFrom('sip_credentials')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row ? toCredential(row) : null;
  }

  /**
   * Sets (or replaces) the credentials of `credential.deviceName`; a user name another device has
   * fails with a unique violation. Run it in a transaction: it deletes, then inserts.
   */
  async set(credential: Omit<SipCredential, 'updatedAt'>, now: Date): Promise<void> {
    await this.db.deleteFrom('sip_credentials').where('device_name', '=', credential.deviceName).execute();
    await this.db
      .insertInto('sip_credentials')
      .values({
        username: credential.username,
        device_name: credential.deviceName,
        realm: credential.realm,
        ha1_md5: credential.ha1Md5,
        ha1_sha256: credential.ha1Sha256,
        password_sealed: credential.passwordSealed,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .execute();
  }

  /** Removes the device's credentials; false when it had none. */
  async remove(deviceName: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('sip_credentials')
      .where('device_name', '=', deviceName)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** How many SIP devices have no credentials (they register without a password while that is allowed). */
  async countSipDevicesWithout(): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .leftJoin('sip_credentials', 'sip_credentials.device_name', 'devices.name')
      .where('devices.protocol', '=', 'SIP')
      .where('sip_credentials.device_name', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many sealed passwords name each secret key id (SecretBox's `v1:<id>:…`). */
  async sealedPasswordsByKey(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('sip_credentials')
      .where('password_sealed', 'is not', null)
      .select([
        sql<string>`substr(password_sealed, 4, 8)`.as('key_id'),
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .groupBy(sql`substr(password_sealed, 4, 8)`)
      .execute();
    return new Map(rows.map((r) => [r.key_id, Number(r.n)]));
  }

  async addHandout(handout: PasswordHandout): Promise<void> {
    await this.db
      .insertInto('sip_password_handouts')
      .values({
        job_id: handout.jobId,
        device_name: handout.deviceName,
        username: handout.username,
        password_sealed: handout.passwordSealed,
        created_at: handout.createdAt,
      })
      .execute();
  }

  /** Forgets the device's generated passwords not collected yet (its credentials changed since). */
  async dropHandouts(deviceName: string): Promise<void> {
    await this.db.deleteFrom('sip_password_handouts').where('device_name', '=', deviceName).execute();
  }

  /** The job's passwords not collected yet, by device name; removes them (run it in a transaction). */
  async takeHandouts(jobId: string): Promise<PasswordHandout[]> {
    const rows = await this.db
      .selectFrom('sip_password_handouts')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('device_name')
      .execute();
    await this.db.deleteFrom('sip_password_handouts').where('job_id', '=', jobId).execute();
    return rows.map((r) => ({
      jobId: r.job_id,
      deviceName: r.device_name,
      username: r.username,
      passwordSealed: r.password_sealed,
      createdAt: r.created_at,
    }));
  }

  /** How many passwords of the job wait to be collected. */
  async countHandouts(jobId: string): Promise<number> {
    const row = await this.db
      .selectFrom('sip_password_handouts')
      .where('job_id', '=', jobId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
