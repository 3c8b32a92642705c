import { describe, expect, it } from 'vitest';
import type { PhoneSecurityProfile } from './phone-security-profile.js';
import {
  mediaEncryptionOf,
  requiresTlsRefused,
  securityProfileDeletionProblem,
  securityProfileProblem,
  STANDARD_NON_SECURE_PROFILE,
} from './phone-security-profile.js';

const profile = (p: Partial<PhoneSecurityProfile>): PhoneSecurityProfile => ({
  ...STANDARD_NON_SECURE_PROFILE,
  ...p,
});

describe('phone security profiles', () => {
  it('maps the mode and fallback to what the call service does about SRTP', () => {
    expect(mediaEncryptionOf(profile({}))).toBe('off');
    expect(mediaEncryptionOf(profile({ deviceSecurityMode: 'authenticated', transportType: 'tls' }))).toBe(
      'off',
    );
    const encrypted = profile({ deviceSecurityMode: 'encrypted', transportType: 'tls' });
    expect(mediaEncryptionOf({ ...encrypted, mediaEncryptionFallback: 'refuse' })).toBe('required');
    expect(mediaEncryptionOf({ ...encrypted, mediaEncryptionFallback: 'rtp' })).toBe('preferred');
  });

  it('refuses a secure mode without TLS, naming the field', () => {
    expect(
      securityProfileProblem(profile({ deviceSecurityMode: 'authenticated', transportType: 'tcp' })),
    ).toEqual({
      field: 'transportType',
      message: expect.stringContaining('Authenticated needs transport type tls'),
    });
    expect(
      securityProfileProblem(profile({ deviceSecurityMode: 'encrypted', transportType: 'tls' })),
    ).toBeNull();
    expect(securityProfileProblem(profile({ name: '' }))?.field).toBe('name');
  });

  it('keeps the standard profile and profiles in use', () => {
    expect(securityProfileDeletionProblem(STANDARD_NON_SECURE_PROFILE.name, 0)?.message).toContain('default');
    expect(securityProfileDeletionProblem('Encrypted', 2)?.message).toContain('used by 2 phones');
    expect(securityProfileDeletionProblem('Encrypted', 0)).toBeNull();
  });

  it('asks for TLS only when the profile says TLS; SCCP cannot give it', () => {
    const tls = { transportType: 'tls' as const };
    expect(requiresTlsRefused(tls, 'SIP', 'UDP')).toBe(true);
    expect(requiresTlsRefused(tls, 'SIP', 'TCP')).toBe(true);
    expect(requiresTlsRefused(tls, 'SIP', 'TLS')).toBe(false);
    expect(requiresTlsRefused(tls, 'SCCP', undefined)).toBe(true);
    expect(requiresTlsRefused({ transportType: 'tcp+udp' }, 'SIP', 'UDP')).toBe(false);
  });
});
