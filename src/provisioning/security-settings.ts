import type { PhoneSecurityProfile } from '../core/phone-security-profile.js';

/**
 * What a phone's configuration file says of its Phone Security Profile (docs/sip-tls.md,
 * "Configuration files"). SEP<MAC>.cnf.xml carries `deviceSecurityMode` (1 Non Secure, 2
 * Authenticated, 3 Encrypted) and, for SIP loads of 79x1/79x2/79x5/797x, `sipStack/transportLayerProtocol`
 * (1 UDP, 2 TCP, 3 TLS) when the profile names one transport; TCP+UDP leaves the phone's own choice.
 */
export interface ConfigSecurity {
  deviceSecurityMode: 1 | 2 | 3;
  /** Absent: the profile allows TCP and UDP and the file says nothing (the phone's default). */
  transportLayerProtocol?: 1 | 2 | 3;
  /** The SIP lines register to the call manager's securedSipPort (TLS) rather than its sipPort. */
  tls: boolean;
}

const MODES = { 'non-secure': 1, authenticated: 2, encrypted: 3 } as const;
const TRANSPORTS = { udp: 1, tcp: 2, tls: 3 } as const;

export function configSecurity(profile: PhoneSecurityProfile | null): ConfigSecurity {
  if (profile === null) return { deviceSecurityMode: 1, tls: false };
  const transport = profile.transportType;
  return {
    deviceSecurityMode: MODES[profile.deviceSecurityMode],
    ...(transport !== 'tcp+udp' ? { transportLayerProtocol: TRANSPORTS[transport] } : {}),
    tls: transport === 'tls',
  };
}

/**
 * The comment a 7940/7960 SIP<MAC>.cnf carries when its profile asks for TLS: SIP 8.x on those
 * phones has no TLS transport (docs/sip-tls.md), so the file cannot ask for it and the phone's
 * registrations over UDP will be refused.
 */
export function legacySipTlsComment(profile: PhoneSecurityProfile | null): string | null {
  if (profile?.transportType !== 'tls') return null;
  return (
    `# openucm: Phone Security Profile "${profile.name}" asks for TLS, which SIP firmware on 7940/7960 does not do;` +
    ' this phone is refused until it has a profile without TLS'
  );
}

/**
 * The digest credentials a configuration file may carry. TFTP and HTTP on 6970 are plain, and 79xx
 * firmware reads encrypted configuration files only with a key CUCM's CAPF installs in the phone
 * (docs/sip-tls.md): so the file of a phone whose profile is Authenticated or Encrypted keeps the
 * user name and never the password, which must reach the phone another way.
 */
export function fileCredentials<T extends { authPassword?: string }>(
  credentials: T | null,
  profile: PhoneSecurityProfile | null,
): T | null {
  if (credentials === null || profile === null || profile.deviceSecurityMode === 'non-secure')
    return credentials;
  const { authPassword: _withheld, ...rest } = credentials;
  return rest as T;
}
