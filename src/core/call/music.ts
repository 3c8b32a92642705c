import type { Call, Leg } from './call.js';
import type { Step } from './step.js';

/**
 * Music on hold (issue #15): the phone of a call that the other phone holds hears music that the
 * node streams, the only media the node itself sends. The held phone is asked where it receives
 * (`hear-music`: an SCCP phone opens a receive channel, a SIP phone gets an offer from the node's
 * music address with a=sendonly); once it says, the service streams there (`start-music`). Its own
 * transmit stays stopped. Without a music source (none configured, --moh-max-streams 0) a held
 * phone hears silence, as before.
 */

/** A held party: it talks, and the call is on hold (the other phone holds). */
export function isHeldParty(call: Call, leg: Leg): boolean {
  return call.state === 'on-hold' && leg.state === 'connected';
}

/** Asks the held phone where it receives the music; false when the node has none to play. */
export function askMusic(call: Call, leg: Leg, step: Step): boolean {
  const from = step.musicSource;
  // The node's music is plain RTP: an encrypted call's held party hears silence (CUCM plays no MOH
  // into a secure conference either; docs/srtp.md).
  if (!from || !call.codec || call.srtp || !isHeldParty(call, leg)) return false;
  leg.media.music = 'asked';
  leg.media.sendingTo = null;
  // hear-music answers an offer the phone still awaits an answer to (a SIP resume while the other holds).
  leg.media.answerDue = false;
  if (leg.media.solicited) {
    // A fresh channel for the music: never a second OpenReceiveChannel on an open one (chan-sccp #316).
    leg.media.receive = null;
    leg.media.opening = true;
  }
  step.tell(leg, { kind: 'hear-music', from, codec: call.codec, packetMs: call.packetMs });
  return true;
}

/**
 * The held phone said where it receives (an ack, an SDP answer, or a new offer of its own, which
 * gets the music offer again as its answer): the music goes there. False when the leg hears none.
 */
export function playMusic(call: Call, leg: Leg, offer: boolean, step: Step): boolean {
  const receive = leg.media.receive;
  if (!leg.media.music || !isHeldParty(call, leg) || !receive || !call.codec || !step.musicSource)
    return false;
  if (offer && leg.media.answerDue) {
    leg.media.answerDue = false;
    step.tell(leg, {
      kind: 'hear-music',
      from: step.musicSource,
      codec: call.codec,
      packetMs: call.packetMs,
    });
  }
  leg.media.music = 'playing';
  step.commands.push({
    kind: 'start-music',
    leg: leg.id,
    to: { address: receive.address, port: receive.port },
    codec: call.codec,
    packetMs: call.packetMs,
  });
  return true;
}

/** The leg hears the other phone again, or holds itself: its music stops. */
export function stopMusic(leg: Leg, step: Step): void {
  if (!leg.media.music) return;
  leg.media.music = undefined;
  step.commands.push({ kind: 'stop-music', leg: leg.id });
}
