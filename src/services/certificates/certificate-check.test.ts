import { describe, expect, it } from 'vitest';
import { CertificateProblem, checkIdentity, expiryWarning } from './certificate-check.js';
import { makeSelfSigned } from './self-signed.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const one = await makeSelfSigned({
  commonName: 'cm1',
  names: ['cm1.example', 'localhost', '127.0.0.1', '::1'],
  now: NOW,
});
const two = await makeSelfSigned({ commonName: 'cm2', names: ['cm2.example'], now: NOW });

function refusal(input: { certificate: string; privateKey: string }, now = NOW) {
  try {
    checkIdentity(input, now);
  } catch (error) {
    if (error instanceof CertificateProblem) return error.problem;
    throw error;
  }
  throw new Error('accepted');
}

describe('checkIdentity', () => {
  it('reads a certificate the node made: names, issuer, fingerprint, validity', () => {
    const { info, identity } = checkIdentity({ certificate: one.cert, privateKey: one.key }, NOW);
    expect(info).toMatchObject({
      subject: 'CN=cm1, O=openucm',
      selfSigned: true,
      chainLength: 1,
      keyType: 'rsa',
      subjectAltNames: [
        'DNS:cm1.example',
        'DNS:localhost',
        'IP Address:127.0.0.1',
        'IP Address:0:0:0:0:0:0:0:1',
      ],
    });
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Date(info.validTo).getUTCFullYear()).toBe(2031);
    expect(identity.key).toContain('BEGIN PRIVATE KEY');
  });

  it('names the field and rule of each refusal', () => {
    expect(refusal({ certificate: 'hello', privateKey: one.key })).toMatchObject({
      field: 'certificate',
      message: expect.stringContaining('no PEM certificate found'),
    });
    expect(
      refusal({
        certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
        privateKey: one.key,
      }),
    ).toMatchObject({
      field: 'certificate',
      message: expect.stringContaining('certificate 1 of 1 cannot be parsed'),
    });
    expect(refusal({ certificate: one.cert, privateKey: 'nope' })).toMatchObject({
      field: 'privateKey',
      message: expect.stringContaining('not a PEM private key'),
    });
    expect(
      refusal({ certificate: one.cert, privateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\n…' }),
    ).toMatchObject({ field: 'privateKey', message: expect.stringContaining('encrypted key') });
    expect(refusal({ certificate: one.cert, privateKey: two.key })).toMatchObject({
      field: 'privateKey',
      message: expect.stringContaining('does not match the certificate'),
    });
    expect(
      refusal({ certificate: one.cert, privateKey: one.key }, new Date('2032-01-01T00:00:00Z')),
    ).toMatchObject({
      field: 'certificate',
      message: expect.stringContaining('expired on 2031-'),
    });
    expect(
      refusal({ certificate: one.cert, privateKey: one.key }, new Date('2026-01-01T00:00:00Z')),
    ).toMatchObject({
      field: 'certificate',
      message: expect.stringContaining('not valid before'),
    });
    expect(refusal({ certificate: one.cert + two.cert, privateKey: one.key })).toMatchObject({
      field: 'certificate',
      message: expect.stringContaining('did not issue certificate 1'),
    });
    expect(refusal({ certificate: one.cert.repeat(9), privateKey: one.key })).toMatchObject({
      field: 'certificate',
      message: expect.stringContaining('at most 8 certificates'),
    });
  });
});

describe('expiryWarning', () => {
  const validTo = '2027-01-01T00:00:00.000Z';
  it('is silent until 30 days before the end, then counts the days, then says it expired', () => {
    expect(expiryWarning({ validTo }, new Date('2026-12-01T00:00:00Z'))).toBeNull();
    expect(expiryWarning({ validTo }, new Date('2026-12-02T00:00:00Z'))).toContain('expires in 30 day(s)');
    expect(expiryWarning({ validTo }, new Date('2027-01-02T00:00:00Z'))).toContain('expired on');
  });
});
