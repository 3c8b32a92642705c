import type { CallCommand } from './call-command.js';
import type { Call, Leg, Party } from './call.js';
import { copyCall, DEFAULT_PACKET_MS, movedLeg } from './call.js';
import type { Codec } from './codec.js';
import type { MediaTarget } from './media.js';
import { callCodec, reconcileMedia, talkingLegs } from './media-plan.js';
import { Q850 } from './q850.js';
import { releaseCall } from './release.js';
import { Step } from './step.js';
import { decideSrtp } from './srtp.js';
import { bridgeSide, legSide } from './srtp-plan.js';

/**
 * Ad hoc conference (issue #15; CUCM 4.2(3) CDR definition, "Conference Calls"): the controller (A)
 * talks to B, presses Confrn (B is held), calls C, and presses Confrn again. Each of the three then
 * has a call of its own into the node's conference bridge, which mixes their audio; A's original
 * and consultation calls end. Media still flows phone to bridge: each phone is told to send to its
 * own port of the bridge, and the bridge to send the mix to the phone.
 *
 * CDRs as CUCM writes them: the original and the consultation call end "on behalf of" a conference;
 * each party's call goes "into" the bridge, whose number (b00…) is the final called party, with the
 * conference controller in the comment and the conference's id as destConversationID. When two
 * parties remain they are joined directly (join.ts) and the bridge is released: one more record.
 */

/** CUCM's OnBehalfOf code of a conference (CDR fields *OnBehalfOf, joinOnBehalfOf). */
export const ON_BEHALF_OF_CONFERENCE = 4;

/** The codecs the bridge mixes (media/conference-bridge.ts: G.711 only, no transcoding). */
export const BRIDGE_CODECS: readonly Codec[] = ['PCMU', 'PCMA'];

/** The bridge as a conference's parties call into it. */
export interface BridgeEnd {
  /** The bridge device's name (CUCM: CFB_n): the device of every bridge leg. */
  deviceName: string;
  /** The conference: the bridge legs' line (a port of the bridge, in CUCM's words). */
  conference: number;
  /** The bridge's number in CDRs and on the phones: CUCM's "b0019901001" form. */
  number: string;
}

/** One party as it enters the conference: its leg, and the codec it talks to the bridge in. */
export interface ConferenceParty {
  leg: Leg;
  codec: Codec;
}

export interface ConferenceRequest {
  /** A's call with B (usually held by A), and A's leg in it. */
  held: Call;
  heldLeg: number;
  /** A's consultation call with C (answered), and A's leg in it. */
  consult: Call;
  consultLeg: number;
  now: number;
}

export type ConferenceRefusal =
  'same-call' | 'held-call-not-talking' | 'consult-not-answered' | 'no-common-codec' | 'encryption-required';

/**
 * The three parties (A's leg of the held call, B, C) and the codec each talks to the bridge in, or
 * why a conference cannot be made of these two calls now. Pure; nothing is changed.
 */
export function conferenceParties(request: ConferenceRequest): ConferenceParty[] | ConferenceRefusal {
  const { held, consult } = request;
  if (held.id === consult.id) return 'same-call';
  const heldTalk = talkingLegs(held);
  const controller = heldTalk?.find((leg) => leg.id === request.heldLeg);
  if (!heldTalk || !controller) return 'held-call-not-talking';
  const consultTalk =
    consult.state === 'connected' || consult.state === 'on-hold' ? talkingLegs(consult) : null;
  const consultController = consultTalk?.find((leg) => leg.id === request.consultLeg);
  if (!consultTalk || !consultController) return 'consult-not-answered';
  const b = heldTalk[0] === controller ? heldTalk[1] : heldTalk[0];
  const c = consultTalk[0] === consultController ? consultTalk[1] : consultTalk[0];
  const parties: ConferenceParty[] = [];
  for (const leg of [controller, b, c]) {
    const codec = callCodec(leg.media.codecs, BRIDGE_CODECS);
    if (!codec || !BRIDGE_CODECS.includes(codec)) return 'no-common-codec';
    // The bridge mixes plain RTP: a party whose policy needs encrypted media keeps its calls (srtp.ts).
    if (decideSrtp(legSide(leg, true), bridgeSide('the bridge')).kind === 'refused')
      return 'encryption-required';
    parties.push({ leg, codec });
  }
  return parties;
}

