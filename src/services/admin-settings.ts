import type { Store } from '../store/store.js';
import { ValidationError } from './configuration-service.js';

/** Settings of the administration itself. */
export interface AdminSettings {
  /** The dashboard warns when auto-registration has been on longer than this many days. */
  autoRegistrationWarningDays: number;
}

export const DEFAULT_ADMIN_SETTINGS: AdminSettings = { autoRegistrationWarningDays: 7 };

export const ADMIN_SETTING_HELP: Record<keyof AdminSettings, string> = {
  autoRegistrationWarningDays:
    'Auto-registration Warning (days): the dashboard warns when auto-registration has been on for longer ' +
    'than this. Cisco advises turning auto-registration off once phones are rolled out, so that no unknown ' +
    'phone plugged into the network can register.',
};

/** Reads and changes the administration settings (stored as text, typed here). */
export class AdminSettingsService {
  constructor(private readonly store: Store) {}

  async get(): Promise<AdminSettings> {
    const stored = await this.store.adminSettings.all();
    const days = Number(stored.autoRegistrationWarningDays);
    return {
      autoRegistrationWarningDays:
        Number.isInteger(days) && days > 0 ? days : DEFAULT_ADMIN_SETTINGS.autoRegistrationWarningDays,
    };
  }

  async update(changes: Partial<AdminSettings>): Promise<AdminSettings> {
    const days = changes.autoRegistrationWarningDays;
    if (days !== undefined) {
      if (!Number.isInteger(days) || days < 1 || days > 3650) {
        throw new ValidationError({
          field: 'autoRegistrationWarningDays',
          message: 'Auto-registration Warning must be a whole number of days from 1 to 3650',
        });
      }
      await this.store.adminSettings.set('autoRegistrationWarningDays', String(days));
    }
    return this.get();
  }
}
