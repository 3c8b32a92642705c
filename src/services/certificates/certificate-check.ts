import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import tls from 'node:tls';
import type { FieldProblem } from '../../core/node.js';
import type { TlsIdentity } from '../../core/tls-identity.js';

/** At most this many certificates in an uploaded chain (leaf and intermediates). */
export const MAX_CHAIN_CERTIFICATES = 8;
/** Days before expiry from which the dashboard warns. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** What an administrator reads of the node's certificate (System > Certificate Management). */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** "DNS:host" and "IP Address:1.2.3.4" entries, as openssl prints them. */
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  /** SHA-256 of the leaf certificate (DER), upper-case hex pairs joined by ":". */
  fingerprintSha256: string;
  /** SHA-256 of the leaf's public key (SPKI DER), base64: what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiSha256: string;
  serialNumber: string;
  selfSigned: boolean;
  /** Certificates in the chain, the leaf included. */
  chainLength: number;
  keyType: string;
}

/** A certificate and key refused, with the field and rule it broke. */
export class CertificateProblem extends Error {
  constructor(readonly problem: FieldProblem) {
    super(problem.message);
  }
}

/** The PEM certificates of `text`, in order. */
export function pemCertificates(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}

/** Reads a stored or uploaded identity: certificates parsed, leaf first. */
export function parseChain(certificate: string, field = 'certificate'): X509Certificate[] {
  const blocks = pemCertificates(certificate);
  if (blocks.length === 0)
    throw new CertificateProblem({
      field,
      message: `${field}: no PEM certificate found (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)`,
    });
  if (blocks.length > MAX_CHAIN_CERTIFICATES)
    throw new CertificateProblem({
      field,
      message: `${field}: at most ${MAX_CHAIN_CERTIFICATES} certificates in a chain (has ${blocks.length})`,
    });
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new CertificateProblem({
        field,
        message: `${field}: certificate ${i + 1} of ${blocks.length} cannot be parsed (${(error as Error).message})`,
      });
    }
  });
}

function parseKey(privateKey: string): KeyObject {
  if (/ENCRYPTED/.test(privateKey))
    throw new CertificateProblem({
      field: 'privateKey',
      message:
        'privateKey: an encrypted key cannot be used; decrypt it first (openssl pkey -in key.pem -out plain.pem)',
    });
  try {
    return createPrivateKey({ key: privateKey, format: 'pem' });
  } catch (error) {
    throw new CertificateProblem({
      field: 'privateKey',
      message: `privateKey: not a PEM private key (PKCS#8, PKCS#1 or SEC1) (${(error as Error).message})`,
    });
  }
}

/**
 * Checks a certificate (leaf first, then each issuer) and its key before the node presents them:
 * every block parses, the key is the leaf's, the leaf is valid at `now`, each certificate is
 * issued and signed by the next one, and TLS can load the pair. Throws CertificateProblem naming
 * the field and rule; returns the identity normalised (PEM blocks only) and what it reads as.
 */
export function checkIdentity(
  input: { certificate: string; privateKey: string },
  now: Date,
): { identity: TlsIdentity; info: CertificateInfo } {
  const chain = parseChain(input.certificate);
  const key = parseKey(input.privateKey);
  const leaf = chain[0];
  if (!leaf.checkPrivateKey(key))
    throw new CertificateProblem({
      field: 'privateKey',
      message:
        'privateKey: does not match the certificate (the first certificate must be the one this key was made for)',
    });
  const validFrom = new Date(leaf.validFrom);
  const validTo = new Date(leaf.validTo);
  if (now.getTime() > validTo.getTime())
    throw new CertificateProblem({
      field: 'certificate',
      message: `certificate: expired on ${validTo.toISOString()}; upload a current one`,
    });
  if (now.getTime() < validFrom.getTime())
    throw new CertificateProblem({
      field: 'certificate',
      message: `certificate: not valid before ${validFrom.toISOString()}; check the node's clock or upload a current one`,
    });
  for (let i = 1; i < chain.length; i++) {
    const child = chain[i - 1];
    const parent = chain[i];
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey))
      throw new CertificateProblem({
        field: 'certificate',
        message:
          `certificate: certificate ${i + 1} (${oneLine(parent.subject)}) did not issue certificate ${i} (${oneLine(child.subject)}); ` +
          'order the chain leaf first, then each issuer',
      });
  }
  const identity: TlsIdentity = {
    key: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `${chain.map((c) => c.toString().trim()).join('\n')}\n`,
  };
  try {
    tls.createSecureContext({ key: identity.key, cert: identity.cert });
  } catch (error) {
    throw new CertificateProblem({
      field: 'certificate',
      message: `certificate: TLS cannot use this certificate and key (${(error as Error).message})`,
    });
  }
  return { identity, info: describe(chain) };
}

/** What the administrator reads of a chain. */
export function describe(chain: X509Certificate[]): CertificateInfo {
  const leaf = chain[0];
  const spki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  return {
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    subjectAltNames: (leaf.subjectAltName ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    validFrom: new Date(leaf.validFrom).toISOString(),
    validTo: new Date(leaf.validTo).toISOString(),
    fingerprintSha256: leaf.fingerprint256,
    spkiSha256: sha256Base64(spki),
    serialNumber: leaf.serialNumber,
    selfSigned: leaf.subject === leaf.issuer && leaf.verify(leaf.publicKey),
    chainLength: chain.length,
    keyType: leaf.publicKey.asymmetricKeyType ?? 'unknown',
  };
}

/** The dashboard's warning when the certificate expires within EXPIRY_WARNING_DAYS days (or has). */
export function expiryWarning(info: Pick<CertificateInfo, 'validTo'>, now: Date): string | null {
  const left = (new Date(info.validTo).getTime() - now.getTime()) / DAY_MS;
  if (left > EXPIRY_WARNING_DAYS) return null;
  if (left <= 0)
    return `the node's HTTPS certificate expired on ${info.validTo}: browsers and phones refuse it; replace it under System > Certificate Management`;
  return `the node's HTTPS certificate expires in ${Math.ceil(left)} day(s), on ${info.validTo}: replace it under System > Certificate Management`;
}

function oneLine(name: string): string {
  return name
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(', ');
}

function sha256Base64(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}
