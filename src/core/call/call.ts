import type { Codec } from './codec.js';
import type { MediaDescription, MediaTarget } from './media.js';
import type { Q850Cause } from './q850.js';
import type { MediaEncryption, SrtpSuite } from './srtp.js';

/**
 * A call: two or more legs (one per device involved) that the node joins. Media flows phone to
 * phone; the call only tells each phone where to send (calls.md §0).
 */
export type CallState =
  /** Created, before the caller's off-hook is processed. */
  | 'idle'
  /** The caller is dialling: digits collected one by one, T302 running. */
  | 'dialling'
  /** The number is complete; the node is finding the devices of the DN. */
  | 'proceeding'
  /** The callee's devices ring; the caller hears ring-back. */
  | 'alerting'
  | 'connected'
  /** Connected, and at least one side has put the call on hold. */
  | 'on-hold'
  /** The call could not be completed; the caller hears busy or reorder until it hangs up. */
  | 'failed'
  | 'released';

export type LegState =
  | 'dialling'
  | 'proceeding'
  /** The caller's leg while the callee rings. */
  | 'alerting'
  /** A callee's leg while its phone rings. */
  | 'ringing'
  | 'connected'
  /** This phone put the call on hold. */
  | 'on-hold'
  /** A device sharing the DN, after another device answered (shared line). */
  | 'in-use-remotely'
  /** The caller's leg of a call that failed: tone and prompt until it hangs up. */
  | 'failed'
  | 'released';

/** A number and the name shown with it (caller ID, CallInfo, Remote-Party-ID). */
export interface Party {
  number: string;
  name: string;
}

/** Why a call was forwarded; the words are RFC 5806's Diversion reasons. */
export type ForwardReason = 'unconditional' | 'user-busy' | 'no-answer';

/** One forward the call followed. */
export interface Redirect {
  /** The DN that forwarded (and its name when known). */
  from: Party;
  /** The number it forwarded to. */
  to: string;
  reason: ForwardReason;
}

/** Why a chain of forwards was stopped: the call then fails with reorder (CUCM: reorder tone). */
export interface ForwardStop {
  kind: 'loop' | 'hop-limit';
  /** The DN whose forward was not followed, and where it pointed. */
  from: string;
  to: string;
}

/** What the call knows of a leg's media (calls.md §7 lesson 3: one media state per leg). */
export interface LegMedia {
  /** What the phone can receive: SCCP capabilities or a SIP offer, most preferred first. */
  codecs: readonly Codec[];
  /**
   * The phone tells its receive address only when asked (SCCP: OpenReceiveChannel, then the Ack);
   * false for phones that volunteer it (SIP, in every offer and answer).
   */
  solicited: boolean;
  /** Where the phone receives now: its newest OpenReceiveChannelAck or SDP. */
  receive: MediaDescription | null;
  /** An open-receive-channel was sent and its answer is awaited (never sent twice). */
  opening: boolean;
  /** Where the phone was last told to send; null when it sends nothing. */
  sendingTo: MediaTarget | null;
  /** The phone made an offer (SDP) that still needs its answer: the next start-media carries it. */
  answerDue: boolean;
  /** The last receive address seen, kept for the CDR after the channel closes. */
  lastReceive: MediaDescription | null;
  /** Held by the other phone: music asked for (its receive address awaited) or playing (music.ts); absent: none. */
  music?: 'asked' | 'playing';
}

export interface Leg {
  /** Unique among the node's live legs (the CDR's leg call identifier). */
  id: number;
  /** The call's originating leg, or one of the devices called. */
  side: 'orig' | 'dest';
  deviceName: string;
  /** Line button (1-based) the call is on. */
  line: number;
  /** The directory number of that line, and its name. */
  party: Party;
  /** Signalling address of the device (for the CDR's origIpAddr/destIpAddr), when known. */
  address: string | null;
  state: LegState;
  media: LegMedia;
  /** Why a called device refused or could not be reached, once it did. */
  refusal: Q850Cause | null;
  /** The device's media encryption policy (srtp.ts); 'off' when absent. */
  encryption?: MediaEncryption;
}

/** Why and by whom the call was cleared: CDR origCause_value / destCause_value. */
export interface Clearing {
  /** Who cleared: the caller's side, or the destination's (a callee, or the network on its behalf). */
  side: 'orig' | 'dest';
  cause: Q850Cause;
}

