import type { CallCommand } from './call-command.js';
import type { Call, Leg } from './call.js';
import { copyCall, DEFAULT_PACKET_MS, movedLeg, originLeg } from './call.js';
import { callCodec, reconcileMedia, talkingLegs } from './media-plan.js';
import { applyVerdict, legsVerdict } from './srtp-plan.js';
import { Q850 } from './q850.js';
import { releaseCall } from './release.js';
import { Step } from './step.js';

/**
 * CUCM's cause for the calls a transfer splits: both sides of the original and of the consultation
 * call's CDR carry it (CUCM CDR guide, "Transferred Calls": split = 393216; reference calls.md §4.3).
 * It is not a Q.850 value: phones are told 16 (normal clearing), only the CDR says split.
 */
export const CALL_SPLIT = 393216;

/** What a transfer asks: the transferor's legs in the two calls it joins. */
export interface JoinRequest {
  /** The call with the party being transferred (B), usually on hold: A's leg `heldLeg` in it. */
  held: Call;
  heldLeg: number;
  /** The consultation call to the transfer target (C), talking or still ringing: A's leg in it. */
  consult: Call;
  consultLeg: number;
  /** The id of the call that joins B and C. */
  joinedId: number;
  now: number;
}

export interface JoinResult {
  /** The two calls A leaves, released (their CDRs say split), and what A's phones are told. */
  ended: { call: Call; commands: CallCommand[] }[];
  /** B and C in one call: connected, or C still ringing (early transfer) while B hears ring-back. */
  joined: { call: Call; commands: CallCommand[] };
}

/** Why a transfer cannot be done now; the transferor's calls stay as they are. */
export type JoinRefusal =
  | 'same-call'
  | 'held-call-not-talking'
  | 'consult-not-ready'
  | 'no-common-codec'
  /** B and C cannot talk under their media encryption policies (srtp.ts). */
  | 'encryption-mismatch';

/**
 * Joins the other party of A's held call (B) with the other party of A's consultation call (C) into
 * one call, and ends A's two legs (reference calls.md §1.5 "Consultative transfer", §2.4). The node
 * joins the legs itself; nothing is forwarded to anyone. Pure: the given calls are not changed.
 *
 * - C answered: B and C are connected at once, each told the other's identity, and media is set up
 *   between them as on resume (an SCCP phone is asked for its address again, a SIP one re-offered).
 * - C still rings (early, or blind, transfer): B becomes the caller of a ringing call and hears
 *   ring-back; C keeps ringing undisturbed (chan-sccp #294) and its answer connects it to B.
 */
export function joinCalls(request: JoinRequest): JoinResult | JoinRefusal {
  const held = copyCall(request.held);
  const consult = copyCall(request.consult);
  if (held.id === consult.id) return 'same-call';
  const transferor1 = held.legs.find((leg) => leg.id === request.heldLeg);
  const transferor2 = consult.legs.find((leg) => leg.id === request.consultLeg);
  const heldTalk = talkingLegs(held);
  if (!transferor1 || !heldTalk?.includes(transferor1)) return 'held-call-not-talking';
  const transferee = heldTalk[0] === transferor1 ? heldTalk[1] : heldTalk[0];
  const targets = targetsOf(consult, transferor2);
  if (!transferor2 || targets.length === 0) return 'consult-not-ready';
  const ringing = consult.state === 'alerting';
  const targetCodecs = ringing ? [] : targets[0].media.codecs;
  const codec = callCodec(transferee.media.codecs, targetCodecs);
  if (!codec) return 'no-common-codec';
  // C still ringing says at its answer whether it has a key (talk.ts answer()).
  const verdict = ringing ? null : legsVerdict(transferee, targets[0], true);
  if (verdict?.kind === 'refused') return 'encryption-mismatch';

  // The legs that stay, taken before their old calls mark them gone.
  const caller = movedLeg(transferee, 'orig');
  const called = targets.map((leg) => movedLeg(leg, 'dest'));
  const ended = [held, consult].map((call) => {
    const step = new Step(request.now);
    const moving = call === held ? [transferee] : targets;
    // The legs that move on are not cleared: only the call they leave ends.
    for (const leg of moving) leg.state = 'released';
    const transferor = call === held ? transferor1 : transferor2;
    releaseCall(call, { side: transferor.side, cause: Q850.normalClearing }, step);
    call.transfer = 'split';
    return { call, commands: step.commands };
  });

  const step = new Step(request.now);

  const joined: Call = {
    id: request.joinedId,
    state: ringing ? 'alerting' : 'connected',
    // What A dialled and reached: CUCM's final CDR of a transfer names C as the called party
    // (CUCM 4.2(3) CDR definition, "Transfer with Consultation": record C, 3071111 → 2002).
    dialled: consult.dialled || called[0].party.number,
    calledDn: consult.calledDn ?? called[0].party.number,
    calledName: consult.calledName || called[0].party.name,
    legs: [caller, ...called],
    codec: ringing ? null : codec,
    packetMs: DEFAULT_PACKET_MS,
    originatedAt: request.now,
    connectedAt: ringing ? null : request.now,
    releasedAt: null,
    clearing: null,
    destLeg: ringing ? consult.destLeg : called[0].id,
    // C may have been reached through a forward: the joined call's CDR keeps that history.
    redirects: consult.redirects,
    forwardStop: null,
    transfer: 'joined',
  };
  if (verdict) applyVerdict(joined, verdict);
  if (ringing) {
    caller.state = 'alerting';
    // B talked to A until now (A's phone may transfer without holding first): it stops, and is asked
    // for its address again when C answers.
    if (transferee.media.sendingTo !== null) {
      step.tell(caller, { kind: 'stop-media' });
      if (caller.media.solicited) caller.media.receive = null;
    }
    step.tell(caller, {
      kind: 'call-state',
      state: 'alerting',
      remote: { number: joined.calledDn ?? '', name: joined.calledName },
    });
    step.tell(caller, { kind: 'tone', tone: 'ringback' }, { kind: 'prompt', prompt: 'ring-out' });
    step.startTimer('ring');
  } else {
    const target = called[0];
    caller.state = 'connected';
    target.state = 'connected';
    step.tell(caller, { kind: 'call-state', state: 'connected', remote: target.party });
    step.tell(caller, { kind: 'prompt', prompt: 'connected' });
    step.tell(target, { kind: 'call-state', state: 'connected', remote: caller.party });
    step.tell(target, { kind: 'prompt', prompt: 'connected' });
    reconcileMedia(joined, step);
  }
  return { ended, joined: { call: joined, commands: step.commands } };
}

/** The legs of the consultation call that go to the joined call: C talking, or C's devices ringing. */
function targetsOf(consult: Call, transferor: Leg | undefined): Leg[] {
  if (!transferor) return [];
  if (consult.state === 'alerting')
    return transferor === originLeg(consult)
      ? consult.legs.filter((leg) => leg.side === 'dest' && leg.state === 'ringing')
      : [];
  const talk = talkingLegs(consult);
  if (!talk?.includes(transferor)) return [];
  return [talk[0] === transferor ? talk[1] : talk[0]];
}
