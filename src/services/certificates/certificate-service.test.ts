import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { TlsIdentity } from '../../core/tls-identity.js';
import { CertificateProblem } from './certificate-check.js';
import { CertificateService } from './certificate-service.js';
import { makeSelfSigned } from './self-signed.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function open(file: string) {
  return CertificateService.open({
    file,
    nodeName: 'cm1',
    names: ['localhost', '127.0.0.1'],
    clock: () => NOW,
    logger: pino({ level: 'silent' }),
  });
}

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-cert-'));
  dirs.push(dir);
  return path.join(dir, 'data', 'node-identity.pem');
}

it('makes its identity once (mode 0600), reads the same one again, and tells listeners of a replacement', async () => {
  const file = tempFile();
  const first = await open(file);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const again = await open(file);
  expect(again.status().fingerprintSha256).toBe(first.status().fingerprintSha256);
  expect(again.current()).toEqual(first.current());

  const seen: TlsIdentity[] = [];
  const stop = again.onChange((identity) => seen.push(identity));
  const next = await makeSelfSigned({ commonName: 'uploaded', names: ['uploaded.example'], now: NOW });
  const status = await again.replace({ certificate: next.cert, privateKey: next.key });
  expect(status.subject).toContain('CN=uploaded');
  expect(seen).toHaveLength(1);
  expect(seen[0].cert).toBe(again.current().cert);
  // Stored before it was announced: a new start reads the replacement.
  expect((await open(file)).status().fingerprintSha256).toBe(status.fingerprintSha256);

  // A refusal leaves file, identity and listeners alone.
  await expect(
    again.replace({ certificate: next.cert, privateKey: first.current().key }),
  ).rejects.toBeInstanceOf(CertificateProblem);
  expect(seen).toHaveLength(1);
  expect((await open(file)).status().fingerprintSha256).toBe(status.fingerprintSha256);

  stop();
  const regenerated = await again.regenerate();
  expect(regenerated).toMatchObject({ selfSigned: true, subject: 'CN=cm1, O=openucm' });
  expect(seen).toHaveLength(1);
});

it('refuses to start on an identity file that is not one, saying what to do', async () => {
  const file = tempFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'garbage', { mode: 0o600 });
  await expect(open(file)).rejects.toThrow(/holds no private key: move .* away/);
});
