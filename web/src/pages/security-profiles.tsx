import { useEffect } from 'react';
import type { PhoneSecurityProfile } from '../api/types';
import { NamedResourceView, useNamedResource } from '../components/named-resources';
import { PageTitle, SelectField } from '../components/ui';
import { Link } from '../router';

type Mode = PhoneSecurityProfile['deviceSecurityMode'];
type Transport = PhoneSecurityProfile['transportType'];
type Fallback = PhoneSecurityProfile['mediaEncryptionFallback'];

const MODES: [Mode, string][] = [
  ['non-secure', 'Non Secure'],
  ['authenticated', 'Authenticated'],
  ['encrypted', 'Encrypted'],
];
const TRANSPORTS: [Transport, string][] = [
  ['tcp+udp', 'TCP+UDP'],
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
  ['tls', 'TLS'],
];
const FALLBACKS: [Fallback, string][] = [
  ['refuse', 'Refuse the call'],
  ['rtp', 'Fall back to RTP'],
];
const label = <T extends string>(list: [T, string][], value: T) =>
  list.find(([v]) => v === value)?.[1] ?? value;

type Draft = {
  description: string;
  deviceSecurityMode: Mode;
  transportType: Transport;
  mediaEncryptionFallback: Fallback;
};

/** System > Security > Phone Security Profile: how a phone must signal and whether its media is encrypted. */
export function SecurityProfilesPage() {
  const profiles = useNamedResource<PhoneSecurityProfile, Draft>({
    path: '/phone-security-profiles',
    noun: 'phone security profile',
    blank: {
      description: '',
      deviceSecurityMode: 'non-secure',
      transportType: 'tcp+udp',
      mediaEncryptionFallback: 'refuse',
    },
    draftOf: (p) => ({
      description: p.description,
      deviceSecurityMode: p.deviceSecurityMode,
      transportType: p.transportType,
      mediaEncryptionFallback: p.mediaEncryptionFallback,
    }),
    bodyOf: (d) => d,
    savedNote: 'Reset its phones so that they load the transport it asks for.',
    reloadOn: ['security-profile', 'device'],
  });
  useEffect(() => {
    document.title = 'Phone Security Profile — openucm';
  }, []);
  const { draft } = profiles;

  return (
    <>
      <PageTitle>Phone Security Profile</PageTitle>
      <p className="muted">
        Every phone has a profile (Device &gt; Phone, Device Security Profile). Authenticated and Encrypted
        phones signal over TLS only: one that registers over UDP or TCP is refused, and the{' '}
        <Link href="/troubleshoot">troubleshooter</Link> says why. Encrypted phones also encrypt their calls
        (SRTP); the fallback says what happens when the other side cannot.
      </p>
      <NamedResourceView
        resource={profiles}
        noun="phone security profile"
        plural="phone security profiles"
        fieldsShown={['description', 'transportType', 'deviceSecurityMode', 'mediaEncryptionFallback']}
        columns={[
          { header: 'Device Security Mode', cell: (p) => label(MODES, p.deviceSecurityMode) },
          { header: 'Transport Type', cell: (p) => label(TRANSPORTS, p.transportType) },
          {
            header: 'Media Encryption Fallback',
            cell: (p) =>
              p.deviceSecurityMode === 'encrypted' ? label(FALLBACKS, p.mediaEncryptionFallback) : '—',
          },
          { header: 'Phones', cell: (p) => p.devices },
        ]}
      >
        <SelectField
          label="Device Security Mode"
          value={draft.deviceSecurityMode}
          onChange={(e) => {
            const next = e.target.value as Mode;
            // Authenticated and Encrypted signal over TLS only: offer the one transport they allow.
            profiles.change(
              next === 'non-secure'
                ? { deviceSecurityMode: next }
                : { deviceSecurityMode: next, transportType: 'tls' },
            );
          }}
          error={profiles.fieldError('deviceSecurityMode')}
        >
          {MODES.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Transport Type"
          value={draft.transportType}
          onChange={(e) => profiles.change({ transportType: e.target.value as Transport })}
          error={profiles.fieldError('transportType')}
          hint="SIP phones: the transport their configuration file asks for. TLS needs firmware that does TLS (not 7940/7960)."
        >
          {TRANSPORTS.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Media Encryption Fallback"
          value={draft.mediaEncryptionFallback}
          onChange={(e) => profiles.change({ mediaEncryptionFallback: e.target.value as Fallback })}
          error={profiles.fieldError('mediaEncryptionFallback')}
          hint="Encrypted only: when the other side of a call cannot do SRTP."
        >
          {FALLBACKS.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </SelectField>
      </NamedResourceView>
    </>
  );
}
