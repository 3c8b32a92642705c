import type { Redirect } from '../../../core/call/call.js';
import { REDIRECT_REASON_CODE } from '../../../core/call/forward.js';
import type { CallInfo } from '../codec/messages/call-display.js';
import { CallType } from '../codec/messages/call-display.js';

/**
 * The CallInfo fields of a forwarded call (calls.md §1.2, §4.2): the original called party and the
 * last redirecting one with their reasons, and callType 3 (forward). Nothing for a call not forwarded.
 */
export function redirectInfo(
  redirects: readonly Redirect[] | undefined,
): Partial<
  Pick<
    CallInfo,
    | 'callType'
    | 'originalCalledParty'
    | 'originalCalledPartyName'
    | 'lastRedirectingParty'
    | 'lastRedirectingPartyName'
    | 'originalCdpnRedirectReason'
    | 'lastRedirectingReason'
  >
> {
  if (!redirects || redirects.length === 0) return {};
  const original = redirects[0];
  const last = redirects[redirects.length - 1];
  return {
    callType: CallType.Forward,
    originalCalledParty: original.from.number,
    originalCalledPartyName: original.from.name,
    lastRedirectingParty: last.from.number,
    lastRedirectingPartyName: last.from.name,
    originalCdpnRedirectReason: REDIRECT_REASON_CODE[original.reason],
    lastRedirectingReason: REDIRECT_REASON_CODE[last.reason],
  };
}
