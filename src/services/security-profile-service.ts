import type { Logger } from 'pino';
import type { MediaEncryption, PhoneSecurityProfile } from '../core/phone-security-profile.js';
import {
  DEFAULT_SECURITY_PROFILE,
  mediaEncryptionOf,
  securityProfileDeletionProblem,
  securityProfileProblem,
  STANDARD_NON_SECURE_PROFILE,
} from '../core/phone-security-profile.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { definedOnly } from './cm-group-service.js';
import { ConflictError, NotFoundError, ValidationError } from './configuration-service.js';
import type { LiveEvents } from './live-events.js';

/** A profile as the API shows it: with how many phones use it. */
export interface SecurityProfileView extends PhoneSecurityProfile {
  devices: number;
}

export type SecurityProfileChanges = Partial<Omit<PhoneSecurityProfile, 'name'>>;

/**
 * A safety net only: a change made on this node, or (PostgreSQL, openucm_config) on another, drops
 * the cache at once.
 */
const CACHE_TTL_MS = 30_000;

/**
 * System > Security > Phone Security Profile: create, change and delete profiles; what registration
 * (TLS required?) and the call service (SRTP?) read of a device's profile.
 */
export class SecurityProfileService {
  private cache = new Map<string, { profile: PhoneSecurityProfile | null; at: number }>();

  constructor(private readonly deps: { store: Store; live: LiveEvents; logger: Logger; now?: () => number }) {
    // A profile or a device's profile may have changed here or on another node.
    deps.live.on('configuration-changed', () => this.cache.clear());
  }

  async list(): Promise<SecurityProfileView[]> {
    const { store } = this.deps;
    const profiles = await store.securityProfiles.list();
    return Promise.all(
      profiles.map(async (p) => ({ ...p, devices: await store.securityProfiles.deviceCount(p.name) })),
    );
  }

  async get(name: string): Promise<SecurityProfileView> {
    const { store } = this.deps;
    const profile = await store.securityProfiles.get(name);
    if (!profile) throw new NotFoundError(`phone security profile ${name} does not exist`);
    return { ...profile, devices: await store.securityProfiles.deviceCount(name) };
  }

  async create(given: { name: string } & SecurityProfileChanges): Promise<SecurityProfileView> {
    const profile: PhoneSecurityProfile = {
      name: given.name,
      description: given.description ?? '',
      deviceSecurityMode: given.deviceSecurityMode ?? 'non-secure',
      // A secure mode without a transport given means TLS: the only one it allows.
      transportType:
        given.transportType ??
        (given.deviceSecurityMode && given.deviceSecurityMode !== 'non-secure' ? 'tls' : 'tcp+udp'),
      mediaEncryptionFallback: given.mediaEncryptionFallback ?? 'refuse',
    };
    const problem = securityProfileProblem(profile);
    if (problem) throw new ValidationError(problem);
    try {
      await this.deps.store.transaction(async (tx) => {
        if (await tx.securityProfiles.get(profile.name))
          throw new ConflictError(`phone security profile ${profile.name} already exists`, 'name');
        await tx.securityProfiles.insert(profile);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`phone security profile ${profile.name} already exists`, 'name');
      throw error;
    }
    this.changed(profile, 'created');
    return this.get(profile.name);
  }

  async update(
    name: string,
    changes: SecurityProfileChanges,
  ): Promise<{ before: SecurityProfileView; after: SecurityProfileView }> {
    const before = await this.get(name);
    await this.deps.store.transaction(async (tx) => {
      const current = await tx.securityProfiles.get(name);
      if (!current) throw new NotFoundError(`phone security profile ${name} does not exist`);
      const proposed = { ...current, ...definedOnly(changes) };
      const problem = securityProfileProblem(proposed);
      if (problem) throw new ValidationError(problem);
      await tx.securityProfiles.update(proposed);
    });
    const after = await this.get(name);
    this.changed(after, 'changed');
    return { before, after };
  }

  async delete(name: string): Promise<SecurityProfileView> {
    const deleted = await this.deps.store.transaction(async (tx) => {
      const profile = await tx.securityProfiles.get(name);
      if (!profile) throw new NotFoundError(`phone security profile ${name} does not exist`);
      const problem = securityProfileDeletionProblem(name, await tx.securityProfiles.deviceCount(name));
      if (problem) throw new ValidationError(problem);
      await tx.securityProfiles.delete(name);
      return { ...profile, devices: 0 };
    });
    this.changed(deleted, 'deleted');
    return deleted;
  }

  /** Profile `name` (cached), or null when it does not exist. */
  async byName(name: string): Promise<PhoneSecurityProfile | null> {
    const now = (this.deps.now ?? Date.now)();
    const hit = this.cache.get(name);
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.profile;
    const profile = await this.deps.store.securityProfiles.get(name);
    this.cache.set(name, { profile, at: now });
    return profile;
  }

  /** The profile of device `deviceName`: the standard one for a device that does not exist (yet). */
  async ofDevice(deviceName: string): Promise<PhoneSecurityProfile> {
    const name = await this.deps.store.securityProfiles.ofDevice(deviceName);
    return (await this.byName(name ?? DEFAULT_SECURITY_PROFILE)) ?? STANDARD_NON_SECURE_PROFILE;
  }

  /**
   * What the call service does about SRTP on `deviceName`'s calls: `off` (Non Secure, Authenticated),
   * `required` (Encrypted, refuse a call the other side cannot encrypt), `preferred` (Encrypted, fall back to RTP).
   */
  async mediaEncryptionOf(deviceName: string): Promise<MediaEncryption> {
    return mediaEncryptionOf(await this.ofDevice(deviceName));
  }

  private changed(profile: PhoneSecurityProfile, how: string): void {
    this.deps.logger.info(
      {
        securityProfile: profile.name,
        deviceSecurityMode: profile.deviceSecurityMode,
        transportType: profile.transportType,
      },
      `phone security profile ${profile.name} ${how} (${profile.deviceSecurityMode}, ${profile.transportType}); ` +
        'its phones get the transport with their next configuration file (Reset them) and are checked at their next registration',
    );
    this.cache.clear();
    this.deps.live.emit('configuration-changed', { what: 'security-profile', name: profile.name });
  }
}
