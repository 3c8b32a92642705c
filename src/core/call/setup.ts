import type { CallContext, RouteTarget } from './call-event.js';
import type { Call } from './call.js';
import { newLeg, originLeg } from './call.js';
import { chooseCodec } from './codec.js';
import { decideSrtp } from './srtp.js';
import { legSide, refuseForEncryption, targetSide } from './srtp-plan.js';
import type { DigitAnalysis } from './dial-plan.js';
import { analyseDigits, dialComplete } from './dial-plan.js';
import { forwardAll, startNoAnswerTimer } from './forward.js';
import { Q850 } from './q850.js';
import { DEFAULT_PICKUP_CODES, invalidPickup, pickupDigits, requestPickup } from './pickup.js';
import { failCall } from './release.js';
import type { Step } from './step.js';

/** Off-hook: dial tone, "Enter Number", and T302 running until the first digit. */
export function offHook(call: Call, step: Step): void {
  if (call.state !== 'idle') return;
  call.state = 'dialling';
  const caller = originLeg(call);
  step.tell(caller, { kind: 'call-state', state: 'dialling', remote: null });
  step.tell(caller, { kind: 'prompt', prompt: 'enter-number' }, { kind: 'tone', tone: 'dial' });
  step.startTimer('t302');
}

/** One key: the first stops dial tone; each restarts T302 unless the number is complete. */
export function digit(call: Call, key: string, step: Step, context: CallContext): void {
  if (call.state !== 'dialling') return;
  if (call.dialled.length === 0) step.tell(originLeg(call), { kind: 'stop-tone' });
  call.dialled += key;
  if (pickupDialled(call, false, step, context)) return;
  const analysis = analyseDigits(call.dialled, context.dialPlan);
  if (analysis.kind === 'could-grow' || analysis.kind === 'more-digits') step.startTimer('t302');
  else follow(call, analysis, step, context);
}

/** The whole number at once (en bloc): route it now. */
export function digits(call: Call, number: string, step: Step, context: CallContext): void {
  if (call.state !== 'dialling') return;
  call.dialled = number;
  if (pickupDialled(call, true, step, context)) return;
  follow(call, dialComplete(number, context.dialPlan), step, context);
}

/** T302 expired: what was dialled is routed if it is a DN; nothing dialled is an incomplete number. */
export function t302Expired(call: Call, step: Step, context: CallContext): void {
  if (call.state !== 'dialling') return;
  if (call.dialled.length === 0) failCall(call, Q850.invalidNumberFormat, 'orig', step);
  else if (pickupDialled(call, true, step, context)) return;
  else follow(call, dialComplete(call.dialled, context.dialPlan), step, context);
}

/** The pickup code (pickup.ts) comes before the dial plan: true when the digits were one. */
function pickupDialled(call: Call, complete: boolean, step: Step, context: CallContext): boolean {
  const pickup = pickupDigits(call.dialled, complete, context.pickupCodes ?? DEFAULT_PICKUP_CODES);
  if (!pickup) return false;
  if (pickup.kind === 'more-digits') step.startTimer('t302');
  else if (pickup.kind === 'invalid') invalidPickup(call, step);
  else requestPickup(call, pickup.group, step);
  return true;
}

function follow(call: Call, analysis: DigitAnalysis, step: Step, context: CallContext): void {
  if (analysis.kind === 'route') routeTo(call, analysis.dn, step, context, true);
  else failCall(call, Q850.unallocatedNumber, 'orig', step);
}

/**
 * Route to a DN: the dialled one, or a forward's target (the caller is told again unless it keeps
 * hearing ring-back through a Forward No Answer). Forward All is decided before any device is offered.
 */
export function routeTo(call: Call, dn: string, step: Step, context: CallContext, tellCaller: boolean): void {
  step.stopTimer('t302');
  call.state = 'proceeding';
  call.calledDn = dn;
  const caller = originLeg(call);
  if (tellCaller) {
    caller.state = 'proceeding';
    step.tell(
      caller,
      { kind: 'stop-tone' },
      { kind: 'call-state', state: 'proceeding', remote: { number: dn, name: '' } },
    );
    step.tell(caller, { kind: 'prompt', prompt: 'call-proceed' });
  }
  if (!forwardAll(call, step, context, routeTo)) step.route(dn);
}

/**
 * Offer the call to every device of the DN (a shared line rings them all). A device whose codecs
 * are known and share none with the caller's is not offered it; if that leaves none, the call is
 * refused as a codec mismatch (cause 65, SIP 488) — never transcoded.
 */
export function routed(call: Call, targets: RouteTarget[], step: Step, context: CallContext): void {
  if (call.state !== 'proceeding') return;
  const caller = originLeg(call);
  let offered = targets.filter(
    (t) =>
      t.codecs === null ||
      caller.media.codecs.length === 0 ||
      chooseCodec(caller.media.codecs, t.codecs) !== null,
  );
  if (offered.length === 0) {
    const cause = targets.length > 0 ? Q850.bearerCapabilityNotImplemented : Q850.subscriberAbsent;
    failCall(call, cause, 'dest', step);
    return;
  }
  // The media encryption policies (srtp.ts): a device they refuse is not offered the call.
  const callerSide = legSide(caller, false);
  const verdicts = offered.map((target) => decideSrtp(callerSide, targetSide(target)));
  const secure = offered.filter((_, i) => verdicts[i].kind !== 'refused');
  if (secure.length === 0) {
    const refused = verdicts.find((v) => v.kind === 'refused');
    // The caller's own offer (RTP/SAVP with encryption off) is the caller's cause in the CDR.
    const own = callerSide.policy === 'off' && callerSide.srtp?.mandatory === true;
    refuseForEncryption(call, refused?.kind === 'refused' ? refused.reason : '', own ? 'orig' : 'dest', step);
    return;
  }
  offered = secure;
  call.state = 'alerting';
  call.calledName = offered[0].party.name;
  call.destLeg = offered[0].legId;
  const called = { number: call.calledDn ?? '', name: call.calledName };
  for (const target of offered) {
    const leg = newLeg(
      target.legId,
      'dest',
      {
        ...target,
        codecs: target.codecs ?? [],
        solicitedMedia: target.solicitedMedia,
        encryption: target.encryption ?? 'off',
      },
      'ringing',
    );
    call.legs.push(leg);
    step.tell(leg, { kind: 'call-state', state: 'ringing', remote: caller.party });
    // A phone already in a call shows the new one as call waiting (prompt 0x1B, calls.md §1.4).
    step.tell(
      leg,
      {
        kind: 'ring',
        caller: caller.party,
        called: target.party,
        ...(call.redirects.length > 0 ? { redirects: call.redirects } : {}),
        ...(target.waiting ? { waiting: true } : {}),
      },
      { kind: 'prompt', prompt: target.waiting ? 'call-waiting' : 'from' },
    );
  }
  caller.state = 'alerting';
  step.tell(caller, { kind: 'call-state', state: 'alerting', remote: called });
  step.tell(caller, { kind: 'tone', tone: 'ringback' }, { kind: 'prompt', prompt: 'ring-out' });
  step.startTimer('ring');
  startNoAnswerTimer(call, step, context);
}
