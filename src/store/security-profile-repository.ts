import type {
  DeviceSecurityMode,
  MediaEncryptionFallback,
  PhoneSecurityProfile,
  SecurityTransport,
} from '../core/phone-security-profile.js';
import type { Executor } from './executor.js';
import type { Schema } from './schema.js';

function toProfile(row: Schema['phone_security_profiles']): PhoneSecurityProfile {
  return {
    name: row.name,
    description: row.description,
    deviceSecurityMode: row.device_security_mode as DeviceSecurityMode,
    transportType: row.transport_type as SecurityTransport,
    mediaEncryptionFallback: row.media_encryption_fallback as MediaEncryptionFallback,
  };
}

function toRow(p: PhoneSecurityProfile): Schema['phone_security_profiles'] {
  return {
    name: p.name,
    description: p.description,
    device_security_mode: p.deviceSecurityMode,
    transport_type: p.transportType,
    media_encryption_fallback: p.mediaEncryptionFallback,
  };
}

/** System > Security > Phone Security Profile, and which devices use each. */
export class SecurityProfileRepository {
  constructor(private readonly db: Executor) {}

  async list(): Promise<PhoneSecurityProfile[]> {
    const rows = await this.db.selectFrom('phone_security_profiles').selectAll().orderBy('name').execute();
    return rows.map(toProfile);
  }

  async get(name: string): Promise<PhoneSecurityProfile | null> {
    const row = await this.db
      .selectFrom('phone_security_profiles')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toProfile(row) : null;
  }

  /** Creates a profile (checked by core before); a name taken throws a unique violation. */
  async insert(profile: PhoneSecurityProfile): Promise<void> {
    await this.db.insertInto('phone_security_profiles').values(toRow(profile)).execute();
  }

  async update(profile: PhoneSecurityProfile): Promise<void> {
    const { name: _name, ...set } = toRow(profile);
    await this.db.updateTable('phone_security_profiles').set(set).where('name', '=', profile.name).execute();
  }

  async delete(name: string): Promise<void> {
    await this.db.deleteFrom('phone_security_profiles').where('name', '=', name).execute();
  }

  /** How many devices have profile `name`. */
  async deviceCount(name: string): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('security_profile', '=', name)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The profile name of device `device`, or null when there is no such device. */
  async ofDevice(device: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('devices')
      .select('security_profile')
      .where('name', '=', device)
      .executeTakeFirst();
    return row ? row.security_profile : null;
  }

  /** Sets the profile of one device. */
  async setOfDevice(device: string, profile: string): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ security_profile: profile })
      .where('name', '=', device)
      .execute();
  }
}