/** Each party's bridge leg: its id, and the port of the bridge the party's phone sends to. */
export interface BridgePort {
  legId: number;
  callId: number;
  /** Where the bridge receives this party's audio. */
  receive: MediaTarget;
}

export interface ConferenceResult {
  /** A's original and consultation calls, ended (A's consultation leg cleared on its phone). */
  ended: { call: Call; commands: CallCommand[] }[];
  /** One call per party (A, B, C, in that order) into the bridge, connected. */
  parties: { call: Call; commands: CallCommand[] }[];
}

/**
 * Makes the conference: A's held leg, B and C each get a call into the bridge (ports given in the
 * parties' order: A, B, C), and A's two calls end. Pure: the given calls are not changed.
 */
export function conferenceCalls(
  request: ConferenceRequest,
  bridge: BridgeEnd,
  ports: readonly BridgePort[],
): ConferenceResult | ConferenceRefusal {
  const held = copyCall(request.held);
  const consult = copyCall(request.consult);
  const parties = conferenceParties({ ...request, held, consult });
  if (typeof parties === 'string') return parties;
  if (ports.length !== parties.length) throw new Error('a conference needs one bridge port per party');
  const controller = parties[0].leg;
  const part = {
    id: bridge.conference,
    controllerDn: controller.party.number,
    controllerDevice: controller.deviceName,
  };
  // The legs that go on, taken before their old calls mark them gone.
  const moving = parties.map(({ leg }) => movedLeg(leg, 'orig'));
  const ended = [held, consult].map((call) => {
    const step = new Step(request.now);
    for (const { leg } of parties) if (call.legs.includes(leg)) leg.state = 'released';
    // A's consultation leg is the one leg that leaves: its phone ends that call.
    releaseCall(call, { side: 'orig', cause: Q850.normalClearing }, step);
    call.conference = { role: 'setup', ...part };
    return { call, commands: step.commands };
  });

  const calls = parties.map(({ codec }, i) => {
    const step = new Step(request.now);
    const port = ports[i];
    const party = moving[i];
    const bridgeParty: Party = { number: bridge.number, name: 'Conference' };
    const bridgeLeg: Leg = {
      id: port.legId,
      side: 'dest',
      deviceName: bridge.deviceName,
      line: bridge.conference,
      party: bridgeParty,
      address: port.receive.address,
      state: 'connected',
      media: {
        codecs: [codec],
        // The bridge says where it receives before the call exists (like a SIP phone's SDP).
        solicited: false,
        receive: {
          address: port.receive.address,
          port: port.receive.port,
          codecs: [codec],
          direction: 'sendrecv',
        },
        opening: false,
        sendingTo: null,
        answerDue: false,
        lastReceive: {
          address: port.receive.address,
          port: port.receive.port,
          codecs: [codec],
          direction: 'sendrecv',
        },
      },
      refusal: null,
    };
    const call: Call = {
      id: port.callId,
      state: 'connected',
      // All calls go "into" the bridge, whatever their first direction (CDR definition).
      dialled: bridge.number,
      calledDn: bridge.number,
      calledName: 'Conference',
      legs: [party, bridgeLeg],
      codec,
      packetMs: DEFAULT_PACKET_MS,
      originatedAt: request.now,
      connectedAt: request.now,
      releasedAt: null,
      clearing: null,
      destLeg: bridgeLeg.id,
      redirects: [],
      forwardStop: null,
      conference: { role: 'party', ...part },
    };
    party.state = 'connected';
    step.tell(party, { kind: 'call-state', state: 'connected', remote: bridgeParty });
    step.tell(party, { kind: 'prompt', prompt: 'connected' });
    reconcileMedia(call, step);
    return { call, commands: step.commands };
  });
  return { ended, parties: calls };
}

/** Why a conference was not made, for the log (the calls stay as they were). */
export const CONFERENCE_REFUSAL_TEXT: Record<ConferenceRefusal, string> = {
  'same-call': 'both presses name the same call',
  'held-call-not-talking': 'the first call is not answered (or the phone is not one of its two parties)',
  'consult-not-answered': 'the consultation call is not answered yet (a conference joins parties who talk)',
  'no-common-codec': 'one of the three phones has no G.711 codec, the only ones the conference bridge mixes',
  'encryption-required':
    'one of the three phones requires encrypted media (MediaEncryption required, or an RTP/SAVP-only offer) and the conference bridge mixes plain RTP only',
};
