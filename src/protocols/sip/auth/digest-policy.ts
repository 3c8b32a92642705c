/**
 * Digest authentication of REGISTERs from devices that have credentials (RFC 3261 §22.4,
 * RFC 7616, RFC 8760): challenges, verification against stored HA1 values, nonce expiry
 * (`stale=true`) and replay refusal.
 */
import type { DigestAlgorithm, DigestCredentials } from '../digest.js';
import {
  computeHa1,
  formatDigestChallenge,
  parseDigestCredentials,
  verifyDigestCredentials,
} from '../digest.js';
import type { SipRequest } from '../message.js';
import type { StoredCredential } from '../registrar/credentials.js';
import { NonceManager } from './nonces.js';

/** sip-cisco.md §2: CUCM's default digest realm, as phones provisioned for CUCM expect it. */
export const DEFAULT_REALM = 'ccmsipline';

export type DigestVerdict =
  | { readonly kind: 'ok'; readonly username: string }
  /** No usable Authorization: challenge. */
  | { readonly kind: 'missing' }
  /** Right password, old or foreign nonce: challenge with stale=true. */
  | { readonly kind: 'stale' }
  /** A nonce use seen before: challenge with a fresh nonce. */
  | { readonly kind: 'replay' }
  /** Wrong password, another user, or credentials that cannot be checked: refuse. */
  | { readonly kind: 'failed'; readonly detail: string };

export interface DigestPolicyOptions {
  realm?: string;
  now: () => number;
  /** How long a nonce is good for (default 300 s). */
  nonceLifetimeMs?: number;
}

export class DigestPolicy {
  readonly realm: string;
  private readonly nonces: NonceManager;

  constructor(options: DigestPolicyOptions) {
    this.realm = options.realm ?? DEFAULT_REALM;
    this.nonces = new NonceManager({ now: options.now, lifetimeMs: options.nonceLifetimeMs ?? 300_000 });
  }

  /**
   * WWW-Authenticate values, most preferred first.
   * RFC 8760 §2.3 (UAS behaviour): the UAS "MAY add multiple WWW-Authenticate header fields", in the order it
   * would prefer them used, most preferred first;
   * sip-cisco.md §3.4: Cisco 79xx phones only do MD5, so they are offered MD5 alone.
   */
  challenges(request: SipRequest, stale: boolean): string[] {
    const nonce = this.nonces.issue();
    const ua = request.header('user-agent') ?? '';
    const algorithms: DigestAlgorithm[] = /^Cisco/i.test(ua) ? ['MD5'] : ['SHA-256', 'MD5'];
    return algorithms.map((algorithm) =>
      formatDigestChallenge({ realm: this.realm, nonce, algorithm, qop: ['auth'], stale }),
    );
  }

  /** The digest username the request carries for our realm, if any (identifies third-party phones). */
  username(request: SipRequest): string | undefined {
    return this.credentialsOf(request)?.username;
  }

  private credentialsOf(request: SipRequest): DigestCredentials | undefined {
    for (const value of request.headers('authorization')) {
      const parsed = parseDigestCredentials(value);
      if (parsed.ok && parsed.value.realm === this.realm) return parsed.value;
    }
    return undefined;
  }

  /** Checks the request's Authorization against the device's credential. */
  verify(request: SipRequest, credential: StoredCredential): DigestVerdict {
    const cr = this.credentialsOf(request);
    if (cr === undefined) return { kind: 'missing' };
    if (cr.username !== credential.username) {
      return {
        kind: 'failed',
        detail: `digest user "${cr.username}" is not the user "${credential.username}" of ${credential.deviceName}`,
      };
    }
    if (credential.realm !== this.realm) {
      return {
        kind: 'failed',
        detail: `the credentials of ${credential.deviceName} were set for realm "${credential.realm}", not "${this.realm}"`,
      };
    }
    const base = cr.algorithm.replace(/-sess$/, '');
    const ha1 = base === 'MD5' ? credential.ha1Md5 : base === 'SHA-256' ? credential.ha1Sha256 : undefined;
    if (ha1 === undefined) return { kind: 'failed', detail: `algorithm ${cr.algorithm} is not offered` };
    if (!verifyDigestCredentials(cr, { ha1 }, request.method, request.body)) {
      return {
        kind: 'failed',
        detail: `wrong digest response for user "${cr.username}" (password mismatch)`,
      };
    }
    const nc = cr.nc === undefined ? undefined : parseInt(cr.nc, 16);
    const check = this.nonces.check(cr.nonce, { nc, callId: request.callId, cseq: request.cseq.seq });
    if (check === 'stale') return { kind: 'stale' };
    if (check === 'replay') return { kind: 'replay' };
    return { kind: 'ok', username: cr.username };
  }

  /** Housekeeping: forgets nonce uses that expired. */
  prune(): void {
    this.nonces.prune();
  }
}

/** The HA1 values to store for `username` / `password` in `realm`. */
export function credentialHashes(
  username: string,
  realm: string,
  password: string,
): { ha1Md5: string; ha1Sha256: string } {
  return {
    ha1Md5: computeHa1('MD5', username, realm, password),
    ha1Sha256: computeHa1('SHA-256', username, realm, password),
  };
}
