import type { Call, Leg } from './call.js';
import { originLeg } from './call.js';
import { Q850 } from './q850.js';
import { clearLeg, failCall } from './release.js';
import type { Step } from './step.js';
import { answer } from './talk.js';

/**
 * Call pickup (issue #15): a phone answers a call ringing on another DN of its pickup group. SCCP
 * phones ask with the PickUp and GPickUp soft keys, SIP phones by dialling a feature code: the own
 * group's code alone (sent at once by the dial template), or the group code and a group's number
 * (ended by #, or the inter-digit time). The keys and the codes end in the same pickup request.
 */

/** The feature codes SIP phones dial (and the dial template lists). */
export interface PickupCodes {
  /** Pick up in the caller's own line's group (PickUp). */
  own: string;
  /** Followed by a group's number: pick up in that group (GPickUp). */
  group: string;
}

/** The codes when none are set: *8 as several PBXs use for pickup, *9 for a named group. */
export const DEFAULT_PICKUP_CODES: PickupCodes = { own: '*8', group: '*9' };

/** A pickup code: * and one to four digits, so that it is never a directory number (digits only). */
export const PICKUP_CODE_RULE = /^\*[0-9]{1,4}$/;

/**
 * Why two pickup codes cannot be used together, or null: each must follow PICKUP_CODE_RULE, and
 * neither may begin the other (the own group's code alone would never be complete).
 */
export function pickupCodesProblem(codes: PickupCodes): string | null {
  for (const [name, code] of [
    ['--call-pickup-code', codes.own],
    ['--group-call-pickup-code', codes.group],
  ] as const)
    if (!PICKUP_CODE_RULE.test(code))
      return `${name} ${code} must be * followed by 1 to 4 digits (a DN is digits only)`;
  if (codes.own.startsWith(codes.group) || codes.group.startsWith(codes.own))
    return `--call-pickup-code ${codes.own} and --group-call-pickup-code ${codes.group} must differ, and neither may begin the other`;
  return null;
}

export type PickupDigits =
  /** A pickup: in `group`, or in the caller's own group when null. */
  | { kind: 'pickup'; group: string | null }
  /** The start of a code, or the group code and part of a number: wait for a digit, # or T302. */
  | { kind: 'more-digits' }
  /** The group code followed by nothing, or by something that is no group number. */
  | { kind: 'invalid' };

/**
 * What the digits dialled mean as a pickup request; null when they are no pickup code (then the
 * dial plan decides). `complete`: dialling is over (en bloc, # or T302). A group number is digits.
 */
export function pickupDigits(dialled: string, complete: boolean, codes: PickupCodes): PickupDigits | null {
  const ended = complete || dialled.endsWith('#');
  const number = dialled.endsWith('#') ? dialled.slice(0, -1) : dialled;
  if (number.length === 0) return null;
  if (number === codes.own) return { kind: 'pickup', group: null };
  if (codes.group.length > 0 && number.startsWith(codes.group)) {
    const group = number.slice(codes.group.length);
    if (!/^[0-9]*$/.test(group) || (ended && group === '')) return { kind: 'invalid' };
    return ended ? { kind: 'pickup', group } : { kind: 'more-digits' };
  }
  const begins = (code: string) => code.length > number.length && code.startsWith(number);
  return !ended && (begins(codes.own) || begins(codes.group)) ? { kind: 'more-digits' } : null;
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
export function pickupKey(call: Call, group: boolean, codes: PickupCodes, step: Step): void {
  if (call.state !== 'dialling') return;
  call.dialled = group ? codes.group : codes.own;
  if (!group) {
    requestPickup(call, null, step);
    return;
  }
  step.tell(originLeg(call), { kind: 'stop-tone' }, { kind: 'prompt', prompt: 'enter-number' });
  step.startTimer('t302');
}

/** The group code is followed by no group number: as an unknown number (cause 1). */
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
