import type { DeviceProtocol } from '../../core/device.js';
import type { RegistrationRequest, RegistrationResult } from '../../core/registration.js';
import type { UnregistrationReason } from '../../core/registration-event.js';
import type { DeviceConnection } from '../../services/live-registry.js';

/**
 * What an SCCP session needs from the node to register a phone: the in-process
 * RegistrationService, or (in an SCCP worker process) a proxy that asks the primary over IPC.
 */
export interface SccpRegistrar {
  /** Name of the node, for ConfigStat/ServerRes. */
  readonly nodeName: string;
  /** Decides the registration; on acceptance `connection` becomes the device's live connection. */
  register(request: RegistrationRequest, connection: DeviceConnection): Promise<RegistrationResult>;
  /** The connection that held the device's registration ended. */
  unregistered(
    device: { name: string; protocol: DeviceProtocol; model: string },
    connection: DeviceConnection,
    reason: UnregistrationReason,
  ): void;
}
