/** A TLS identity for tests: a self-signed certificate made by the real openssl, and a tiny source of it. */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TlsIdentity, TlsIdentitySource } from '../../src/core/tls-identity.js';

export interface TestCertificate extends TlsIdentity {
  certFile: string;
  keyFile: string;
  /** SHA-256 fingerprint as openssl prints it (AA:BB:…). */
  fingerprint: string;
  dir: string;
}

/** `openssl req -x509` for CN `commonName` with 127.0.0.1 as subject alternative name (P-256, one day). */
export function makeCertificate(commonName: string): TestCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = fs.readFileSync(certFile, 'utf8');
  const fingerprint = new crypto.X509Certificate(cert).fingerprint256;
  return { key: fs.readFileSync(keyFile, 'utf8'), cert, certFile, keyFile, fingerprint, dir };
}

/** The in-test stand-in of the certificate service: holds one identity, replace() tells the listeners. */
export class TestIdentitySource implements TlsIdentitySource {
  private readonly listeners = new Set<(identity: TlsIdentity) => void>();

  constructor(private identity: TlsIdentity) {}

  current(): TlsIdentity {
    return this.identity;
  }

  onChange(listener: (identity: TlsIdentity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  replace(identity: TlsIdentity): void {
    this.identity = identity;
    for (const listener of this.listeners) listener(identity);
  }
}
