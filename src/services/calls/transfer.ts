import type { Call } from '../../core/call/call.js';
import type { JoinRefusal, JoinResult } from '../../core/call/join.js';
import { joinCalls } from '../../core/call/join.js';
import type { LegHandle } from './call-ports.js';

/** What became of a transfer request. */
export type TransferOutcome =
  | { kind: 'transferred'; callId: number }
  /** Nothing changed: the transferor's calls stay as they were; `message` says why, for the log. */
  | { kind: 'refused'; reason: JoinRefusal | 'no-such-call'; message: string };

interface TransferLookup {
  /** The live call a leg is in now (legs are found by id: a transfer re-homes them). */
  callOf(legId: number): Call | undefined;
  joinedId(): number;
  now: number;
}

const WHY: Record<JoinRefusal | 'no-such-call', string> = {
  'no-such-call': 'one of the two calls has ended',
  'same-call': 'both keys name the same call',
  'held-call-not-talking':
    'the call to transfer is not answered (or the phone is not one of its two parties)',
  'consult-not-ready': 'the consultation call neither rings nor is answered yet (dial the target first)',
  'no-common-codec': 'the two remaining phones share no codec, and the node does not transcode',
  'encryption-mismatch':
    'the two remaining phones cannot talk under their media encryption policies (one requires SRTP the other cannot do)',
};

/**
 * Plans a transfer from the transferor's two leg handles: finds their calls and asks the pure join
 * (core/call/join.ts). The joined call gets a new call id (its own CDR, as CUCM writes a third
 * record); the service then re-homes the two legs that stay, by leg id, so the adapters' handles
 * keep working without being told.
 */
export function planTransfer(
  held: LegHandle,
  consult: LegHandle,
  lookup: TransferLookup,
): { kind: 'planned'; result: JoinResult } | Extract<TransferOutcome, { kind: 'refused' }> {
  const heldCall = lookup.callOf(held.legId);
  const consultCall = lookup.callOf(consult.legId);
  const refuse = (reason: JoinRefusal | 'no-such-call') => ({
    kind: 'refused' as const,
    reason,
    message: `a transfer was not done: ${WHY[reason]}; the calls stay as they were`,
  });
  if (!heldCall || !consultCall) return refuse('no-such-call');
  const result = joinCalls({
    held: heldCall,
    heldLeg: held.legId,
    consult: consultCall,
    consultLeg: consult.legId,
    // Numbered below, once the join is sure: a refused transfer uses up no call id.
    joinedId: 0,
    now: lookup.now,
  });
  if (typeof result === 'string') return refuse(result);
  const id = lookup.joinedId();
  result.joined.call.id = id;
  return { kind: 'planned', result };
}
