import { groupDescriptionProblem, groupNameProblem } from './cm-group.js';
import type { DeviceProtocol } from './device.js';
import type { FieldProblem } from './node.js';

/**
 * System > Security > Phone Security Profile (CUCM): how a phone must signal and whether its media
 * is encrypted. Every device has one; "Standard Non-Secure Profile" is every device's by default.
 */
export interface PhoneSecurityProfile {
  name: string;
  description: string;
  /** CUCM "Device Security Mode": Non Secure, Authenticated (signalling over TLS), Encrypted (TLS and SRTP). */
  deviceSecurityMode: DeviceSecurityMode;
  /** CUCM "Transport Type" (SIP phones): TCP+UDP, TCP, UDP or TLS. */
  transportType: SecurityTransport;
  /** Encrypted only: a call whose other side cannot do SRTP is refused (`refuse`) or goes on in clear RTP (`rtp`). */
  mediaEncryptionFallback: MediaEncryptionFallback;
}

export const DEVICE_SECURITY_MODES = ['non-secure', 'authenticated', 'encrypted'] as const;
export type DeviceSecurityMode = (typeof DEVICE_SECURITY_MODES)[number];
export const SECURITY_TRANSPORTS = ['tcp+udp', 'tcp', 'udp', 'tls'] as const;
export type SecurityTransport = (typeof SECURITY_TRANSPORTS)[number];
export const MEDIA_ENCRYPTION_FALLBACKS = ['refuse', 'rtp'] as const;
export type MediaEncryptionFallback = (typeof MEDIA_ENCRYPTION_FALLBACKS)[number];

/** What the call service does about SRTP on a device's calls. */
export type MediaEncryption = 'off' | 'required' | 'preferred';

export const DEFAULT_SECURITY_PROFILE = 'Standard Non-Secure Profile';

/** The profile every device has until given another (created by migration 0021). */
export const STANDARD_NON_SECURE_PROFILE: PhoneSecurityProfile = {
  name: DEFAULT_SECURITY_PROFILE,
  description: 'Non Secure Profile, SIP over TCP or UDP',
  deviceSecurityMode: 'non-secure',
  transportType: 'tcp+udp',
  mediaEncryptionFallback: 'refuse',
};

const MODE_LABELS: Record<DeviceSecurityMode, string> = {
  'non-secure': 'Non Secure',
  authenticated: 'Authenticated',
  encrypted: 'Encrypted',
};

/** CUCM's name of a mode, for messages. */
export function securityModeLabel(mode: DeviceSecurityMode): string {
  return MODE_LABELS[mode];
}

/** The first rule a profile (new or changed) breaks, or null. */
export function securityProfileProblem(profile: PhoneSecurityProfile): FieldProblem | null {
  const name = groupNameProblem('phone security profile', profile.name);
  if (name) return name;
  const description = groupDescriptionProblem(profile.description);
  if (description) return description;
  if (!DEVICE_SECURITY_MODES.includes(profile.deviceSecurityMode))
    return {
      field: 'deviceSecurityMode',
      message: `device security mode must be one of ${DEVICE_SECURITY_MODES.join(', ')}`,
    };
  if (!SECURITY_TRANSPORTS.includes(profile.transportType))
    return {
      field: 'transportType',
      message: `transport type must be one of ${SECURITY_TRANSPORTS.join(', ')}`,
    };
  if (!MEDIA_ENCRYPTION_FALLBACKS.includes(profile.mediaEncryptionFallback))
    return {
      field: 'mediaEncryptionFallback',
      message: `media encryption fallback must be one of ${MEDIA_ENCRYPTION_FALLBACKS.join(', ')}`,
    };
  // CUCM: Authenticated and Encrypted protect the signalling, which only TLS does.
  if (profile.deviceSecurityMode !== 'non-secure' && profile.transportType !== 'tls')
    return {
      field: 'transportType',
      message: `device security mode ${securityModeLabel(profile.deviceSecurityMode)} needs transport type tls (the signalling is what it protects); choose tls, or the mode non-secure`,
    };
  return null;
}

/** Why profile `name` cannot be deleted (it is the default, or `devices` phones use it), or null. */
export function securityProfileDeletionProblem(name: string, devices: number): FieldProblem | null {
  if (name === DEFAULT_SECURITY_PROFILE)
    return {
      field: 'name',
      message: `the ${DEFAULT_SECURITY_PROFILE} cannot be deleted: it is every phone's default`,
    };
  if (devices > 0)
    return {
      field: 'name',
      message: `phone security profile ${name} is used by ${devices} phone${devices === 1 ? '' : 's'}; give ${devices === 1 ? 'it' : 'them'} another profile first (Device > Phone, filter by Device Security Profile)`,
    };
  return null;
}

/** Why a phone cannot be given profile `name`, or null. */
export function securityProfileReferenceProblem(
  field: string,
  name: string,
  profiles: readonly string[],
): FieldProblem | null {
  if (profiles.includes(name)) return null;
  return {
    field,
    message: `phone security profile "${name}" does not exist (profiles: ${profiles.join(', ')}); create it under System > Security > Phone Security Profile`,
  };
}

/** Non Secure and Authenticated: no SRTP; Encrypted: SRTP, required or preferred by the fallback. */
export function mediaEncryptionOf(profile: PhoneSecurityProfile): MediaEncryption {
  if (profile.deviceSecurityMode !== 'encrypted') return 'off';
  return profile.mediaEncryptionFallback === 'refuse' ? 'required' : 'preferred';
}

/** The signalling transport a registration arrived over. */
export type SignallingTransport = 'UDP' | 'TCP' | 'TLS' | 'WS';

/**
 * Whether a registration over `transport` breaks the device's profile: the profile asks for TLS
 * and the phone did not use it. SCCP over TLS (2443) is not built, so an SCCP device whose profile
 * asks for TLS cannot register at all (docs/sip-tls.md says why).
 */
export function requiresTlsRefused(
  profile: Pick<PhoneSecurityProfile, 'transportType'>,
  protocol: DeviceProtocol,
  transport: SignallingTransport | undefined,
): boolean {
  if (profile.transportType !== 'tls') return false;
  return protocol === 'SCCP' || transport !== 'TLS';
}
