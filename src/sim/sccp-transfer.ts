import { CallStateCode, SoftKeyEvent } from '../protocols/sccp/codec/index.js';
import type { SccpPhoneCalls, SimCall } from './sccp-calls.js';

/** `--transfer-to`: what a simulated phone does with its first answered call. */
export interface TransferPlan {
  /** The number the call is transferred to. */
  to: string;
  /** Complete while the target still rings (early transfer) instead of once it answered. */
  blind: boolean;
  /** Seconds of talk before Transfer is pressed. */
  afterSeconds: number;
  /** `conference` (--conference-with): the same with Confrn, completed once the third party answers. */
  by?: 'transfer' | 'conference';
}

/**
 * Drives a transfer on a simulated SCCP phone as a user does it (reference calls.md §1.5): once its
 * first call is connected, S seconds later Transfer (the call is held, a new one opens), dial the
 * target, and Transfer again — when the target rings (`blind`) or answers.
 */
export function driveSccpTransfer(
  calls: SccpPhoneCalls,
  plan: TransferPlan,
  after: (ms: number, run: () => void) => void,
  told: (outcome: { ok: true } | { ok: false; error: string }) => void,
): void {
  let started = false;
  calls.on('change', (call) => {
    if (started || call.state !== CallStateCode.Connected) return;
    started = true;
    after(plan.afterSeconds * 1000, () => {
      void transfer(calls, plan).then(
        () => told({ ok: true }),
        (error: Error) =>
          told({
            ok: false,
            error: `${plan.by === 'conference' ? 'conference with' : 'transfer to'} ${plan.to} failed: ${error.message}`,
          }),
      );
    });
  });
}

async function transfer(calls: SccpPhoneCalls, plan: TransferPlan): Promise<void> {
  const key = plan.by === 'conference' ? SoftKeyEvent.Confrn : SoftKeyEvent.Transfer;
  const consult = await calls.transfer(plan.to, undefined, key);
  const ready = (c: SimCall) =>
    c.callReference === consult.callReference &&
    (c.state === CallStateCode.Connected || (plan.blind && c.state === CallStateCode.RingOut));
  await calls.waitFor(ready, 120_000);
  calls.completeTransfer(consult, key);
}
