/** The registrar's answers, as status, reason phrase and extra headers (the SIP server adds the rest). */
import type { Rejection } from '../../../core/rejection.js';
import { rejection } from '../../../core/rejection.js';
import type { Binding } from './binding-store.js';

export interface RegistrarReply {
  readonly status: number;
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** A quoted-string for a Warning text: quotes and backslashes escaped, line ends and controls dropped. */
export function warnText(text: string): string {
  // RFC 3261 §25.1: quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** RFC 3261 §20.43: `Warning: 399 <warn-agent> "<warn-text>"`; 399 is "Miscellaneous warning". */
export function warningHeader(agent: string, text: string): readonly [string, string] {
  return ['Warning', `399 ${agent} ${warnText(text)}`];
}

/** A refusal from the registration decision: its SIP status and phrase, the remedy as a Warning, and when to retry. */
export function rejectionReply(rejection: Rejection, agent: string): RegistrarReply {
  const headers = [warningHeader(agent, rejection.remedy)];
  const retryAfter = rejection.sip.retryAfter;
  // RFC 3261 §20.33: Retry-After = "Retry-After" HCOLON delta-seconds ...
  if (retryAfter !== undefined) headers.push(['Retry-After', String(retryAfter)]);
  return { status: rejection.sip.status, reason: rejection.sip.phrase, headers };
}

/** RFC 3261 §22.1: "the server ... SHOULD challenge the originator ... by rejecting the request with a 401". */
export function challengeReply(challenges: readonly string[]): RegistrarReply {
  return {
    status: 401,
    reason: 'Unauthorized',
    headers: challenges.map((c) => ['WWW-Authenticate', c] as const),
  };
}

/** The SIP status and phrase of the two digest refusals, from the one catalogue of rejections. */
const DIGEST_REFUSALS = {
  failed: rejection('sip-authentication-failed', { deviceName: '', nodeName: '', protocol: 'SIP' }).sip,
  invalid: rejection('sip-digest-invalid', { deviceName: '', nodeName: '', protocol: 'SIP' }).sip,
};

const DIGEST_REFUSAL_TEXTS = {
  failed:
    'authentication failed: set the SIP user and password on the phone to the ones configured for it ' +
    '(Device > Phone > SIP Credentials)',
  invalid:
    'the digest response does not answer the challenge for this request: openucm requires qop=auth and the ' +
    'Request-URI as digest uri (RFC 7616); update the phone firmware',
};

/**
 * A refused digest answer, as the phone is told it: the same for every user and device, known or not,
 * so that the answers do not tell a scanner (sipvicious svwar) which users exist or which device a user
 * belongs to. The registration event keeps what the operator needs (device, user, why).
 */
export function digestRefusalReply(kind: 'failed' | 'invalid', agent: string): RegistrarReply {
  const { status, phrase } = DIGEST_REFUSALS[kind];
  return { status, reason: phrase, headers: [warningHeader(agent, DIGEST_REFUSAL_TEXTS[kind])] };
}

let dateSecond = -1;
let dateText = '';

/** RFC 3261 §20.17: `Date: Sat, 13 Nov 2010 23:29:00 GMT` (RFC 1123, always GMT); cached per second. */
export function sipDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * 200 OK with the bindings of the device for the AOR.
 * RFC 3261 §10.3 step 8: "The response SHOULD contain a Contact header field enumerating all current bindings
 * ... each ... MUST contain an "expires" parameter indicating its expiration interval"; the Date may be added.
 * sip-cisco.md §2: like CUCM, a device sees (and changes) only its own bindings of a shared AOR.
 */
export function okReply(
  bindings: readonly Binding[],
  aor: string,
  now: number,
  granted?: number,
): RegistrarReply {
  const headers: Array<readonly [string, string]> = [];
  for (const b of bindings) {
    if (b.aor !== aor) continue;
    const left = Math.max(0, Math.round((b.expiresAt - now) / 1000));
    headers.push(['Contact', `${b.text};expires=${left}`]);
  }
  // sip-cisco.md §1.3: CUCM's 200 OK carries an Expires header, which Cisco phones read.
  if (granted !== undefined) headers.push(['Expires', String(granted)]);
  headers.push(['Date', sipDate(now)]);
  return { status: 200, reason: 'OK', headers };
}

/**
 * A REGISTER with credentials from an address that failed too often: refused before any hashing, with
 * when to try again. RFC 3261 §21.4.4: 403 "Authorization will not help, and the request SHOULD NOT be
 * repeated"; the Retry-After (§20.33 lists it for other statuses) and the Warning tell the operator when.
 */
export function throttledReply(until: Date, address: string, now: number, agent: string): RegistrarReply {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now) / 1000));
  return {
    status: 403,
    reason: 'Forbidden (too many failed authentications)',
    headers: [
      ['Retry-After', String(seconds)],
      warningHeader(
        agent,
        `too many failed authentications from ${address}; not checked, try again after ${until.toISOString()} (in ${seconds} s). If this is the phone, set its SIP password to the one configured for it`,
      ),
    ],
  };
}
