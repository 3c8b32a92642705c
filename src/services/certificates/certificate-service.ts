import { createPrivateKey, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TlsIdentity, TlsIdentitySource } from '../../core/tls-identity.js';
import type { Clock } from '../clock.js';
import { syncPath } from '../sync-path.js';
import type { CertificateInfo } from './certificate-check.js';
import { checkIdentity, describe, expiryWarning, parseChain } from './certificate-check.js';
import { makeSelfSigned } from './self-signed.js';

/** The node's key and certificate chain in one PEM file under the data directory. */
export const IDENTITY_FILE_NAME = 'node-identity.pem';

/** The certificate as System > Certificate Management shows it. */
export interface CertificateStatus extends CertificateInfo {
  /** Set when it expires within 30 days, or has. */
  warning: string | null;
}

export interface CertificateServiceDeps {
  /** The identity file (key, then the chain leaf first); created with mode 0600 when absent. */
  file: string;
  /** The node's name: the common name of a certificate it makes. */
  nodeName: string;
  /** Host names and addresses a certificate the node makes names (subjectAltName). */
  names: readonly string[];
  clock: Clock;
  logger: Logger;
}

/**
 * The node's TLS identity (TlsIdentitySource): made self-signed at first start and kept in the
 * data directory, replaced by an administrator's certificate or regenerated. Each new identity is
 * on disk (fsync) before any listener is told of it.
 */
export class CertificateService implements TlsIdentitySource {
  private identity: TlsIdentity;
  private infoOf: CertificateInfo;
  private readonly listeners = new Set<(identity: TlsIdentity) => void>();
  /** Replacements one at a time: the file and the identity in memory always agree. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly deps: CertificateServiceDeps,
    identity: TlsIdentity,
    info: CertificateInfo,
  ) {
    this.identity = identity;
    this.infoOf = info;
  }

  /** Reads the identity file, or makes and stores a self-signed identity when there is none. */
  static async open(deps: CertificateServiceDeps): Promise<CertificateService> {
    const { file, logger } = deps;
    let text: string | null = null;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === null) {
      const identity = await makeSelfSigned({
        commonName: deps.nodeName,
        names: deps.names,
        now: deps.clock(),
      });
      await writeIdentity(file, identity);
      const service = new CertificateService(deps, identity, describe(parseChain(identity.cert)));
      logger.info(
        { file, fingerprintSha256: service.infoOf.fingerprintSha256, names: service.infoOf.subjectAltNames },
        `created the node's self-signed certificate ${file}: browsers and scripts trust it by its SHA-256 fingerprint ${service.infoOf.fingerprintSha256} (docs/https.md)`,
      );
      return service;
    }
    const identity = readIdentity(file, text);
    const service = new CertificateService(deps, identity, describe(parseChain(identity.cert)));
    const mode = (await fsp.stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0)
      logger.warn(
        { file, mode: mode.toString(8) },
        `the node's key file ${file} can be read by other users (mode ${mode.toString(8)}): chmod 600 ${file}`,
      );
    logger.info(
      { file, fingerprintSha256: service.infoOf.fingerprintSha256, subject: service.infoOf.subject },
      `the node's certificate: ${service.infoOf.subject}, SHA-256 fingerprint ${service.infoOf.fingerprintSha256}`,
    );
    const warning = expiryWarning(service.infoOf, deps.clock());
    if (warning) logger.warn({ file, validTo: service.infoOf.validTo }, warning);
    return service;
  }

  current(): TlsIdentity {
    return this.identity;
  }

  onChange(listener: (identity: TlsIdentity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The certificate in use, and the warning while it expires within 30 days. */
  status(): CertificateStatus {
    return { ...this.infoOf, warning: expiryWarning(this.infoOf, this.deps.clock()) };
  }

  /**
   * Replaces the identity with an administrator's certificate (or chain, leaf first) and key:
   * checked (CertificateProblem names the field and rule), stored durably, then in use for every
   * new connection.
   */
  replace(input: { certificate: string; privateKey: string }): Promise<CertificateStatus> {
    return this.serialised(async () => {
      const { identity } = checkIdentity(input, this.deps.clock());
      await this.install(identity, 'replaced');
      return this.status();
    });
  }

  /** Makes a new key and self-signed certificate for the node's names and puts them in use. */
  regenerate(): Promise<CertificateStatus> {
    return this.serialised(async () => {
      const identity = await makeSelfSigned({
        commonName: this.deps.nodeName,
        names: this.deps.names,
        now: this.deps.clock(),
      });
      await this.install(identity, 'regenerated');
      return this.status();
    });
  }

  private async install(identity: TlsIdentity, how: 'replaced' | 'regenerated'): Promise<void> {
    await writeIdentity(this.deps.file, identity);
    this.identity = identity;
    this.infoOf = describe(parseChain(identity.cert));
    this.deps.logger.info(
      {
        file: this.deps.file,
        fingerprintSha256: this.infoOf.fingerprintSha256,
        subject: this.infoOf.subject,
      },
      `${how} the node's certificate: ${this.infoOf.subject}, SHA-256 fingerprint ${this.infoOf.fingerprintSha256}; new connections get it`,
    );
    for (const listener of this.listeners) {
      try {
        listener(identity);
      } catch (error) {
        this.deps.logger.error(
          { err: error },
          `a listener could not take the new certificate: ${(error as Error).message}; restart the node`,
        );
      }
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function readIdentity(file: string, text: string): TlsIdentity {
  const remedy = `move ${file} away to start with a new self-signed certificate, or put back the file you kept`;
  const keyMatch =
    /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(text);
  if (!keyMatch) throw new Error(`the node's identity file ${file} holds no private key: ${remedy}`);
  try {
    createPrivateKey(keyMatch[0]);
    const chain = parseChain(text);
    const identity = {
      key: keyMatch[0] + '\n',
      cert: `${chain.map((c) => c.toString().trim()).join('\n')}\n`,
    };
    if (!chain[0].checkPrivateKey(createPrivateKey(identity.key)))
      throw new Error('its key is not the certificate’s');
    return identity;
  } catch (error) {
    throw new Error(
      `the node's identity file ${file} cannot be used (${(error as Error).message}): ${remedy}`,
      {
        cause: error,
      },
    );
  }
}

/** Writes the key and chain to a new file (mode 0600), syncs it, renames it over `file`, syncs the directory. */
async function writeIdentity(file: string, identity: TlsIdentity): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fsp.open(temporary, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${identity.key.trim()}\n${identity.cert.trim()}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temporary, file);
  await syncPath(dir);
}
