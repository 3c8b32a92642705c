import type { Call, Leg } from './call.js';
import type { Q850Cause } from './q850.js';
import { Q850 } from './q850.js';
import { failCall, releaseCall } from './release.js';
import type { Step } from './step.js';

/** On-hook, EndCall, BYE or CANCEL from one leg. */
export function hangUp(call: Call, leg: Leg, step: Step): void {
  if (leg.state === 'released') return;
  if (leg.side === 'orig') {
    releaseCall(call, { side: 'orig', cause: Q850.normalClearing }, step);
    return;
  }
  if (leg.state === 'ringing') {
    // EndCall on a ringing phone refuses the call for that device only.
    destinationGone(call, leg, Q850.callRejected, step);
  } else if (leg.state === 'connected' || leg.state === 'on-hold') {
    releaseCall(call, { side: 'dest', cause: Q850.normalClearing }, step);
  }
  // A device showing the line in use elsewhere has no part of the call to end.
}

/**
 * A called device refused (busy) or cannot be reached. While others of a shared line still ring the
 * call goes on; when none is left it fails with busy if any device was busy, else with this cause.
 * A device lost after answering (unregistered mid-call) ends the call.
 */
export function destinationGone(call: Call, leg: Leg, cause: Q850Cause, step: Step): void {
  if (leg.side === 'orig') {
    if (leg.state !== 'released') releaseCall(call, { side: 'orig', cause }, step);
    return;
  }
  if (leg.state === 'connected' || leg.state === 'on-hold') {
    leg.state = 'released';
    releaseCall(call, { side: 'dest', cause }, step);
    return;
  }
  if (leg.state !== 'ringing' || call.state !== 'alerting') return;
  // The phone itself refused or vanished: there is nothing left to tell it.
  leg.state = 'released';
  leg.refusal = cause;
  const stillRinging = call.legs.some((other) => other.side === 'dest' && other.state === 'ringing');
  if (stillRinging) return;
  const busy = call.legs.some((other) => other.refusal === Q850.userBusy);
  failCall(call, busy ? Q850.userBusy : cause, 'dest', step);
}

/** Nobody answered in time: the phones stop ringing and the caller hears reorder (no answer, cause 19). */
export function ringTimeout(call: Call, step: Step): void {
  if (call.state !== 'alerting') return;
  failCall(call, Q850.noAnswer, 'dest', step);
}
