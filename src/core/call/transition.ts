import type { CallCommand } from './call-command.js';
import type { CallContext, CallEvent } from './call-event.js';
import type { Call, Leg } from './call.js';
import { destinationGone, hangUp, ringTimeout } from './ending.js';
import { DEFAULT_PICKUP_CODES, pickUp, pickupKey } from './pickup.js';
import { Q850 } from './q850.js';
import { forwardBusy, forwardMoved, forwardNoAnswer } from './forward.js';
import { digit, digits, offHook, routed, routeTo, t302Expired } from './setup.js';
import { failCall, releaseCall } from './release.js';
import { legById, Step } from './step.js';
import { answer, hold, media, resume } from './talk.js';

export interface Transition {
  call: Call;
  commands: CallCommand[];
}

/**
 * The call's one state machine: the next call and what to tell the legs and the service. Pure: the
 * time comes in `context`, the given call is not changed, and an event that does not apply in the
 * current state (a late timer, a leg that is gone) changes nothing.
 */
export function transition(current: Call, event: CallEvent, context: CallContext): Transition {
  const call = copyCall(current);
  const step = new Step(context.now, context.musicSource ?? null);
  if (call.state === 'released') return { call, commands: [] };
  switch (event.kind) {
    case 'off-hook':
      offHook(call, step);
      break;
    case 'digit':
      digit(call, event.digit, step, context);
      break;
    case 'digits':
      digits(call, event.digits, step, context);
      break;
    case 't302-expired':
      t302Expired(call, step, context);
      break;
    case 'routed':
      routed(call, event.targets, step, context);
      break;
    case 'route-failed':
      if (event.cause === Q850.userBusy && forwardBusy(call, step, context, routeTo)) break;
      if (call.state === 'proceeding') failCall(call, event.cause, 'dest', step);
      break;
    case 'ring-timeout':
      ringTimeout(call, step);
      break;
    case 'no-answer-timeout':
      forwardNoAnswer(call, step, context, routeTo);
      break;
    case 'pickup':
      pickUp(call, event.picker, step);
      break;
    default:
      legEvent(call, event, step, context);
  }
  return { call, commands: step.commands };
}

/**
 * The call's own fields, its legs and their media copied; the rest (parties, codec lists, media
 * descriptions, the clearing) is shared with `current`: the state machine replaces those objects,
 * never changes them in place. Cheaper than a deep copy on every event (bench:calls).
 */
function copyCall(current: Call): Call {
  return { ...current, legs: current.legs.map(copyLeg) };
}

function copyLeg(leg: Leg): Leg {
  return { ...leg, media: { ...leg.media } };
}

type LegEvent = Extract<CallEvent, { leg: number }>;

function legEvent(call: Call, event: LegEvent, step: Step, context: CallContext): void {
  const leg = legById(call, event.leg);
  if (!leg) return;
  switch (event.kind) {
    case 'answer':
      answer(call, leg, event.media, step);
      break;
    case 'media':
      media(call, leg, event.media, event.offer, step);
      break;
    case 'media-failed':
      // A phone that cannot open a channel cannot talk: end the call (calls.md §1.5, policy).
      if (call.state === 'connected')
        releaseCall(call, { side: leg.side, cause: Q850.resourceUnavailable }, step);
      break;
    case 'hold':
      hold(call, leg, step);
      break;
    case 'resume':
      resume(call, leg, step);
      break;
    case 'busy':
      destinationGone(call, leg, Q850.userBusy, step);
      break;
    case 'unreachable':
      destinationGone(call, leg, event.cause, step);
      break;
    case 'moved':
      forwardMoved(call, leg, event.target, step, context, routeTo);
      break;
    case 'hang-up':
      hangUp(call, leg, step);
      break;
    case 'pickup-key':
      if (leg.side === 'orig')
        pickupKey(call, event.group, context.pickupCodes ?? DEFAULT_PICKUP_CODES, step);
      break;
  }
}
