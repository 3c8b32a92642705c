import type { Call, Clearing, Leg } from './call.js';
import { Q850 } from './q850.js';
import { failCall } from './release.js';
import type { MediaEncryption, SrtpSide, SrtpVerdict } from './srtp.js';
import { decideSrtp } from './srtp.js';
import type { Step } from './step.js';

/**
 * Where the call model applies the devices' media encryption policies (srtp.ts): at routing (what is
 * known of each device before it rings), at answer (a SIP callee's offer), on each new SDP of a
 * talking call, and when a transfer or a conference makes a new pair of phones.
 */

const NO_SRTP_SCCP = 'is an SCCP phone (the node passes SRTP keys to SIP phones only)';
const NO_SRTP_SIP = 'offered no SRTP key (no a=crypto line)';

/**
 * A leg as the SRTP decision sees it. `known`: what it said so far is all it will say (a SIP phone
 * that has sent no SDP then has no key); otherwise a SIP phone not heard from yet is pending.
 */
export function legSide(leg: Leg, known: boolean): SrtpSide {
  const policy = leg.encryption ?? 'off';
  if (leg.media.solicited) return { deviceName: leg.deviceName, policy, srtp: null, without: NO_SRTP_SCCP };
  const description = leg.media.receive ?? leg.media.lastReceive;
  const srtp = description ? (description.srtp ?? null) : known ? null : undefined;
  return { deviceName: leg.deviceName, policy, srtp, without: NO_SRTP_SIP };
}

/** A device about to be offered the call: an SCCP phone has no key; a SIP phone says at its answer. */
export function targetSide(target: {
  deviceName: string;
  solicitedMedia: boolean;
  encryption?: MediaEncryption;
}): SrtpSide {
  return {
    deviceName: target.deviceName,
    policy: target.encryption ?? 'off',
    srtp: target.solicitedMedia ? null : undefined,
    without: target.solicitedMedia ? NO_SRTP_SCCP : NO_SRTP_SIP,
  };
}

/** The conference bridge mixes plain RTP: it has no key (CUCM's secure conference needs a secure bridge). */
export function bridgeSide(deviceName: string): SrtpSide {
  return {
    deviceName,
    policy: 'off',
    srtp: null,
    without: 'is the conference bridge, which mixes plain RTP only',
  };
}

/** The verdict for the two talking (or answering) legs of a call. */
export function legsVerdict(caller: Leg, callee: Leg, known: boolean): SrtpVerdict {
  return decideSrtp(legSide(caller, known), legSide(callee, known));
}

/** Takes an 'encrypted' or 'plain' verdict into the call. */
export function applyVerdict(call: Call, verdict: SrtpVerdict): void {
  if (verdict.kind === 'encrypted') {
    call.srtp = verdict.suite;
    call.mediaEncrypted = true;
  } else if (verdict.kind === 'plain') delete call.srtp;
}

/**
 * The policies refuse the call (Q.850 65, bearer capability not implemented: SIP 488): the caller
 * hears reorder and reads why (SCCP: a prompt; SIP: a Warning), and the CDR's comment keeps the reason.
 */
export function refuseForEncryption(call: Call, reason: string, side: Clearing['side'], step: Step): void {
  call.encryptionRefusal ??= reason;
  failCall(call, Q850.bearerCapabilityNotImplemented, side, step, {
    reason,
    prompt: 'encryption-refused',
  });
}
