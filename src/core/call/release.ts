import type { Prompt, Tone } from './call-command.js';
import type { Call, Clearing, Leg } from './call.js';
import { liveLegs, originLeg } from './call.js';
import type { Q850Cause } from './q850.js';
import { Q850 } from './q850.js';
import type { Step } from './step.js';

/** What a caller hears and reads when its call fails (calls.md §1.5: busy tone + "Busy", else reorder). */
function treatment(cause: Q850Cause): { tone: Tone; prompt: Prompt } {
  if (cause === Q850.userBusy) return { tone: 'busy', prompt: 'busy' };
  if (cause === Q850.unallocatedNumber || cause === Q850.invalidNumberFormat)
    return { tone: 'reorder', prompt: 'unknown-number' };
  return { tone: 'reorder', prompt: 'temp-fail' };
}

/** The first clearing is the one the CDR keeps. */
function noteClearing(call: Call, clearing: Clearing): void {
  call.clearing ??= clearing;
}

/** Ends one leg on its phone. */
export function clearLeg(leg: Leg, cause: Q850Cause, step: Step, reason?: string): void {
  if (leg.state === 'released') return;
  leg.state = 'released';
  step.tell(leg, reason === undefined ? { kind: 'clear', cause } : { kind: 'clear', cause, reason });
}

/**
 * The call cannot be completed: destinations still ringing stop, and the caller hears busy or
 * reorder with a prompt until it hangs up (an SCCP phone keeps the call; a SIP one gets the final
 * response of the cause). `side` says whose cause it is in the CDR: unallocated is the caller's
 * (CUCM 4.2(3) CDR examples: origCause 1, destCause 0), a refusal the destination's.
 */
export function failCall(
  call: Call,
  cause: Q850Cause,
  side: Clearing['side'],
  step: Step,
  /** Why, in words (a SIP Warning), and the prompt that says it in place of the cause's own. */
  detail?: { reason: string; prompt: Prompt },
): void {
  stopTimers(step);
  for (const leg of liveLegs(call)) if (leg.side === 'dest') clearLeg(leg, cause, step, detail?.reason);
  noteClearing(call, { side, cause });
  call.state = 'failed';
  const caller = originLeg(call);
  caller.state = 'failed';
  const { tone, prompt } = treatment(cause);
  step.tell(caller, { kind: 'stop-tone' }, { kind: 'call-state', state: 'failed', remote: null });
  step.tell(
    caller,
    { kind: 'tone', tone },
    { kind: 'prompt', prompt: detail?.prompt ?? prompt },
    detail ? { kind: 'reject', cause, reason: detail.reason } : { kind: 'reject', cause },
  );
}

/** The call ends: every leg still up is cleared with `cause` and the service writes the CDR. */
export function releaseCall(call: Call, clearing: Clearing, step: Step): void {
  stopTimers(step);
  noteClearing(call, clearing);
  for (const leg of liveLegs(call)) {
    // A device that lost a shared-line race never talked: it is told the call went elsewhere.
    clearLeg(leg, leg.state === 'in-use-remotely' ? Q850.nonSelectedUserClearing : clearing.cause, step);
  }
  call.state = 'released';
  call.releasedAt = step.now;
  step.released();
}

function stopTimers(step: Step): void {
  step.stopTimer('t302');
  step.stopTimer('ring');
  step.stopTimer('no-answer');
}
