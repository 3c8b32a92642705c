import type { Codec } from './codec.js';
import type { MediaDescription, MediaTarget } from './media.js';
import type { Q850Cause } from './q850.js';
import type { MediaEncryption } from './srtp.js';
import type { Leg, Party } from './call.js';
import type { DialPlanView } from './dial-plan.js';
import type { DnFeatures } from '../line-settings.js';
import type { PickupCodes } from './pickup.js';

/** A device the routed DN is on, as the call service found it (DnLocator). */
export interface RouteTarget {
  /** Leg id the service gives the new leg. */
  legId: number;
  deviceName: string;
  line: number;
  /** The DN and its name on that device. */
  party: Party;
  address: string | null;
  /** What the phone can receive, when known before it answers (SCCP capabilities); null for a SIP phone. */
  codecs: readonly Codec[] | null;
  solicitedMedia: boolean;
  /** The device is already in another call: the call is offered to it as call waiting. */
  waiting?: boolean;
  /** Its media encryption policy; 'off' when absent. */
  encryption?: MediaEncryption;
}

/**
 * What adapters (and the call service's timers and routing) tell a call. `leg` names the leg the
 * event comes from. A SIP CANCEL is a hang-up of the caller's leg before answer.
 */
export type CallEvent =
  /** The caller's phone went off-hook (handset, speaker, NewCall, line key, or an INVITE). */
  | { kind: 'off-hook' }
  /** One key pressed while dialling: 0-9, *, or # (ends dialling). */
  | { kind: 'digit'; digit: string }
  /** The whole number at once (SCCP EnblocCall, SIP INVITE request-URI): dialling is complete. */
  | { kind: 'digits'; digits: string }
  /** T302 expired: route what was dialled. */
  | { kind: 't302-expired' }
  /** The service found the devices of the DN (none when no device on it is registered). */
  | { kind: 'routed'; targets: RouteTarget[] }
  /** The service could not offer the call (every device busy, DN not registered): the cause says why. */
  | { kind: 'route-failed'; cause: Q850Cause }
  /** A called phone answered; a SIP callee's 200 OK carries its offer in `media`. */
  | { kind: 'answer'; leg: number; media?: MediaDescription }
  /**
   * Where a phone receives: an OpenReceiveChannelAck (`offer` false), or SDP — an offer (INVITE,
   * re-INVITE, a delayed-offer 200 OK) that the next start-media answers, or an answer.
   */
  | { kind: 'media'; leg: number; media: MediaDescription; offer: boolean }
  /** A phone could not open its receive channel (OpenReceiveChannelAck status ≠ 0). */
  | { kind: 'media-failed'; leg: number }
  | { kind: 'hold'; leg: number }
  | { kind: 'resume'; leg: number }
  /** A called phone forwarded the call itself (a SIP 3xx whose Contact names `target`). */
  | { kind: 'moved'; leg: number; target: string }
  /** A called phone refused as busy (SIP 486/600). */
  | { kind: 'busy'; leg: number }
  /** A called phone cannot be reached or refused: unregistered (27), declined (21), a SIP error's cause. */
  | { kind: 'unreachable'; leg: number; cause: Q850Cause }
  /** No answer within the ring timeout. */
  | { kind: 'ring-timeout' }
  /** No answer within the Forward No Answer time of a DN that has it set. */
  | { kind: 'no-answer-timeout' }
  /** On-hook, EndCall, BYE, or CANCEL. */
  | { kind: 'hang-up'; leg: number }
  /**
   * A phone of the pickup group picks this ringing call up (PickUp, GPickUp, the SIP pickup code):
   * `picker` is its leg, moved from the call it dialled the code on, and answers in place of the
   * ringing devices.
   */
  | { kind: 'pickup'; picker: Leg }
  /** The PickUp (`group` false) or GPickUp (`group` true) key on the caller's dialling leg. */
  | { kind: 'pickup-key'; leg: number; group: boolean };

/** What routing knows of forwards: each DN's settings (from a cache) and the hop limit. */
export interface ForwardView {
  features(dn: string): DnFeatures;
  /** CUCM "Forward Maximum Hop Count": forwards one call may follow. */
  maxHops: number;
}

export interface CallContext {
  /** Epoch milliseconds, from the service's clock. */
  now: number;
  dialPlan: DialPlanView;
  /** The DNs' forwards and the hop limit; absent: no call is forwarded. */
  forwards?: ForwardView;
  /** The call pickup feature codes (core/call/pickup.ts); DEFAULT_PICKUP_CODES when absent. */
  pickupCodes?: PickupCodes;
  /** Where the node streams music on hold from; absent: a held party hears silence (music.ts). */
  musicSource?: MediaTarget;
}
