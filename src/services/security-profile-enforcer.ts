import type { Logger } from 'pino';
import { requiresTlsRefused } from '../core/phone-security-profile.js';
import type { LiveEvents } from './live-events.js';
import type { DeviceConnection, LiveRegistry } from './live-registry.js';
import type { SecurityProfileService } from './security-profile-service.js';

/**
 * A device registered here without TLS whose Phone Security Profile comes to ask for TLS (its
 * profile changed, or the profile itself did) is unregistered at once: its refreshes are answered
 * from memory, so without this it would stay registered in clear until its next new registration.
 * The next REGISTER it sends is then decided anew, and refused with the reason (docs/sip-tls.md).
 */
export class SecurityProfileEnforcer {
  constructor(
    private readonly deps: {
      live: LiveEvents;
      registry: LiveRegistry;
      profiles: Pick<SecurityProfileService, 'ofDevice'>;
      logger: Logger;
    },
  ) {
    deps.live.on('configuration-changed', this.onChange);
  }

  private readonly onChange = (change: { what: string; name: string }): void => {
    if (change.what === 'device' && change.name !== '') void this.check(change.name);
    else if (change.what === 'security-profile') {
      for (const [name] of this.deps.registry.entries()) void this.check(name);
    }
  };

  private async check(deviceName: string): Promise<void> {
    const connection: DeviceConnection | undefined = this.deps.registry.get(deviceName);
    // Over TLS already: nothing a profile asks for can be missing.
    if (connection === undefined || connection.transport === 'TLS') return;
    try {
      const profile = await this.deps.profiles.ofDevice(deviceName);
      if (!requiresTlsRefused(profile, connection.protocol, connection.transport)) return;
      // The registration may have changed while the profile was read.
      if (this.deps.registry.get(deviceName) !== connection) return;
      this.deps.logger.info(
        {
          device: deviceName,
          securityProfile: profile.name,
          transport: connection.transport ?? connection.protocol,
        },
        `${deviceName} unregistered: its Phone Security Profile "${profile.name}" asks for TLS; its next registration over TLS is accepted`,
      );
      connection.close('security-profile-changed');
    } catch (error) {
      this.deps.logger.error(
        { err: error, device: deviceName },
        `could not check ${deviceName} against its Phone Security Profile (database?); it is checked at its next registration`,
      );
    }
  }

  stop(): void {
    this.deps.live.off('configuration-changed', this.onChange);
  }
}
