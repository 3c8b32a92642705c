import type { DeviceProtocol } from '../../core/device.js';
import type { RegistrationRequest, RegistrationResult } from '../../core/registration.js';
import type { UnregistrationReason } from '../../core/registration-event.js';
import type { DeviceConnection } from '../../services/live-registry.js';

/**
 * The node's registrations as an SCCP session reaches them: the in-process RegistrationService,
 * or in an SCCP worker process IpcRegistrations, which asks the primary. (The SIP `Registrar`
 * of protocols/sip/registrar is the RFC 3261 role; SCCP has no such role of its own.)
 */
export interface SccpRegistrations {
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