export interface Call {
  /** globalCallID_callId: sequential on the node. */
  id: number;
  state: CallState;
  /** Digits as dialled (with a closing # if pressed): originalCalledPartyNumber. */
  dialled: string;
  /** The DN the call was routed to: finalCalledPartyNumber. */
  calledDn: string | null;
  /** The called DN's name, once routed (shown on the caller's phone). */
  calledName: string;
  legs: Leg[];
  /** The one codec both phones use; chosen at answer. */
  codec: Codec | null;
  packetMs: number;
  /** Epoch milliseconds. */
  originatedAt: number;
  connectedAt: number | null;
  releasedAt: number | null;
  clearing: Clearing | null;
  /** The destination device that answered (or was offered the call first), for the CDR. */
  destLeg: number | null;
  /** Each forward followed, oldest first: CDR, CallInfo, Diversion (replaced, never changed in place). */
  redirects: readonly Redirect[];
  /** A forward loop or the hop limit that stopped the chain, for the troubleshooter. */
  forwardStop: ForwardStop | null;
  /** The DN the call last left for another (a pickup: the DN that rang): CDR lastRedirectDn. */
  lastRedirectDn?: string;
  /**
   * A transfer's part in this call (join.ts): `split`, one of the two calls the transferor left (the
   * CDR's causes say split); `joined`, the call it made of the other two parties. Absent otherwise.
   */
  transfer?: 'split' | 'joined';
  /** A conference's part in this call (conference.ts): setup, a party's call into the bridge, or the last two joined. */
  conference?: ConferencePart;
  /** The SRTP suite both phones encrypt with (keys passed end to end, srtp.ts); absent: plain RTP. */
  srtp?: SrtpSuite;
  /** The media was encrypted at some point of the call (CDR callSecuredStatus). */
  mediaEncrypted?: boolean;
  /** Why the devices' media encryption policies refused the call (srtp-plan.ts), for the CDR and logs. */
  encryptionRefusal?: string;
}

/** A call's part in a conference, for its CDR. */
export interface ConferencePart {
  /** `setup`: A's original or consultation call; `party`: one party's call into the bridge; `joined`: the last two parties joined directly. */
  role: 'setup' | 'party' | 'joined';
  /** The conference (destConversationID). */
  id: number;
  /** The controller's DN and device (CDR comment ConfControllerDn / ConfControllerDeviceName). */
  controllerDn: string;
  controllerDevice: string;
}

/** What an adapter tells about the phone that starts a call. */
export interface OriginatingDevice {
  deviceName: string;
  line: number;
  party: Party;
  address: string | null;
  codecs: readonly Codec[];
  /** See LegMedia.solicited. */
  solicitedMedia: boolean;
  /** Its media encryption policy; 'off' when absent. */
  encryption?: MediaEncryption;
}

export const DEFAULT_PACKET_MS = 20;

export function newLeg(id: number, side: Leg['side'], device: OriginatingDevice, state: LegState): Leg {
  return {
    id,
    side,
    deviceName: device.deviceName,
    line: device.line,
    party: device.party,
    address: device.address,
    state,
    media: {
      codecs: device.codecs,
      solicited: device.solicitedMedia,
      receive: null,
      opening: false,
      sendingTo: null,
      answerDue: false,
      lastReceive: null,
    },
    refusal: null,
    encryption: device.encryption ?? 'off',
  };
}

/** A call in its first state; its first event is the caller's off-hook. */
export function newCall(id: number, legId: number, caller: OriginatingDevice, now: number): Call {
  return {
    id,
    state: 'idle',
    dialled: '',
    calledDn: null,
    calledName: '',
    legs: [newLeg(legId, 'orig', caller, 'dialling')],
    codec: null,
    packetMs: DEFAULT_PACKET_MS,
    originatedAt: now,
    connectedAt: null,
    releasedAt: null,
    clearing: null,
    destLeg: null,
    redirects: [],
    forwardStop: null,
  };
}

export function originLeg(call: Call): Leg {
  return call.legs[0];
}

/** The destination leg that answered, if any. */
export function answeredLeg(call: Call): Leg | undefined {
  return call.legs.find(
    (leg) => leg.side === 'dest' && (leg.state === 'connected' || leg.state === 'on-hold'),
  );
}

/** Legs still to be told something: neither released nor gone. */
export function liveLegs(call: Call): Leg[] {
  return call.legs.filter((leg) => leg.state !== 'released');
}

/**
 * A leg as it enters another call (a transfer's joined call, a conference): its side there, and
 * its media to be set up again. A phone that reports its address when asked keeps an open channel
 * (it is re-pointed); one closed by hold is asked again. The other end is new, so every phone is
 * told where to send. Music on hold ends with the call that held it (the service stops its stream
 * at that call's end).
 */
export function movedLeg(leg: Leg, side: Leg['side']): Leg {
  const { music: _music, ...rest } = leg.media;
  return { ...leg, side, media: { ...rest, sendingTo: null, answerDue: false } };
}

/** A copy whose legs and their media can be changed without touching the original. */
export function copyCall(call: Call): Call {
  return { ...call, legs: call.legs.map((leg) => ({ ...leg, media: { ...leg.media } })) };
}
