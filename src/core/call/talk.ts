import type { Call, Leg } from './call.js';
import { DEFAULT_PACKET_MS, originLeg } from './call.js';
import type { MediaDescription } from './media.js';
import { isHoldOffer } from './media.js';
import { callCodec, reconcileMedia, stopMedia, talkingLegs } from './media-plan.js';
import { askMusic, playMusic, stopMusic } from './music.js';
import { Q850 } from './q850.js';
import { clearLeg, failCall, releaseCall } from './release.js';
import { applyVerdict, legsVerdict, refuseForEncryption } from './srtp-plan.js';
import type { Step } from './step.js';

/**
 * A called device answered. The first answer wins: the other devices of a shared line stop ringing
 * and show the line in use. Both phones are told they are connected, then media is set up.
 */
export function answer(call: Call, leg: Leg, media: MediaDescription | undefined, step: Step): void {
  if (call.state !== 'alerting' || leg.side !== 'dest' || leg.state !== 'ringing') return;
  if (media) noteMedia(leg, media, true);
  const caller = originLeg(call);
  const codec = callCodec(caller.media.codecs, leg.media.codecs);
  if (!codec) {
    // Known only now (a SIP callee's delayed offer): no common codec fails the call (calls.md §3). The
    // device that answered is cleared; the caller hears reorder and reads why (an SCCP phone keeps the
    // call until it hangs up; a SIP caller gets 488).
    call.destLeg = leg.id;
    clearLeg(leg, Q850.bearerCapabilityNotImplemented, step);
    failCall(call, Q850.bearerCapabilityNotImplemented, 'dest', step);
    return;
  }
  // A SIP callee's offer says now whether it has a key: the media encryption policies decide (srtp.ts).
  const verdict = legsVerdict(caller, leg, true);
  if (verdict.kind === 'refused') {
    call.destLeg = leg.id;
    clearLeg(leg, Q850.bearerCapabilityNotImplemented, step, verdict.reason);
    refuseForEncryption(call, verdict.reason, 'dest', step);
    return;
  }
  applyVerdict(call, verdict);
  step.stopTimer('ring');
  for (const other of call.legs) {
    if (other.side !== 'dest' || other === leg || other.state !== 'ringing') continue;
    other.state = 'in-use-remotely';
    step.tell(other, { kind: 'stop-ringing' }, { kind: 'in-use-remotely' });
    step.tell(other, { kind: 'call-state', state: 'in-use-remotely', remote: null });
    step.tell(other, { kind: 'prompt', prompt: 'in-use-remote' });
  }
  call.state = 'connected';
  call.connectedAt = step.now;
  call.destLeg = leg.id;
  leg.state = 'connected';
  caller.state = 'connected';
  step.tell(leg, { kind: 'stop-ringing' }, { kind: 'call-state', state: 'connected', remote: caller.party });
  step.tell(leg, { kind: 'prompt', prompt: 'connected' });
  step.tell(caller, { kind: 'stop-tone' }, { kind: 'call-state', state: 'connected', remote: leg.party });
  step.tell(caller, { kind: 'prompt', prompt: 'connected' });
  call.codec = codec;
  call.packetMs = caller.media.receive?.packetMs ?? leg.media.receive?.packetMs ?? DEFAULT_PACKET_MS;
  reconcileMedia(call, step);
}

/**
 * A phone said where it receives. An offer of sendonly, inactive or c=0.0.0.0 from a talking phone
 * is hold; a plain offer from a phone that holds is resume; anything else re-points the other phone
 * to the newest address.
 */
export function media(call: Call, leg: Leg, description: MediaDescription, offer: boolean, step: Step): void {
  if (leg.state === 'released' || leg.state === 'in-use-remotely' || leg.state === 'failed') return;
  const talking = call.state === 'connected' || call.state === 'on-hold';
  if (offer && talking && isHoldOffer(description)) {
    hold(call, leg, step);
    return;
  }
  noteMedia(leg, description, offer);
  if (talking && !reconsiderSrtp(call, leg, step)) return;
  if (offer && leg.state === 'on-hold') resume(call, leg, step);
  else reconcileMedia(call, step);
  if (playMusic(call, leg, offer, step)) return;
  // An offer while the call stays held (the other side still holds) is answered at once: inactive.
  // While it talks, the answer is the next start-media, which may wait for an SCCP phone's ack.
  if (offer && talking && call.state === 'on-hold' && leg.media.answerDue) {
    leg.media.answerDue = false;
    step.tell(leg, { kind: 'stop-media' });
  }
}

/**
 * A talking phone's new SDP may add, change or drop its key: the call is encrypted, plain, or ends
 * (Q.850 65) as the policies say. False when it ended.
 */
function reconsiderSrtp(call: Call, leg: Leg, step: Step): boolean {
  const legs = talkingLegs(call);
  if (!legs) return true;
  const verdict = legsVerdict(legs[0], legs[1], true);
  if (verdict.kind !== 'refused') {
    applyVerdict(call, verdict);
    return true;
  }
  call.encryptionRefusal ??= verdict.reason;
  releaseCall(call, { side: leg.side, cause: Q850.bearerCapabilityNotImplemented }, step);
  return false;
}

function noteMedia(leg: Leg, description: MediaDescription, offer: boolean): void {
  leg.media.receive = description;
  leg.media.lastReceive = description;
  leg.media.opening = false;
  leg.media.answerDue = offer;
  if (description.codecs.length > 0) leg.media.codecs = description.codecs;
}

export function hold(call: Call, leg: Leg, step: Step): void {
  const legs = talkingLegs(call);
  if (!legs?.includes(leg) || leg.state !== 'connected') return;
  leg.state = 'on-hold';
  call.state = 'on-hold';
  stopMedia(call, step);
  step.tell(leg, { kind: 'call-state', state: 'on-hold', remote: null }, { kind: 'prompt', prompt: 'hold' });
}

/** Resume: media is set up again with each phone's newest address (both phones, every time). */
export function resume(call: Call, leg: Leg, step: Step): void {
  const legs = talkingLegs(call);
  if (!legs?.includes(leg) || leg.state !== 'on-hold') return;
  leg.state = 'connected';
  const peer = legs[0] === leg ? legs[1] : legs[0];
  step.tell(leg, { kind: 'call-state', state: 'connected', remote: peer.party });
  step.tell(leg, { kind: 'prompt', prompt: 'connected' });
  // A call held from both sides stays on hold until both resume: this phone is now the held one.
  if (peer.state === 'on-hold') {
    askMusic(call, leg, step);
    return;
  }
  call.state = 'connected';
  stopMusic(peer, step);
  reconcileMedia(call, step);
}
