import type { DnFeatures } from '../line-settings.js';
import { NO_DN_FEATURES } from '../line-settings.js';
import type { CallContext } from './call-event.js';
import type { Call, ForwardReason, ForwardStop, Leg, Redirect } from './call.js';
import { dialComplete } from './dial-plan.js';
import { Q850 } from './q850.js';
import { clearLeg, failCall } from './release.js';
import type { Step } from './step.js';

/**
 * Call forwarding as CUCM applies it (calls.md §4.2): Forward All and Forward Busy are decided
 * before the DN's devices are offered the call; Forward No Answer runs on a timer that stops the
 * ringing and offers the call to the target while the caller keeps hearing ring-back. Each hop
 * follows the next DN's own forwards, up to a hop limit; a DN reached twice is a loop.
 */

/** CUCM CDR redirect reason codes (origCalledPartyRedirectReason, lastRedirectRedirectReason). */
export const REDIRECT_REASON_CODE: Record<ForwardReason, number> = {
  'user-busy': 1,
  'no-answer': 2,
  unconditional: 15,
};

/** Routes the call to a DN: routeTo in setup.ts, passed in so that this file does not import it. */
export type RouteTo = (call: Call, dn: string, step: Step, context: CallContext, tellCaller: boolean) => void;

function featuresOf(dn: string | null, context: CallContext): DnFeatures {
  if (!dn || !context.forwards) return NO_DN_FEATURES;
  return context.forwards.features(dn);
}

/** Forward All of the DN being routed: true when the call went elsewhere (or failed on the way). */
export function forwardAll(call: Call, step: Step, context: CallContext, route: RouteTo): boolean {
  const target = featuresOf(call.calledDn, context).forwardAll;
  if (!target) return false;
  redirect(call, target, 'unconditional', true, step, context, route);
  return true;
}

/**
 * The node found every device of the DN busy (cause 17): Forward Busy sends the call on. A SIP
 * phone's own 486 is not this: it is passed back and Forward Busy is not applied (calls.md §4.2).
 */
export function forwardBusy(call: Call, step: Step, context: CallContext, route: RouteTo): boolean {
  if (call.state !== 'proceeding') return false;
  const target = featuresOf(call.calledDn, context).forwardBusy;
  if (!target) return false;
  redirect(call, target, 'user-busy', true, step, context, route);
  return true;
}

/** The DN's devices ring now: its Forward No Answer, if set, starts the no-answer timer. */
export function startNoAnswerTimer(call: Call, step: Step, context: CallContext): void {
  if (featuresOf(call.calledDn, context).forwardNoAnswer) step.startTimer('no-answer');
}

/**
 * Nobody answered before the no-answer timer: the ringing devices stop and the target is offered
 * the call. The caller is not told "proceeding" again: it hears ring-back throughout, and learns
 * who rings now when the target alerts.
 */
export function forwardNoAnswer(call: Call, step: Step, context: CallContext, route: RouteTo): void {
  if (call.state !== 'alerting') return;
  const target = featuresOf(call.calledDn, context).forwardNoAnswer;
  if (!target) return;
  for (const leg of call.legs)
    if (leg.side === 'dest' && leg.state === 'ringing') clearLeg(leg, Q850.noAnswer, step);
  call.destLeg = null;
  call.state = 'proceeding';
  redirect(call, target, 'no-answer', false, step, context, route);
}

/**
 * A called phone forwarded the call itself (a 7940 SIP phone's own Call Forward All answers 302,
 * calls.md §2.1): the node follows it as an unconditional forward, within the hop limit. The phone
 * that answered 302 has ended its part; other devices of the DN stop ringing.
 */
export function forwardMoved(
  call: Call,
  leg: Leg,
  target: string,
  step: Step,
  context: CallContext,
  route: RouteTo,
): void {
  if (call.state !== 'alerting' || leg.side !== 'dest' || leg.state !== 'ringing') return;
  leg.state = 'released';
  for (const other of call.legs)
    if (other.side === 'dest' && other.state === 'ringing')
      clearLeg(other, Q850.nonSelectedUserClearing, step);
  call.destLeg = null;
  call.state = 'proceeding';
  redirect(call, target, 'unconditional', false, step, context, route);
}

function redirect(
  call: Call,
  target: string,
  reason: ForwardReason,
  /** False while the caller hears ring-back: it learns the new party when the target alerts. */
  tellCaller: boolean,
  step: Step,
  context: CallContext,
  route: RouteTo,
): void {
  const from = call.calledDn ?? call.dialled;
  const stop = stopOf(call, from, target, context);
  if (stop) {
    call.forwardStop = stop;
    failCall(call, Q850.exchangeRoutingError, 'dest', step);
    return;
  }
  call.redirects = [...call.redirects, { from: { number: from, name: call.calledName }, to: target, reason }];
  const analysis = dialComplete(target, context.dialPlan);
  if (analysis.kind !== 'route') {
    // A forward to a number that does not exist: the caller gets unallocated, as CUCM does.
    call.calledDn = target;
    call.calledName = '';
    failCall(call, Q850.unallocatedNumber, 'dest', step);
    return;
  }
  call.calledName = '';
  route(call, analysis.dn, step, context, tellCaller);
}

/** A DN the call already reached is a loop; more forwards than the hop limit allows stop the chain. */
function stopOf(call: Call, from: string, to: string, context: CallContext): ForwardStop | null {
  const reached = new Set([call.redirects[0]?.from.number ?? from, ...call.redirects.map((r) => r.to)]);
  if (reached.has(to)) return { kind: 'loop', from, to };
  const maxHops = context.forwards?.maxHops ?? 0;
  if (call.redirects.length >= maxHops) return { kind: 'hop-limit', from, to };
  return null;
}

/** The first and last forward of a call (CallInfo, CDR); null when it was not forwarded. */
export function redirectSummary(
  call: Pick<Call, 'redirects'>,
): { original: Redirect; last: Redirect } | null {
  const { redirects } = call;
  if (redirects.length === 0) return null;
  return { original: redirects[0], last: redirects[redirects.length - 1] };
}
