import type { Codec } from './codec.js';
import { chooseCodec } from './codec.js';
import type { Call, Leg } from './call.js';
import { answeredLeg, originLeg } from './call.js';
import type { MediaTarget } from './media.js';
import { sameTarget } from './media.js';
import { keyOf } from './srtp.js';
import { askMusic, stopMusic } from './music.js';
import type { Step } from './step.js';

/**
 * The codec of a call: the caller's preferred one that the callee has. A phone that has said
 * nothing of its codecs yet (a SIP INVITE without SDP) takes the other's list; G.711 µ-law, which
 * every 79xx has (calls.md §1.3), when neither has said.
 */
export function callCodec(caller: readonly Codec[], callee: readonly Codec[]): Codec | null {
  if (caller.length === 0 && callee.length === 0) return 'PCMU';
  if (caller.length === 0) return callee[0];
  if (callee.length === 0) return caller[0];
  return chooseCodec(caller, callee);
}

/** The two legs that talk: the caller and the device that answered. */
export function talkingLegs(call: Call): [Leg, Leg] | null {
  const answered = answeredLeg(call);
  return answered ? [originLeg(call), answered] : null;
}

/**
 * Brings both phones' media to what the call needs, sending only what changed: each phone is asked
 * for its receive address once (open-receive-channel, never twice: chan-sccp #316), and is told to
 * send to the other's newest address as soon as that is known — never before the other's
 * OpenReceiveChannelAck, nor an SCCP phone before its own (calls.md §1.5). A pending SDP offer
 * always gets its answer.
 */
export function reconcileMedia(call: Call, step: Step): void {
  const legs = talkingLegs(call);
  if (call.state !== 'connected' || !legs || !call.codec) return;
  const codec = call.codec;
  for (const leg of legs) {
    const media = leg.media;
    if (!media.receive && media.solicited && !media.opening) {
      media.opening = true;
      step.tell(leg, { kind: 'open-receive-channel', codec, packetMs: call.packetMs });
    }
  }
  for (const [leg, peer] of [legs, [legs[1], legs[0]]] as const) {
    const receive = peer.media.receive;
    if (!receive) continue;
    // calls.md §1.5 "only when both acks are in": a phone that opens its channel when asked (SCCP) is told
    // where to send once that channel is open, even when the other's address (a SIP SDP) came first.
    if (leg.media.solicited && !leg.media.receive) continue;
    // An encrypted call: the phone decrypts with the key the other phone sends with (RFC 4568 §6.1),
    // written in the transport the phone itself chose (RTP/SAVP, or RTP/AVP with a=crypto).
    const key = call.srtp ? keyOf(receive.srtp, call.srtp) : null;
    const own = leg.media.receive?.srtp ?? leg.media.lastReceive?.srtp;
    const target: MediaTarget = {
      address: receive.address,
      port: receive.port,
      ...(key ? { srtp: { ...key, mandatory: own?.mandatory ?? true } } : {}),
    };
    if (sameTarget(leg.media.sendingTo, target) && !leg.media.answerDue) continue;
    leg.media.sendingTo = target;
    leg.media.answerDue = false;
    step.tell(leg, { kind: 'start-media', to: target, codec, packetMs: call.packetMs });
  }
}

/** Hold: both phones stop sending and receiving (the held one may hear music instead); a phone that reports its address when asked will be asked again on resume. */
export function stopMedia(call: Call, step: Step): void {
  const legs = talkingLegs(call);
  if (!legs) return;
  for (const leg of legs) {
    const media = leg.media;
    media.sendingTo = null;
    media.answerDue = false;
    media.opening = false;
    // On every resume ask again: the phone may pick a new port (calls.md §1.5, chan-sccp #394).
    if (media.solicited) media.receive = null;
    // The held party hears music instead of silence, when the node has some (music.ts).
    if (askMusic(call, leg, step)) continue;
    stopMusic(leg, step);
    step.tell(leg, { kind: 'stop-media' });
  }
}
