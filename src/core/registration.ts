import type { Device, DeviceProtocol, DeviceStatus } from './device.js';
import { deviceNameProblem } from './device.js';
import type { EnterpriseParameters } from './enterprise-parameters.js';
import { ipOf } from './ip-of.js';
import type { CallManagerNode } from './node.js';
import type { PhoneModel } from './phone-models.js';
import type { Rejection, RejectionContext, RejectionReason } from './rejection.js';
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
  /** The signalling transport the request came over (SIP: UDP, TCP, TLS or WS; SCCP: TCP). */
  transport?: 'UDP' | 'TCP' | 'TLS' | 'WS';
}

/** What this node knows of a device's live registration (the live registry): where it came from. */
export interface LiveRegistration {
  protocol: DeviceProtocol;
  /** Address the live registration came from, `ip:port`. */
  address: string;
}

/** What to do with a registration request. */
export type RegistrationDecision =
  | { kind: 'accept'; device: Device }
  | { kind: 'auto-register'; model: PhoneModel }
  | { kind: 'reject'; rejection: Rejection };

/** What a protocol adapter is told of a registration: the phone accepted (with its lines), or why not. */
export type RegistrationResult =
  { kind: 'accepted'; device: Device; autoRegistered: boolean } | { kind: 'rejected'; rejection: Rejection };

/**
 * Decides a registration from what is known; pure. `auto-register` means: allocate the
 * lowest free DN of the node's range and accept; when none is free the caller rejects with
 * `dn-range-exhausted`.
 */
export function decideRegistration(
  request: RegistrationRequest,
  known: {
    device: Device | null;
    node: CallManagerNode;
    parameters: EnterpriseParameters;
    /** The device's live registration on this node, if it has one. */
    live?: LiveRegistration;
  },
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
  }
  const takeover = takeoverRefusal(request, known.live, known.node.name);
  if (takeover) return { kind: 'reject', rejection: takeover };
  if (device) {
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
 * Refuses a registration that would take over the device's live one from another address, or
 * returns null. The same address with another port is the phone itself (it rebooted, or its NAT
 * binding changed); a SIP phone that passed digest authentication proved who it is and may move.
 * Asked when deciding and again just before the registration is claimed (another attempt may
 * have claimed it meanwhile).
 */
export function takeoverRefusal(
  request: RegistrationRequest,
  live: LiveRegistration | undefined,
  nodeName: string,
): Rejection | null {
  if (live === undefined || request.authenticated === true) return null;
  const ip = ipOf(request.address);
  const liveIp = ipOf(live.address);
  if (ip === liveIp) return null;
  return rejection('registered-elsewhere', {
    deviceName: request.deviceName,
    nodeName,
    protocol: request.protocol,
    live: { ip: liveIp, protocol: live.protocol },
    ip,
  });
}

/**
 * Whether a refusal shows the configured device as Rejected on its phone page (CUCM/RisPort
 * wording). Only a device that is not registered: a refused attempt, whoever made it, never
 * changes the status of a device registered live here or, as the database says, on another node.
 */
export function refusalMarksDevice(
  reason: RejectionReason,
  device: { live: boolean; storedStatus: DeviceStatus | null },
): boolean {
  return reason === 'device-protocol-mismatch' && !device.live && device.storedStatus !== 'registered';
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
