import type { CdrSink } from './call-ports.js';
import { nodeOfTrunk } from './trunk-names.js';

/** Calls whose answer is remembered at most; beyond, the oldest are forgotten (a call never ended). */
const MAX_REMEMBERED = 100_000;

/**
 * One CDR per call across nodes, written by the calling node as CUCM does (docs/cluster-calls.md,
 * step 6): the calling node records the device that answered on the other node (the 200 OK's
 * X-Openucm-Dest) in place of the trunk, and the called node writes none for a call that came over
 * the trunk (its Active Calls still shows it).
 */
export class TrunkCallRecords {
  /** By call id: the trunk device the call left on, and the device that answered there. */
  private readonly answers = new Map<number, { trunk: string; device: string }>();

  /** The device `device` on the other node answered call `callId`, which left this node on `trunk`. */
  answered(callId: number, trunk: string, device: string): void {
    if (this.answers.size >= MAX_REMEMBERED) {
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
    this.answers.set(callId, { trunk, device });
  }

  /** The sink CDRs go through on their way to `inner`. */
  sink(inner: CdrSink): CdrSink {
    return {
      write: (cdr) => {
        const answer = this.answers.get(cdr.globalCallID_callId);
        this.answers.delete(cdr.globalCallID_callId);
        // The calling node writes the record of a call that came over the trunk.
        if (nodeOfTrunk(cdr.origDeviceName) !== null) return;
        inner.write(
          answer && cdr.destDeviceName === answer.trunk ? { ...cdr, destDeviceName: answer.device } : cdr,
        );
      },
    };
  }
}
