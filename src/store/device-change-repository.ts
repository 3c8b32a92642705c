import type { Line } from '../core/device.js';
import { lineValues } from './device-repository.js';
import type { Executor } from './executor.js';

/**
 * The writes of Device > Phone edits by hand: description, Phone Load Name, and lines. Shared
 * lines are allowed (as in CUCM): a DN may sit on lines of several devices.
 */
export class DeviceChangeRepository {
  constructor(private readonly db: Executor) {}

  /** Creates the directory numbers that do not exist yet (existing ones are shared, not refused). */
  async ensureDns(dns: string[], now: Date): Promise<void> {
    if (dns.length === 0) return;
    await this.db
      .insertInto('directory_numbers')
      .values(dns.map((dn) => ({ dn, created_at: now.toISOString() })))
      .onConflict((oc) => oc.column('dn').doNothing())
      .execute();
  }

  async updateFields(
    name: string,
    fields: { description?: string; loadId?: string | null; devicePool?: string; securityProfile?: string },
  ): Promise<void> {
    const set: {
      description?: string;
      load_id?: string | null;
      device_pool?: string;
      security_profile?: string;
    } = {};
    if (fields.description !== undefined) set.description = fields.description;
    if (fields.loadId !== undefined) set.load_id = fields.loadId;
    if (fields.devicePool !== undefined) set.device_pool = fields.devicePool;
    if (fields.securityProfile !== undefined) set.security_profile = fields.securityProfile;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('devices').set(set).where('name', '=', name).execute();
  }

  /** Replaces the device's lines (their DNs must exist: see ensureDns). */
  async replaceLines(name: string, lines: Line[]): Promise<void> {
    await this.db.deleteFrom('lines').where('device_name', '=', name).execute();
    if (lines.length === 0) return;
    await this.db
      .insertInto('lines')
      .values(lines.map((l) => lineValues(name, l)))
      .execute();
  }

  /** Deletes those of `dns` that no line uses any more; returns the ones deleted. */
  async deleteUnusedDns(dns: string[]): Promise<string[]> {
    if (dns.length === 0) return [];
    const used = await this.db.selectFrom('lines').select('dn').distinct().where('dn', 'in', dns).execute();
    const usedSet = new Set(used.map((r) => r.dn));
    const unused = dns.filter((dn) => !usedSet.has(dn));
    if (unused.length > 0) await this.db.deleteFrom('directory_numbers').where('dn', 'in', unused).execute();
    return unused;
  }

  /** The devices (other than `except`) that have a line on each of `dns`. */
  async holders(dns: string[], except: string): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (dns.length === 0) return map;
    const rows = await this.db
      .selectFrom('lines')
      .select(['dn', 'device_name'])
      .where('dn', 'in', dns)
      .where('device_name', '!=', except)
      .orderBy('device_name')
      .execute();
    for (const r of rows) map.set(r.dn, [...(map.get(r.dn) ?? []), r.device_name]);
    return map;
  }
}
