import type { PhoneCall } from './handlers/leg-renderer.js';

/**
 * Before an SCCP phone takes another call (answers a waiting call, resumes a held one, NewCall,
 * and a transfer's consultation call) the call it talks on is held, with the same sequence as the
 * Hold key (calls.md §1.5 "Hold"): an SCCP phone never holds by itself, a SIP phone does (re-INVITE).
 * Returns the call held, if one was.
 */
export function holdActiveCall(
  calls: Iterable<PhoneCall>,
  except: PhoneCall | undefined,
  hold: (call: PhoneCall) => void,
): PhoneCall | undefined {
  for (const call of calls) {
    if (call === except || call.state !== 'connected') continue;
    hold(call);
    return call;
  }
  return undefined;
}
