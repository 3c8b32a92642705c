/**
 * RFC 3261 §10.3 steps 2–3 for a REGISTER that is not a plain refresh: which device it comes from
 * (the message's own name, its Call-ID, its digest user), and whether it proved it when the device
 * has credentials. An address that keeps failing is refused before any lookup or hashing.
 */
import type { Logger } from 'pino';
import type { DigestPolicy } from '../auth/digest-policy.js';
import type { SipRequest } from '../message.js';
import type { BindingStore } from './binding-store.js';
import type { CredentialLookup, StoredCredential } from './credentials.js';
import type { MessageIdentity } from './device-identity.js';
import type { AuthGate, RegistrarGuards } from './registrar-guards.js';
import { randomBytes } from 'node:crypto';
import type { RegistrarReply } from './replies.js';
import { challengeReply, digestRefusalReply } from './replies.js';

export type Authentication =
  /** Answer this (a challenge, or a refusal at a limit) and stop. */
  | { readonly kind: 'reply'; readonly reply: RegistrarReply }
  /**
   * No device is known by any of the REGISTER's names; `reply` is what a device with credentials would
   * have been answered (a challenge, or a refused digest answer), so that the answer tells nothing.
   */
  | { readonly kind: 'unknown'; readonly reply: RegistrarReply }
  /** The device has credentials and the REGISTER's did not match them (`detail` says how). */
  | { readonly kind: 'failed'; readonly deviceName: string; readonly detail: string }
  /** The REGISTER's credentials do not answer the challenge for this request (no qop, another URI). */
  | { readonly kind: 'invalid'; readonly deviceName: string; readonly detail: string }
  /** The device, and its credentials when it has some (then verified). */
  | { readonly kind: 'ok'; readonly deviceName: string; readonly credential: StoredCredential | null };

export class DeviceAuthenticator {
  constructor(
    private readonly deps: {
      bindings: BindingStore;
      credentials: CredentialLookup;
      digest: DigestPolicy;
      guards: RegistrarGuards;
      authThrottle: AuthGate;
      logger: Logger;
      /** warn-agent of Warning headers. */
      warnAgent: string;
    },
  ) {}

  async authenticate(
    request: SipRequest,
    address: string,
    identity: MessageIdentity,
  ): Promise<Authentication> {
    const { bindings, credentials, digest, guards, authThrottle } = this.deps;
    const aor = identity.user;
    // README (Security and limits): a REGISTER with credentials from an address that keeps failing is refused
    // before any lookup or hashing; one without credentials is still challenged (a 401 costs no hash).
    const digestUser = digest.username(request);
    if (digestUser !== undefined) {
      const refused = guards.unnameable(digestUser, address) ?? guards.throttled(address);
      if (refused !== null) return { kind: 'reply', reply: refused };
    }
    let deviceName = identity.deviceName;
    let credential: StoredCredential | null | undefined;
    if (deviceName === undefined) {
      // A phone keeps one Call-ID per line across refreshes (sip-cisco.md §1.3): it names the device too.
      const bound = bindings.withCallId(request.callId);
      if (bound !== undefined && bound.aor === aor) deviceName = bound.device.name;
    }
    if (deviceName === undefined) {
      // sip-cisco.md §2: a standard SIP phone is identified "by the digest user ID" (a DN or user name).
      const username = digestUser ?? aor;
      credential = username === '' ? null : await credentials.byUsername(username);
      if (credential !== null) deviceName = credential.deviceName;
      // Credentials for a user that does not exist are a failed authentication too (a guesser of user names).
      else if (digestUser !== undefined) authThrottle.failed(address);
    }
    if (deviceName === undefined) return { kind: 'unknown', reply: this.asIfKnown(request, digestUser) };
    // RFC 3261 §10.3 step 3: "the registrar ... MUST authenticate the UAC" when it has credentials to check.
    // Read from the store, not the registered device's copy: credentials changed on another node of a cluster
    // apply at the device's next registration here.
    credential ??= await credentials.byDevice(deviceName);
    if (credential === null) return { kind: 'ok', deviceName, credential };
    const verdict = digest.verify(request, credential);
    if (verdict.kind === 'missing' || verdict.kind === 'stale' || verdict.kind === 'replay') {
      return { kind: 'reply', reply: challengeReply(digest.challenges(request, verdict.kind === 'stale')) };
    }
    if (verdict.kind === 'failed' || verdict.kind === 'invalid') {
      this.deps.logger.debug(
        { device: deviceName, detail: verdict.detail },
        'SIP digest authentication failed',
      );
      authThrottle.failed(address);
      return { kind: verdict.kind, deviceName, detail: verdict.detail };
    }
    authThrottle.succeeded(address);
    return { kind: 'ok', deviceName, credential };
  }

  /**
   * What a REGISTER naming no known user or device is answered: what a device with credentials whose
   * password the sender does not know would get. Without credentials a challenge; with them, the
   * verdict of a check against credentials nobody has (the same checks and the same hashing).
   */
  private asIfKnown(request: SipRequest, username: string | undefined): RegistrarReply {
    const { digest, warnAgent } = this.deps;
    if (username === undefined) return challengeReply(digest.challenges(request, false));
    const nobody = randomBytes(16).toString('hex');
    const verdict = digest.verify(request, {
      deviceName: '',
      username,
      realm: digest.realm,
      ha1Md5: nobody,
      ha1Sha256: nobody + nobody,
    });
    switch (verdict.kind) {
      case 'missing':
      case 'stale':
      case 'replay':
        return challengeReply(digest.challenges(request, verdict.kind === 'stale'));
      case 'invalid':
        return digestRefusalReply('invalid', warnAgent);
      default:
        return digestRefusalReply('failed', warnAgent);
    }
  }
}
