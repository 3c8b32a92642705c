import type { Device, DeviceProtocol } from './device.js';
import { deviceNameProblem } from './device.js';
import type { EnterpriseParameters } from './enterprise-parameters.js';
import type { CallManagerNode } from './node.js';
import type { PhoneModel } from './phone-models.js';
import type { Rejection, RejectionContext } from './rejection.js';
import { rejection } from './rejection.js';

/** A phone asking to register, as a protocol adapter describes it. */
export interface RegistrationRequest {
  deviceName: string;
  protocol: DeviceProtocol;
  /** Model from the catalogue when the phone's announced type is known. */
  model: PhoneModel | undefined;
  /** What the phone announced (device type number or User-Agent), for messages. */
  announcedModel: string;
  /** Address the phone registers from, `ip` or `ip:port`. */
  address: string;
  /** Firmware load the phone reports running, when it says. */
  activeLoadId?: string;
  /**
   * The phone proved who it is (SIP digest verified). Only such a phone may move a live
   * registration of the same device to another address.
   */
  authenticated?: boolean;
}

/** What to do with a registration request. */
export type RegistrationDecision =
  | { kind: 'accept'; device: Device }
  | { kind: 'auto-register'; model: PhoneModel }
  | { kind: 'reject'; rejection: Rejection };

/**
 * Decides a registration from what is known; pure. `auto-register` means: allocate the
 * lowest free DN of the node's range and accept; when none is free the caller rejects with
 * `dn-range-exhausted`.
 */
export function decideRegistration(
  request: RegistrationRequest,
  known: { device: Device | null; node: CallManagerNode; parameters: EnterpriseParameters },
): RegistrationDecision {
  const context = {
    deviceName: request.deviceName,
    nodeName: known.node.name,
    protocol: request.protocol,
    announcedModel: request.announcedModel,
  };
  if (deviceNameProblem(request.deviceName)) {
    return { kind: 'reject', rejection: rejection('invalid-device-name', context) };
  }
  const { device } = known;
  if (device) {
    if (device.protocol !== request.protocol) {
      return {
        kind: 'reject',
        rejection: rejection('device-protocol-mismatch', { ...context, configuredProtocol: device.protocol }),
      };
    }
    const unproved = credentialsRefusal(request, known.parameters, context);
    if (unproved) return { kind: 'reject', rejection: unproved };
    return { kind: 'accept', device };
  }
  if (!known.node.autoRegistration.enabled) {
    return { kind: 'reject', rejection: rejection('auto-registration-disabled', context) };
  }
  const allowed = known.parameters.autoRegistrationPhoneProtocol;
  if (request.protocol !== allowed) {
    return {
      kind: 'reject',
      rejection: rejection('auto-registration-protocol-mismatch', {
        ...context,
        autoRegistrationProtocol: allowed,
      }),
    };
  }
  if (!request.model || !request.model.protocols.includes(request.protocol)) {
    return { kind: 'reject', rejection: rejection('unsupported-model', context) };
  }
  const unproved = credentialsRefusal(request, known.parameters, context);
  if (unproved) return { kind: 'reject', rejection: unproved };
  return { kind: 'auto-register', model: request.model };
}

/**
 * The refusal of a SIP device that did not prove its identity while the Enterprise Parameter SIP
 * Devices Without Credentials is `refused`, or null. A SIP request is authenticated exactly when
 * the device has credentials (the registrar checks them before asking), so an unproved one has none.
 */
function credentialsRefusal(
  request: RegistrationRequest,
  parameters: EnterpriseParameters,
  context: RejectionContext,
): Rejection | null {
  if (request.protocol !== 'SIP' || request.authenticated === true) return null;
  if (parameters.sipDevicesWithoutCredentials !== 'refused') return null;
  return rejection('sip-credentials-required', context);
}

/** The device auto-registration creates: `SEP<MAC>`, description `Auto <DN>`, the DN on line 1. */
export function autoRegisteredDevice(
  name: string,
  model: PhoneModel,
  protocol: DeviceProtocol,
  dn: string,
): Device {
  return {
    name,
    model: model.model,
    protocol,
    description: `Auto ${dn}`,
    lines: [{ index: 1, dn }],
    loadId: null,
  };
}
