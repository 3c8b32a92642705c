import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { DeviceConnection, ResetType } from '../../../services/live-registry.js';
import type { SipTransportName } from '../transport/flow.js';

/** What the registrar does for a device's connection. */
export interface DeviceActions {
  reset(connection: SipDeviceConnection, type: ResetType): void;
  close(connection: SipDeviceConnection, reason: UnregistrationReason): void;
  transport(connection: SipDeviceConnection): SipTransportName | undefined;
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

  /** TLS when every binding of the device is over TLS, else the transport of one that is not. */
  get transport(): SipTransportName | undefined {
    return this.actions.transport(this);
  }

  reset(type: ResetType): void {
    this.actions.reset(this, type);
  }

  close(reason: UnregistrationReason): void {
    this.actions.close(this, reason);
  }
}
