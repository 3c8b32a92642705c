import { expect, it } from 'vitest';
import { parseRequest, registerText } from '../registrar/registrar-harness.js';
import { DigestPolicy, digestUriMatches, parseDigestAlgorithms } from './digest-policy.js';

const algorithms = (values: string[]) => values.map((c) => /algorithm=([\w-]+)/.exec(c)?.[1]);

it('offers MD5 alone by default and the configured order otherwise, MD5 alone to Cisco phones always', () => {
  const now = () => 0;
  const baresip = parseRequest(registerText({ mac: null, userAgent: 'baresip v1.0.0' }));
  const cisco = parseRequest(registerText());
  expect(algorithms(new DigestPolicy({ now }).challenges(baresip, false))).toEqual(['MD5']);
  const rfc8760 = new DigestPolicy({ now, algorithms: ['SHA-256', 'MD5'] });
  expect(algorithms(rfc8760.challenges(baresip, false))).toEqual(['SHA-256', 'MD5']);
  expect(algorithms(rfc8760.challenges(cisco, false))).toEqual(['MD5']);
});

it('reads the offer from a setting, refusing what the store keeps no HA1 for', () => {
  expect(parseDigestAlgorithms('sha-256, MD5')).toEqual(['SHA-256', 'MD5']);
  expect(parseDigestAlgorithms(['MD5'])).toEqual(['MD5']);
  expect(() => parseDigestAlgorithms('MD5,SHA-512-256')).toThrow(/SHA-512-256.*MD5, SHA-256/);
  expect(() => parseDigestAlgorithms('MD5,MD5')).toThrow(/twice/);
  expect(() => parseDigestAlgorithms('')).toThrow(/at least one/);
});

it('takes the digest uri as the Request-URI when it is the same SIP URI written otherwise', () => {
  expect(digestUriMatches('sip:127.0.0.1:5060', 'sip:127.0.0.1:5060')).toBe(true);
  expect(digestUriMatches('sip:CM1.example.com;transport=UDP', 'sip:cm1.example.com;transport=udp')).toBe(
    true,
  );
  expect(digestUriMatches('sip:127.0.0.1', 'sip:127.0.0.1:5060')).toBe(false);
  expect(digestUriMatches('sip:10.0.0.9', 'sip:127.0.0.1')).toBe(false);
  expect(digestUriMatches('not a uri', 'sip:127.0.0.1')).toBe(false);
});
