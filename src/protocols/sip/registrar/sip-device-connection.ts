import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { DeviceConnection, ResetType } from '../../../services/live-registry.js';

/** What the registrar does for a device's connection. */
export interface DeviceActions {
  reset(connection: SipDeviceConnection, type: ResetType): void;
  close(connection: SipDeviceConnection, reason: UnregistrationReason): void;
}

/**
 * A SIP device as the services see it: its registration (all its bindings). `reset` sends the
 * NOTIFY that reboots or re-registers the phone; `close` removes its bindings.
 */
export class SipDeviceConnection implements DeviceConnection {
  readonly protocol = 'SIP' as const;

  constructor(
    readonly deviceName: string,
    /** Where the device registered from, `ip:port`. */
    readonly address: string,
    private readonly actions: DeviceActions,
  ) {}

  reset(type: ResetType): void {
    this.actions.reset(this, type);
  }

  close(reason: UnregistrationReason): void {
    this.actions.close(this, reason);
  }
}
