import type { Party } from '../../core/call/call.js';
import type { Q850Cause } from '../../core/call/q850.js';
import type { CallService } from './call-service.js';
import type { LegHandle, LegSink } from './call-ports.js';

export type BlindTransferPort = Pick<CallService, 'offHook' | 'send' | 'transfer'>;

/** What the requester of a blind transfer learns (a SIP REFER's NOTIFYs). */
export interface BlindTransferProgress {
  /** The target rings: the join happens right after this (the transferor's leg is then cleared). */
  joining(): void;
  /** The target could not be reached (`cause`) or the join was refused: nothing changed for the held call. */
  failed(cause: Q850Cause | null, why: string): void;
}

/**
 * A blind transfer (SIP REFER without Replaces, reference calls.md §2.4): the node places the
 * consultation call to `dn` itself, on the transferor's behalf, and joins it with the held party as
 * soon as the target rings — an early transfer whose consultation the transferor never saw. A target
 * that is busy, unknown or absent leaves the transferor's call as it was.
 */
export function blindTransfer(
  service: BlindTransferPort,
  held: LegHandle,
  transferor: { deviceName: string; line: number; party: Party },
  dn: string,
  progress: BlindTransferProgress,
): void {
  let consult: LegHandle | null = null;
  let settled = false;
  const settle = () => {
    const first = !settled;
    settled = true;
    return first;
  };
  // The consultation leg has no phone: its commands only tell how far the call got.
  const sink: LegSink = {
    send: (command) => {
      if (command.kind === 'call-state' && command.state === 'alerting') {
        if (!settle()) return;
        // After the transition that rang the target has been fully carried out.
        queueMicrotask(() => {
          if (!consult) return;
          progress.joining();
          const outcome = service.transfer(held, consult);
          if (outcome.kind === 'refused') {
            progress.failed(null, outcome.message);
            service.send(consult, { kind: 'hang-up' });
          }
        });
      } else if (command.kind === 'reject' || command.kind === 'clear') {
        if (!settle()) return;
        progress.failed(
          command.cause,
          `the transfer target ${dn} could not be reached (cause ${command.cause})`,
        );
        // A failed call waits for its caller to hang up: this caller is the node.
        if (command.kind === 'reject')
          queueMicrotask(() => {
            if (consult) service.send(consult, { kind: 'hang-up' });
          });
      }
    },
  };
  const result = service.offHook({ ...transferor, sink, placesCall: true });
  if (result.kind !== 'calling') {
    if (settle())
      progress.failed(result.kind === 'refused' ? result.cause : null, 'the node refused one more call');
    return;
  }
  consult = result.leg;
  service.send(consult, { kind: 'digits', digits: dn });
}
