import type { Logger } from 'pino';
import type { MediaEncryption } from '../core/call/srtp.js';
import type { MediaEncryptionPolicy } from './calls/call-ports.js';
import type { LiveEvents } from './live-events.js';

/** Where a device's policy comes from: its Phone Security Profile (a database read). */
export interface MediaEncryptionSource {
  mediaEncryptionOf(deviceName: string): Promise<MediaEncryption>;
}

/**
 * The call service asks a device's media encryption policy synchronously, in the middle of routing
 * a call; the profiles live in the database. So each device's policy is read when it attaches to
 * the call service (it registers) and again after any change to a device or a Phone Security
 * Profile, and calls read the copy. A device not (yet) read is 'off': keys are never passed for a
 * device whose profile was not seen to ask for them.
 */
export class MediaEncryptionCache implements MediaEncryptionPolicy {
  private readonly known = new Map<string, MediaEncryption>();
  private readonly tracked = new Set<string>();

  constructor(private readonly deps: { source: MediaEncryptionSource; live: LiveEvents; logger: Logger }) {
    deps.live.on('configuration-changed', this.onChange);
  }

  of(deviceName: string): MediaEncryption {
    return this.known.get(deviceName) ?? 'off';
  }

  track(deviceName: string): void {
    this.tracked.add(deviceName);
    void this.read(deviceName);
  }

  untrack(deviceName: string): void {
    this.tracked.delete(deviceName);
    this.known.delete(deviceName);
  }

  stop(): void {
    this.deps.live.off('configuration-changed', this.onChange);
  }

  private readonly onChange = (change: { what: string; name: string }): void => {
    if (change.what === 'device' && this.tracked.has(change.name)) void this.read(change.name);
    else if (change.what === 'security-profile') for (const name of this.tracked) void this.read(name);
  };

  private async read(deviceName: string): Promise<void> {
    try {
      const policy = await this.deps.source.mediaEncryptionOf(deviceName);
      if (this.tracked.has(deviceName)) this.known.set(deviceName, policy);
    } catch (error) {
      this.deps.logger.error(
        { err: error, device: deviceName },
        `could not read the Phone Security Profile of ${deviceName} (database?): its calls keep the media encryption policy read before (${this.of(deviceName)}) until the next change`,
      );
    }
  }
}
