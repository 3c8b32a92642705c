/**
 * Seals secrets the node must be able to read back (SIP passwords, which phones' configuration
 * files carry) with AES-256-GCM under the node's secret key, which never enters the database. A
 * sealed value names the key it was sealed with, so a node holding another key can say so.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type Unsealed =
  | { readonly ok: true; readonly value: string }
  /** Sealed under another key (`keyId`), or damaged: the value cannot be read with this key. */
  | { readonly ok: false; readonly reason: 'other-key' | 'damaged'; readonly keyId?: string };

/** The id of a key: the first 8 hex digits of its SHA-256, safe to log and store. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error(`a secret key has 32 bytes, not ${key.length}`);
    this.keyId = keyIdOf(key);
  }

  /**
   * `v1:<key id>:<base64url(iv | tag | ciphertext)>`. `context` (e.g. device and digest user) is
   * authenticated with it: a sealed value copied to another row does not open there.
   */
  seal(value: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return `${FORMAT}:${this.keyId}:${sealed}`;
  }

  open(sealed: string, context: string): Unsealed {
    const [format, keyId, data] = sealed.split(':');
    if (format !== FORMAT || keyId === undefined || data === undefined)
      return { ok: false, reason: 'damaged' };
    if (keyId !== this.keyId) return { ok: false, reason: 'other-key', keyId };
    const bytes = Buffer.from(data, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return { ok: false, reason: 'damaged', keyId };
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const value = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return { ok: true, value: value.toString('utf8') };
    } catch {
      return { ok: false, reason: 'damaged', keyId };
    }
  }
}

/** The key id a sealed value names, or null when it is not in the sealed format. */
export function sealedKeyId(sealed: string): string | null {
  const [format, keyId] = sealed.split(':');
  return format === FORMAT && keyId !== undefined ? keyId : null;
}
