/**
 * Digest authentication of REGISTERs from devices that have credentials (RFC 3261 §22.4,
 * RFC 7616, RFC 8760): challenges, verification against stored HA1 values, nonce expiry
 * (`stale=true`) and replay refusal.
 */
import type { DigestAlgorithm, DigestCredentials } from '../digest.js';
import { SIP_DIGEST_REALM } from '../../../core/sip-credential.js';
import { formatDigestChallenge, parseDigestCredentials, verifyDigestCredentials } from '../digest.js';
import type { SipRequest } from '../message.js';
import type { StoredCredential } from '../registrar/credentials.js';
import { parseSipUri, sipUriEquals } from '../uri.js';
import { NonceManager } from './nonces.js';

/** The realm challenges name unless told otherwise. */
export const DEFAULT_REALM = SIP_DIGEST_REALM;

/** The algorithms a challenge may offer: those whose HA1 the store keeps (credential-repository). */
export const OFFERABLE_ALGORITHMS = ['MD5', 'SHA-256'] as const;
export type OfferableAlgorithm = (typeof OFFERABLE_ALGORITHMS)[number];

/**
 * What phones that are not Cisco's are offered, most preferred first. MD5 alone: SIPp 3.6 answers
 * only the first challenge and only MD5, baresip 1.0 (libre 1.1) gives up on a 401 that names any
 * other algorithm in any of its challenges, and Debian's svcrack 0.3.3 crashes on SHA-256 first.
 * `--sip-digest-algorithms SHA-256,MD5` offers RFC 8760's order to fleets whose phones all cope.
 */
export const DEFAULT_OFFER: readonly OfferableAlgorithm[] = ['MD5'];

/** The offer from a setting (`MD5`, `SHA-256,MD5` or a list); throws naming what is wrong. */
export function parseDigestAlgorithms(value: string | readonly string[]): OfferableAlgorithm[] {
  const names = (typeof value === 'string' ? value.split(',') : value)
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (names.length === 0) throw new Error(`name at least one of ${OFFERABLE_ALGORITHMS.join(', ')}`);
  const offer: OfferableAlgorithm[] = [];
  for (const name of names) {
    const algorithm = OFFERABLE_ALGORITHMS.find((a) => a.toLowerCase() === name.toLowerCase());
    if (algorithm === undefined)
      throw new Error(
        `"${name}" is not an algorithm openucm keeps credentials for (${OFFERABLE_ALGORITHMS.join(', ')})`,
      );
    if (offer.includes(algorithm)) throw new Error(`${algorithm} is named twice`);
    offer.push(algorithm);
  }
  return offer;
}

/** The only quality of protection offered (RFC 7616 §3.3 qop-options). */
const OFFERED_QOP = 'auth';

export type DigestVerdict =
  | { readonly kind: 'ok'; readonly username: string }
  /** No usable Authorization: challenge. */
  | { readonly kind: 'missing' }
  /** Right password, old or foreign nonce: challenge with stale=true. */
  | { readonly kind: 'stale' }
  /** A nonce use seen before: challenge with a fresh nonce. */
  | { readonly kind: 'replay' }
  /** Credentials that do not answer our challenge for this request (no qop, another URI): 400. */
  | { readonly kind: 'invalid'; readonly detail: string }
  /** Wrong password, another user, or credentials that cannot be checked: refuse. */
  | { readonly kind: 'failed'; readonly detail: string };

export interface DigestPolicyOptions {
  realm?: string;
  now: () => number;
  /** How long a nonce is good for (default 300 s). */
  nonceLifetimeMs?: number;
  /** The algorithms offered to phones that are not Cisco's, most preferred first (default DEFAULT_OFFER). */
  algorithms?: readonly OfferableAlgorithm[];
}

/**
 * True when the digest `uri` names the resource of the Request-Line.
 * RFC 7616 §3.4.6: "The authenticating server MUST assure that the resource designated by the "uri" parameter
 * is the same as the resource specified in the Request-Line"; for SIP URIs "the same" is RFC 3261 §19.1.4.
 */
export function digestUriMatches(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  const a = parseSipUri(digestUri);
  const b = parseSipUri(requestUri);
  return a.ok && b.ok && sipUriEquals(a.uri, b.uri);
}

export class DigestPolicy {
  readonly realm: string;
  private readonly nonces: NonceManager;
  private readonly offer: readonly OfferableAlgorithm[];

  constructor(options: DigestPolicyOptions) {
    this.realm = options.realm ?? DEFAULT_REALM;
    this.offer =
      options.algorithms !== undefined && options.algorithms.length > 0 ? options.algorithms : DEFAULT_OFFER;
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
    const algorithms: readonly DigestAlgorithm[] = /^Cisco/i.test(ua) ? ['MD5'] : this.offer;
    return algorithms.map((algorithm) =>
      formatDigestChallenge({ realm: this.realm, nonce, algorithm, qop: [OFFERED_QOP], stale }),
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
    // Every challenge offers qop=auth. RFC 7616 §3.4 (qop): "Its value MUST be one of the alternatives the server
    // indicated it supports"; §3.3: qop "MUST be used by all implementations compliant with this version". Without
    // it, nothing (no nonce-count) stops a captured response from being sent again with a higher CSeq.
    if (cr.qop === undefined) {
      return {
        kind: 'invalid',
        detail: `the response carries no qop although the challenge offered qop="${OFFERED_QOP}" (RFC 7616 §3.4)`,
      };
    }
    if (cr.qop !== OFFERED_QOP) {
      return { kind: 'invalid', detail: `qop=${cr.qop} was not offered (only qop="${OFFERED_QOP}")` };
    }
    if (!digestUriMatches(cr.uri, request.uri)) {
      return {
        kind: 'invalid',
        detail: `the response was computed for uri "${cr.uri}", not for this request's Request-URI "${request.uri}" (RFC 7616 §3.4.6)`,
      };
    }
    const base = cr.algorithm.replace(/-sess$/, '');
    const ha1 = base === 'MD5' ? credential.ha1Md5 : base === 'SHA-256' ? credential.ha1Sha256 : undefined;
    if (ha1 === undefined) return { kind: 'invalid', detail: `algorithm ${cr.algorithm} is not offered` };
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
