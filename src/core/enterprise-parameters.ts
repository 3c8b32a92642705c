import type { DeviceProtocol } from './device.js';

/** Whether SIP devices that have no digest credentials may register. */
export type SipDevicesWithoutCredentials = 'allowed' | 'refused';
export const SIP_DEVICES_WITHOUT_CREDENTIALS: readonly SipDevicesWithoutCredentials[] = [
  'allowed',
  'refused',
];

/** System > Enterprise Parameters: cluster-wide settings. */
export interface EnterpriseParameters {
  /** Protocol that dual-protocol phones must use to auto-register (CUCM default SCCP). */
  autoRegistrationPhoneProtocol: DeviceProtocol;
  /** `allowed` as CUCM's non-secure SIP phone profiles (the default); `refused` demands digest of every SIP device. */
  sipDevicesWithoutCredentials: SipDevicesWithoutCredentials;
}

export const DEFAULT_ENTERPRISE_PARAMETERS: EnterpriseParameters = {
  autoRegistrationPhoneProtocol: 'SCCP',
  sipDevicesWithoutCredentials: 'allowed',
};

/** Help text shown beside each parameter; the UI and API docs read it from here. */
export const ENTERPRISE_PARAMETER_HELP: Record<keyof EnterpriseParameters, string> = {
  autoRegistrationPhoneProtocol:
    'Auto Registration Phone Protocol: the protocol (SCCP or SIP) that an unknown dual-protocol phone must ' +
    'register with to be auto-registered. Phones on the other protocol are rejected. The change applies to ' +
    'the next registration; no restart is needed.',
  sipDevicesWithoutCredentials:
    'SIP Devices Without Credentials: "allowed" (default, as CUCM\'s non-secure SIP profiles) lets a SIP device that ' +
    'has no digest credentials register without a password, auto-registered ones included; "refused" refuses it, so ' +
    'that every SIP device must prove its identity with its digest password. Applies to the next registration; ' +
    'devices already registered keep their registration until it ends.',
};
