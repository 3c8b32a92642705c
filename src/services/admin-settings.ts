import type { Store } from '../store/store.js';
import { ValidationError } from './configuration-service.js';

/** Settings of the administration itself (System > Enterprise Parameters, Security and Retention). */
export interface AdminSettings {
  /** The dashboard warns when auto-registration has been on longer than this many days. */
  autoRegistrationWarningDays: number;
  /** Registration events older than this many days are deleted. */
  registrationEventRetentionDays: number;
  /** Audit log entries older than this many days are deleted. */
  auditRetentionDays: number;
  /** The registration log keeps at most this many events (the oldest beyond it are deleted). */
  registrationEventMaxRows: number;
  /** Call detail records of calls begun longer ago than this many days are deleted. */
  cdrRetentionDays: number;
}

interface SettingSpec {
  default: number;
  min: number;
  max: number;
  /** The setting as the UI labels it, for messages. */
  label: string;
  /** What it does, for the UI and the API documentation. */
  help: string;
}

/** Every setting with its default, bounds and help: one table, so that a new one cannot miss a part. */
export const ADMIN_SETTINGS: Record<keyof AdminSettings, SettingSpec> = {
  autoRegistrationWarningDays: {
    default: 7,
    min: 1,
    max: 3650,
    label: 'Auto-registration Warning (days)',
    help:
      'The dashboard warns when auto-registration has been on for longer than this. Cisco advises turning ' +
      'auto-registration off once phones are rolled out, so that no unknown phone plugged into the network can register.',
  },
  registrationEventRetentionDays: {
    default: 30,
    min: 1,
    max: 3650,
    label: 'Registration Event Retention (days)',
    help: 'Registration events older than this are deleted (checked every hour, and at once when changed).',
  },
  auditRetentionDays: {
    default: 365,
    min: 1,
    max: 36500,
    label: 'Audit Log Retention (days)',
    help: 'Audit log entries older than this are deleted (checked every hour, and at once when changed).',
  },
  registrationEventMaxRows: {
    default: 1_000_000,
    min: 1000,
    max: 100_000_000,
    label: 'Registration Event Maximum',
    help:
      'The registration log keeps at most this many events, the newest: a safety net against floods, ' +
      'whatever their age.',
  },
  cdrRetentionDays: {
    default: 30,
    min: 1,
    max: 3650,
    label: 'CDR Retention (days)',
    help: 'Call detail records of calls begun longer ago than this are deleted (checked every hour, and at once when changed).',
  },
};

const NAMES = Object.keys(ADMIN_SETTINGS) as (keyof AdminSettings)[];

export const DEFAULT_ADMIN_SETTINGS = Object.fromEntries(
  NAMES.map((name) => [name, ADMIN_SETTINGS[name].default]),
) as unknown as AdminSettings;

/** Reads and changes the administration settings (stored as text, typed here). */
export class AdminSettingsService {
  private readonly listeners: Array<(settings: AdminSettings) => void> = [];

  constructor(private readonly store: Store) {}

  async get(): Promise<AdminSettings> {
    const stored = await this.store.adminSettings.all();
    const settings = { ...DEFAULT_ADMIN_SETTINGS };
    for (const name of NAMES) {
      const { min, max } = ADMIN_SETTINGS[name];
      const value = Number(stored[name]);
      if (stored[name] !== undefined && Number.isInteger(value) && value >= min && value <= max)
        settings[name] = value;
    }
    return settings;
  }

  /** Changes the given settings, each checked first: one out of bounds changes nothing. */
  async update(changes: Partial<AdminSettings>): Promise<AdminSettings> {
    const valid = NAMES.filter((name) => changes[name] !== undefined);
    for (const name of valid) {
      const value = changes[name] as number;
      const { min, max, label } = ADMIN_SETTINGS[name];
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new ValidationError({
          field: name,
          message: `${label} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`,
        });
      }
    }
    for (const name of valid) await this.store.adminSettings.set(name, String(changes[name]));
    const settings = await this.get();
    if (valid.length > 0) for (const listener of this.listeners) listener(settings);
    return settings;
  }

  /** Calls `listener` after every change made through this node (the retention job applies a change at once). */
  onChange(listener: (settings: AdminSettings) => void): void {
    this.listeners.push(listener);
  }
}
