import type { DeviceProtocol } from './device.js';

/** System > Enterprise Parameters: cluster-wide settings. */
export interface EnterpriseParameters {
  /** Protocol that dual-protocol phones must use to auto-register (CUCM default SCCP). */
  autoRegistrationPhoneProtocol: DeviceProtocol;
}

export const DEFAULT_ENTERPRISE_PARAMETERS: EnterpriseParameters = {
  autoRegistrationPhoneProtocol: 'SCCP',
};

/** Help text shown beside each parameter; the UI and API docs read it from here. */
export const ENTERPRISE_PARAMETER_HELP: Record<keyof EnterpriseParameters, string> = {
  autoRegistrationPhoneProtocol:
    'Auto Registration Phone Protocol: the protocol (SCCP or SIP) that an unknown dual-protocol phone must ' +
    'register with to be auto-registered. Phones on the other protocol are rejected. The change applies to ' +
    'the next registration; no restart is needed.',
};
