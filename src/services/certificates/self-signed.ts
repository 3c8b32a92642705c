import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { isIP } from 'node:net';
import forge from 'node-forge';
import type { TlsIdentity } from '../../core/tls-identity.js';

/** How long a certificate the node makes for itself is valid. */
export const SELF_SIGNED_VALIDITY_YEARS = 5;

export interface SelfSignedRequest {
  /** The node's name: the certificate's common name. */
  commonName: string;
  /** Host names and IP addresses (either family) the node is reached at: the subjectAltName. */
  names: readonly string[];
  /** The start of validity. */
  now: Date;
}

/**
 * A new RSA 2048 key and a self-signed certificate for it (SHA-256), valid for
 * SELF_SIGNED_VALIDITY_YEARS years from an hour before `now` (a client whose clock is a little
 * behind still accepts it). The key is made by node:crypto; node-forge builds and signs the
 * certificate. The key is made off the event loop (most of a second of CPU on a busy machine):
 * phones and other requests are served meanwhile.
 */
export async function makeSelfSigned(request: SelfSignedRequest): Promise<TlsIdentity> {
  const { privateKey: keyPem, publicKey } = await generateRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // RFC 5280 4.1.2.2: a positive serial number of at most 20 octets.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x10;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(request.now.getTime() - 3_600_000);
  const notAfter = new Date(request.now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + SELF_SIGNED_VALIDITY_YEARS);
  cert.validity.notAfter = notAfter;
  const subject = [
    { name: 'commonName', value: request.commonName },
    { name: 'organizationName', value: 'openucm' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    // serverAuth for HTTPS and SIP over TLS; clientAuth for a node that opens TLS to another.
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: altNamesOf(request.names) },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  // The PEM as Node writes it ("\n" line ends), as the identity file is read back.
  const certPem = new X509Certificate(forge.pki.certificateToPem(cert)).toString();
  return { key: keyPem, cert: `${certPem.trim()}\n` };
}

function generateRsaKey(): Promise<{ privateKey: string; publicKey: string }> {
  return promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** RFC 5280 4.2.1.6: dNSName is type 2, iPAddress type 7; one entry per distinct name. */
function altNamesOf(names: readonly string[]): { type: number; value?: string; ip?: string }[] {
  const seen = new Set<string>();
  const out: { type: number; value?: string; ip?: string }[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (!name || seen.has(key)) continue;
    seen.add(key);
    out.push(isIP(name) ? { type: 7, ip: name } : { type: 2, value: name });
  }
  return out;
}
