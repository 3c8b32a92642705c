/**
 * A device's SIP digest credentials (cucm.md: CUCM's "Digest User" and its digest credentials):
 * the rules for the digest user and the password, and the HA1 values verification uses. Pure.
 */
import { createHash } from 'node:crypto';

/** sip-cisco.md §2: CUCM's default digest realm ("SIP Station Realm"), as phones provisioned for CUCM expect it. */
export const SIP_DIGEST_REALM = 'ccmsipline';

/** Longest digest user: a CUCM user ID has at most 128 characters (as --sip-max-identity-length's default). */
export const DIGEST_USER_MAX_LENGTH = 128;
export const SIP_PASSWORD_MIN_LENGTH = 8;
export const SIP_PASSWORD_MAX_LENGTH = 64;

const DIGEST_USER = /^[A-Za-z0-9._@+-]+$/;
const DEVICE_NAME_FORM = /^SEP[0-9A-F]{12}$/i;
// Printable ASCII without `"` and `\`: the 7940/7960 SIP text format (provisioning.md §4.1) has no escape.
const PASSWORD = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The digest user a device gets when none is given: its device name. CUCM's Digest User is an end
 * user, unique per phone ("You can assign each user ID to only one third-party phone"); openucm has
 * no end users, and of the two names a device always has, the device name is unique and never
 * changes, while a DN may be shared by several phones and is edited with the lines.
 */
export function defaultDigestUser(deviceName: string): string {
  return deviceName;
}

/** Why `username` cannot be the digest user of `deviceName`, or null. */
export function digestUserProblem(username: string, deviceName: string): string | null {
  if (username.length === 0) return 'the digest user is empty; leave it out to use the device name';
  if (username.length > DIGEST_USER_MAX_LENGTH)
    return `the digest user has ${username.length} characters; at most ${DIGEST_USER_MAX_LENGTH} are allowed`;
  if (!DIGEST_USER.test(username))
    return 'the digest user may hold letters, digits and . _ @ + - only (no spaces, colons or quotes)';
  if (DEVICE_NAME_FORM.test(username) && username !== deviceName)
    return `${username} is a device name; a digest user of that form must be the device's own name (${deviceName})`;
  return null;
}

/** Why `password` cannot be a SIP password, or null; the message never repeats the password. */
export function sipPasswordProblem(password: string): string | null {
  if (password.length < SIP_PASSWORD_MIN_LENGTH || password.length > SIP_PASSWORD_MAX_LENGTH)
    return `the password has ${password.length} characters; it needs ${SIP_PASSWORD_MIN_LENGTH} to ${SIP_PASSWORD_MAX_LENGTH}`;
  if (!PASSWORD.test(password))
    return 'the password may hold printable ASCII characters except " and \\ (the 7940/7960 configuration file cannot carry them)';
  if (password.trim() !== password) return 'the password begins or ends with a space, which phones drop';
  return null;
}

/** Node's hash of each digest algorithm family (RFC 7616 §3.2, RFC 8760 §2). */
export type DigestHash = 'md5' | 'sha256' | 'sha512-256';

/** H(username ":" realm ":" password), RFC 7616 §3.4.2: what a registrar can store instead of the password. */
export function digestHa1(hash: DigestHash, username: string, realm: string, password: string): string {
  return createHash(hash).update(`${username}:${realm}:${password}`).digest('hex');
}

/** The HA1 values stored for `username` / `password` in `realm`: MD5 and SHA-256 (RFC 8760). */
export function credentialHashes(
  username: string,
  realm: string,
  password: string,
): { ha1Md5: string; ha1Sha256: string } {
  return {
    ha1Md5: digestHa1('md5', username, realm, password),
    ha1Sha256: digestHa1('sha256', username, realm, password),
  };
}
