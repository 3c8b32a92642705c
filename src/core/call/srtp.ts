/**
 * SRTP keys carried end to end (SDES, RFC 4568): each phone's SDP says, in `a=crypto` lines, the key
 * it encrypts what it sends with; the node hands each phone the other's key and never touches the
 * media. Which calls are encrypted is a policy of each device (MediaEncryption) decided here, pure.
 */

/** A device's media encryption policy (a Phone Security Profile's, when one is set). */
export type MediaEncryption = 'off' | 'preferred' | 'required';

export const MEDIA_ENCRYPTIONS: readonly MediaEncryption[] = ['off', 'preferred', 'required'];

/**
 * SDES crypto suites the node passes on, with the bytes of master key + master salt each carries in
 * `inline:` (RFC 4568 §6.2: 128-bit key + 112-bit salt; RFC 6188 §7.1: 256-bit key + 112-bit salt;
 * RFC 7714 §12: 128/256-bit key + 96-bit salt).
 */
export const SRTP_SUITES = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  AES_256_CM_HMAC_SHA1_80: 46,
  AES_256_CM_HMAC_SHA1_32: 46,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
} as const;

export type SrtpSuite = keyof typeof SRTP_SUITES;

export function isSrtpSuite(name: string): name is SrtpSuite {
  return Object.prototype.hasOwnProperty.call(SRTP_SUITES, name);
}

/** One `a=crypto:<tag> <suite> <key-params> [<session-params>]` line, validated. */
export interface CryptoAttribute {
  tag: number;
  suite: SrtpSuite;
  /** The key parameters as the phone wrote them (`inline:<key||salt>[|lifetime][|MKI:len]`, `;`-separated). */
  keyParams: string;
  sessionParams: readonly string[];
}

/** What a phone's SDP offered or answered for SRTP. */
export interface SrtpDescription {
  /** Its usable crypto lines, most preferred first (never empty). */
  lines: readonly CryptoAttribute[];
  /** RTP/SAVP: the phone takes encrypted media only; false for RTP/AVP with crypto lines (best effort). */
  mandatory: boolean;
}

/** The key a phone is given to decrypt what the other phone sends (the other's crypto line). */
export interface SrtpKey {
  suite: SrtpSuite;
  keyParams: string;
  sessionParams: readonly string[];
  /** Write the SDP as RTP/SAVP (false: RTP/AVP with a=crypto, as the phone itself offered). */
  mandatory?: boolean;
}

/** One end of a call as the SRTP decision sees it. */
export interface SrtpSide {
  deviceName: string;
  policy: MediaEncryption;
  /**
   * Its SDES description; null when it has none (no a=crypto, an SCCP phone, the conference bridge);
   * undefined when not known yet (a SIP callee before its answer).
   */
  srtp: SrtpDescription | null | undefined;
  /** Why it has none, for the refusal text: "is an SCCP phone", "offered no a=crypto" … */
  without: string;
}

export type SrtpVerdict =
  | { kind: 'encrypted'; suite: SrtpSuite }
  | { kind: 'plain' }
  /** Not decidable until the other side says what it offers. */
  | { kind: 'pending' }
  /** The call cannot go on under the policies: Q.850 65, SIP 488 with `reason`. */
  | { kind: 'refused'; reason: string };

/** The crypto lines a side may use: none when its policy is off. */
function usable(side: SrtpSide): readonly CryptoAttribute[] | undefined {
  if (side.policy === 'off' || side.srtp === null) return [];
  if (side.srtp === undefined) return undefined;
  return side.srtp.lines;
}

/** The side takes encrypted media only: its policy requires it, or it offered RTP/SAVP alone. */
function demands(side: SrtpSide): boolean {
  return side.policy === 'required' || (side.policy !== 'off' && side.srtp?.mandatory === true);
}

function cannot(side: SrtpSide): string {
  if (side.srtp !== null && side.policy === 'off') return `${side.deviceName} has media encryption off`;
  return `${side.deviceName} ${side.without}`;
}

function whyDemands(side: SrtpSide): string {
  return side.policy === 'required'
    ? `${side.deviceName} requires encrypted media (MediaEncryption required)`
    : `${side.deviceName} offered only RTP/SAVP (SRTP)`;
}

/**
 * Whether the call between `caller` and `callee` is encrypted (the caller's preferred suite that
 * the callee has), plain RTP, refused, or not decidable yet. 'off' never encrypts; 'preferred'
 * encrypts when both ends can; 'required' refuses a peer that cannot.
 */
export function decideSrtp(caller: SrtpSide, callee: SrtpSide): SrtpVerdict {
  for (const side of [caller, callee]) {
    // RFC 3264 §6: an answer keeps the offer's transport; RTP/AVP cannot answer RTP/SAVP.
    if (side.policy === 'off' && side.srtp?.mandatory)
      return {
        kind: 'refused',
        reason: `${side.deviceName} offered only RTP/SAVP (SRTP) but its media encryption is off: set it to preferred or required, or configure the phone for RTP`,
      };
  }
  const a = usable(caller);
  const b = usable(callee);
  for (const [side, other, lines] of [
    [caller, callee, b],
    [callee, caller, a],
  ] as const) {
    if (demands(side) && lines !== undefined && lines.length === 0)
      return { kind: 'refused', reason: `${whyDemands(side)} and ${cannot(other)}` };
  }
  if (a === undefined || b === undefined) return { kind: 'pending' };
  const suite = a.find((line) => b.some((other) => other.suite === line.suite))?.suite;
  if (suite) return { kind: 'encrypted', suite };
  if (a.length > 0 && b.length > 0 && (demands(caller) || demands(callee)))
    return {
      kind: 'refused',
      reason: `${caller.deviceName} and ${callee.deviceName} have no SRTP crypto suite in common`,
    };
  if (demands(caller) || demands(callee))
    return { kind: 'refused', reason: `${whyDemands(demands(caller) ? caller : callee)}` };
  return { kind: 'plain' };
}

/** A side's line of `suite`, as the key the other phone is given. */
export function keyOf(srtp: SrtpDescription | null | undefined, suite: SrtpSuite): SrtpKey | null {
  const line = srtp?.lines.find((l) => l.suite === suite);
  return line ? { suite, keyParams: line.keyParams, sessionParams: line.sessionParams } : null;
}

export function sameKey(a: SrtpKey | undefined, b: SrtpKey | undefined): boolean {
  if (!a || !b) return a === b;
  return a.suite === b.suite && a.keyParams === b.keyParams && a.mandatory === b.mandatory;
}
