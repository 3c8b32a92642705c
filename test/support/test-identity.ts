/**
 * A node makes an RSA 2048 key at first start: most of a second of CPU. Test nodes that do not
 * test TLS start with one made once per machine and copied into their data directory, as an
 * operator who brings the node's identity file would.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDENTITY_FILE_NAME } from '../../src/services/certificates/certificate-service.js';
import { makeSelfSigned } from '../../src/services/certificates/self-signed.js';

const DAY_MS = 86_400_000;

async function cachedIdentity(): Promise<string> {
  const file = path.join(os.tmpdir(), `openucm-test-identity-${os.userInfo().uid}.pem`);
  try {
    const cert = new X509Certificate(fs.readFileSync(file));
    if (new Date(cert.validTo).getTime() > Date.now() + 60 * DAY_MS) return file;
  } catch {
    // absent or unreadable: made again below
  }
  const identity = await makeSelfSigned({
    commonName: 'cm1',
    names: ['localhost', '127.0.0.1', '::1'],
    now: new Date(),
  });
  // Several test workers may make it at once: each renames a whole file into place.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, `${identity.key.trim()}\n${identity.cert.trim()}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
  return file;
}

/** Puts the shared test identity into `dataDir` unless the node there has one already. */
export async function seedTestIdentity(dataDir: string): Promise<void> {
  const target = path.join(dataDir, IDENTITY_FILE_NAME);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(await cachedIdentity(), target);
  fs.chmodSync(target, 0o600);
}
