import type { Updateable } from 'kysely';
import type { DnFeatures } from '../core/line-settings.js';
import type { Executor } from './executor.js';
import type { Schema } from './schema.js';

const FEATURE_COLUMNS = {
  forwardAll: 'forward_all',
  forwardBusy: 'forward_busy',
  forwardNoAnswer: 'forward_no_answer',
  pickupGroup: 'pickup_group',
} as const satisfies Record<keyof DnFeatures, keyof Schema['directory_numbers']>;

/**
 * The call features of directory numbers (forwards, pickup group) and each device's Do Not
 * Disturb. A line appearance's own settings (display name, label, max calls, busy trigger) are
 * written with the line (DeviceRepository, DeviceChangeRepository).
 */
export class LineSettingRepository {
  constructor(private readonly db: Executor) {}

  /** The features of every DN that has one set (the others have NO_DN_FEATURES), by DN. */
  async allDnFeatures(): Promise<Map<string, DnFeatures>> {
    const rows = await this.db
      .selectFrom('directory_numbers')
      .select(['dn', 'forward_all', 'forward_busy', 'forward_no_answer', 'pickup_group'])
      .where((eb) =>
        eb.or([
          eb('forward_all', 'is not', null),
          eb('forward_busy', 'is not', null),
          eb('forward_no_answer', 'is not', null),
          eb('pickup_group', 'is not', null),
        ]),
      )
      .execute();
    return new Map(
      rows.map((r) => [
        r.dn,
        {
          forwardAll: r.forward_all,
          forwardBusy: r.forward_busy,
          forwardNoAnswer: r.forward_no_answer,
          pickupGroup: r.pickup_group,
        },
      ]),
    );
  }

  /** Sets the features given (others keep their value); returns false when the DN does not exist. */
  async setDnFeatures(dn: string, features: Partial<DnFeatures>): Promise<boolean> {
    const set: Updateable<Schema['directory_numbers']> = {};
    for (const key of Object.keys(FEATURE_COLUMNS) as (keyof DnFeatures)[]) {
      const value = features[key];
      if (value !== undefined) set[FEATURE_COLUMNS[key]] = value;
    }
    if (Object.keys(set).length === 0) {
      const row = await this.db
        .selectFrom('directory_numbers')
        .select('dn')
        .where('dn', '=', dn)
        .executeTakeFirst();
      return row !== undefined;
    }
    const result = await this.db
      .updateTable('directory_numbers')
      .set(set)
      .where('dn', '=', dn)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The Call Forward All of `dn`; undefined when the DN does not exist. */
  async forwardAllOf(dn: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom('directory_numbers')
      .select('forward_all')
      .where('dn', '=', dn)
      .executeTakeFirst();
    return row === undefined ? undefined : row.forward_all;
  }

  /** Devices with a line on `dn`, in name order. */
  async devicesOn(dn: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('lines')
      .select('device_name')
      .where('dn', '=', dn)
      .orderBy('device_name')
      .execute();
    return rows.map((r) => r.device_name);
  }

  /** Sets a device's Do Not Disturb; returns false when the device does not exist. */
  async setDnd(deviceName: string, dnd: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ dnd: dnd ? 1 : 0 })
      .where('name', '=', deviceName)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
