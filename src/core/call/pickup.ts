import type { Call, Leg } from './call.js';
import { originLeg } from './call.js';
import { Q850 } from './q850.js';
import { clearLeg, failCall } from './release.js';
import type { Step } from './step.js';
import { answer } from './talk.js';

/**
 * Call pickup (issue #15): a phone answers a call ringing on another DN of its pickup group. SCCP
 * phones ask with the PickUp and GPickUp soft keys, SIP phones by dialling a feature code; both
 * reach the call model as that code dialled, so one path serves every phone: the code alone picks
 * up in the caller's own group, the code and a group number in that group (GPickUp).
 */

/** The feature code a SIP phone dials (and the SCCP keys stand for) when none is set. */
export const DEFAULT_PICKUP_CODE = '*8';

export type PickupDigits =
  /** The code, complete: pick up in `group`, or in the caller's own group when null. */
  | { kind: 'pickup'; group: string | null }
  /** The code so far, or the code and part of a group number: wait for a digit, # or T302. */
  | { kind: 'more-digits' }
  /** The code followed by something that is no group number. */
  | { kind: 'invalid' };

/**
 * What the digits dialled mean as a pickup request; null when they are no pickup code (then the
 * dial plan decides). `complete`: dialling is over (en bloc, # or T302). A group number is digits.
 */
export function pickupDigits(dialled: string, complete: boolean, code: string): PickupDigits | null {
  const ended = complete || dialled.endsWith('#');
  const number = dialled.endsWith('#') ? dialled.slice(0, -1) : dialled;
  if (code.length === 0 || number.length === 0) return null;
  if (number.length < code.length) return !ended && code.startsWith(number) ? { kind: 'more-digits' } : null;
  if (!number.startsWith(code)) return null;
  const group = number.slice(code.length);
  if (!/^[0-9]*$/.test(group)) return { kind: 'invalid' };
  if (!ended) return { kind: 'more-digits' };
  return { kind: 'pickup', group: group === '' ? null : group };
}

/** The caller dialled the pickup code: the service looks for a call to pick up (or fails this one). */
export function requestPickup(call: Call, group: string | null, step: Step): void {
  if (call.state !== 'dialling') return;
  step.stopTimer('t302');
  call.state = 'proceeding';
  const caller = originLeg(call);
  caller.state = 'proceeding';
  step.tell(caller, { kind: 'stop-tone' });
  step.pickup(group);
}

/**
 * PickUp (SCCP soft key 17) picks up in the caller's own group at once; GPickUp (18) stands for
 * the code, and the user dials the group number next (then #, or T302). Both on a dialling call.
 */
export function pickupKey(call: Call, group: boolean, code: string, step: Step): void {
  if (call.state !== 'dialling') return;
  call.dialled = code;
  if (!group) {
    requestPickup(call, null, step);
    return;
  }
  step.tell(originLeg(call), { kind: 'stop-tone' }, { kind: 'prompt', prompt: 'enter-number' });
  step.startTimer('t302');
}

/** The code dialled is followed by no group number: as an unknown number (cause 1). */
export function invalidPickup(call: Call, step: Step): void {
  if (call.state === 'dialling') failCall(call, Q850.unallocatedNumber, 'orig', step);
}

/**
 * A phone picks this ringing call up: the devices that ring stop (the call was completed
 * elsewhere, cause 26), the picker's leg joins the call as its destination and answers. The CDR
 * reads as CUCM writes a pickup (4.2(3) CDR definition, "Pickup"): originalCalledPartyNumber the
 * number dialled, finalCalledPartyNumber the picker's DN, lastRedirectDn the DN that rang.
 */
export function pickUp(call: Call, picker: Leg, step: Step): void {
  if (call.state !== 'alerting' || call.legs.some((leg) => leg.id === picker.id)) return;
  const rang = call.calledDn ?? '';
  for (const leg of call.legs) {
    if (leg.side !== 'dest' || leg.state !== 'ringing') continue;
    step.tell(leg, { kind: 'stop-ringing' });
    clearLeg(leg, Q850.nonSelectedUserClearing, step);
  }
  const leg: Leg = {
    ...picker,
    side: 'dest',
    state: 'ringing',
    refusal: null,
    media: { ...picker.media },
  };
  call.legs.push(leg);
  call.lastRedirectDn = rang;
  call.calledDn = picker.party.number;
  call.calledName = picker.party.name;
  answer(call, leg, undefined, step);
}
