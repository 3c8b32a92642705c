import type { Device } from '../core/device.js';
import { DEFAULT_LINE_APPEARANCE } from '../core/line-settings.js';
import type { CallManagerEntry } from './call-managers.js';
import { callManagerGroup, securedSipPort } from './call-managers.js';
import { toXml } from './xml.js';
import type { ConfigSecurity } from './security-settings.js';

/** Digest user of a device; the password is only known when one was set in clear (the store keeps HA1). */
export interface SipLineCredentials {
  authName: string;
  authPassword?: string;
}

export interface DeviceConfigInput {
  device: Device;
  callManagers: CallManagerEntry[];
  loadId: string | null;
  devicePool: string;
  /** SIP registration period the phone is asked to use, seconds. */
  sipRegisterExpires: number;
  /** Digest credentials of the device's lines, when it has some. */
  credentials?: SipLineCredentials | null;
  /** Opaque stamp that changes when the configuration changes (provisioning.md §2.1 versionStamp). */
  versionStamp: string;
  /** The device's Phone Security Profile as the file says it (none: Non Secure, the phone's transport). */
  security?: ConfigSecurity;
}

/** SEP<MAC>.cnf.xml (provisioning.md §2.1, §2.2): rendered from the database at request time. */
export function renderDeviceConfig(input: DeviceConfigInput): string {
  const { device } = input;
  const sip = device.protocol === 'SIP';
  const root: Record<string, unknown> = {
    fullConfig: 'true',
    deviceProtocol: device.protocol,
    devicePool: {
      name: input.devicePool,
      dateTimeSetting: { dateTemplate: 'M/D/Y' },
      callManagerGroup: callManagerGroup(input.devicePool, input.callManagers),
      connectionMonitorDuration: 120,
    },
    loadInformation: input.loadId ?? '',
    versionStamp: input.versionStamp,
    deviceSecurityMode: input.security?.deviceSecurityMode ?? 1,
  };
  const transport = input.security?.transportLayerProtocol;
  const first = input.callManagers[0];
  if (sip) {
    root.sipProfile = {
      sipProxies: { registerWithProxy: 'true' },
      sipStack: {
        timerRegisterExpires: input.sipRegisterExpires,
        timerRegisterDelta: 5,
        timerT1: 500,
        timerT2: 4000,
        ...(transport !== undefined ? { transportLayerProtocol: transport } : {}),
      },
      phoneLabel: device.lines[0]?.dn ?? device.name,
      // docs/calls.md (SIP adapter, dialling): a dial template rather than KPML, so that off-hook dialling
      // ends in one INVITE with the whole number (calls.md §2.1; the phone fetches it like a 7940's).
      dialTemplate: 'dialplan.xml',
      sipLines: {
        line: device.lines.map((line) => ({
          '@_button': String(line.index),
          '@_lineIndex': String(line.index),
          featureID: 9,
          featureLabel: line.label || line.dn,
          // USECALLMANAGER: register to the callManager entries above (provisioning.md §2.2).
          proxy: 'USECALLMANAGER',
          // TLS: the call manager's securedSipPort (call-managers.ts), as the profile asks.
          port: input.security?.tls && first ? securedSipPort(first) : (first?.sipPort ?? 5060),
          name: line.dn,
          // The line's Display (Caller ID), else the device's description as before line settings.
          displayName: line.displayName || device.description,
          contact: line.dn,
          autoAnswer: { autoAnswerEnabled: 2 },
          callWaiting: 3,
          authName: input.credentials?.authName ?? '',
          ...(input.credentials?.authPassword !== undefined
            ? { authPassword: input.credentials.authPassword }
            : {}),
          maxNumCalls: line.maxCalls ?? DEFAULT_LINE_APPEARANCE.maxCalls,
          busyTrigger: line.busyTrigger ?? DEFAULT_LINE_APPEARANCE.busyTrigger,
        })),
      },
    };
  }
  return toXml({ device: root });
}
