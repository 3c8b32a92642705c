/**
 * bench:calls SCCP↔SCCP: the simulator's own fleet calls (src/sim/fleet-calls.ts) in closed loop:
 * pairs of simulated 7960s (over real TCP, with RTP on each call) call each other as fast as they
 * can: the caller lifts the handset and dials the callee's DN key by key, the callee answers when
 * it rings, the caller hangs up once connected, and the pair's next call starts when both phones
 * are on-hook again. Pairs run side by side (one call per pair in flight).
 */
import { failedCalls } from '../../src/sim/fleet-calls.js';
import { Fleet } from '../../src/sim/fleet.js';
import { macAt } from '../../src/sim/mac.js';

/** MAC of the first bench phone: phone 2i calls phone 2i+1. */
const MAC_START = '00AB00000000';

/** The device name and DN of caller/callee `i` (the bench adds them to the node first). */
export function sccpPairDevice(i: number, role: 'caller' | 'callee'): { name: string; dn: string } {
  return {
    name: `SEP${macAt(MAC_START, 2 * i + (role === 'caller' ? 0 : 1))}`,
    dn: String((role === 'caller' ? 60000 : 70000) + i),
  };
}

export interface SccpRunResult {
  successful: number;
  failed: number;
  seconds: number;
  rate: number;
  /** The failures, by what the callers saw. */
  errors: string[];
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Registers `pairs` pairs of 7960s with the node's SCCP port and places `calls` calls over them (closed loop). */
export async function runSccpCalls(pairs: number, calls: number, sccpPort: number): Promise<SccpRunResult> {
  const fleet = new Fleet({
    macStart: MAC_START,
    offset: 0,
    count: pairs * 2,
    model: '7960',
    tftp: null,
    direct: { host: '127.0.0.1', sccpPort, sipPort: 5060 },
    rate: 0,
    localAddresses: ['127.0.0.1'],
    calls: { callsPerSecond: 0, talkSeconds: 0, totalCalls: calls, setupTimeoutMs: 10_000 },
  });
  try {
    fleet.start();
    await until(
      () => fleet.stats().byState.registered === pairs * 2,
      60_000,
      () => `not every bench phone registered: ${JSON.stringify(fleet.stats().byState)}`,
    );
    await until(
      () => fleet.stats().calls.placed > 0,
      10_000,
      () => 'no call placed',
    );
    const start = process.hrtime.bigint();
    await until(
      () => {
        const c = fleet.stats().calls;
        return c.placed >= calls && c.inProgress === 0;
      },
      calls * 1000,
      () => `calls did not finish: ${JSON.stringify(fleet.stats().calls)}`,
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const c = fleet.stats().calls;
    return {
      successful: c.connected,
      failed: failedCalls(c),
      seconds,
      rate: c.connected / seconds,
      errors: Object.entries(c.failed).map(([why, n]) => `${n} × ${why}`),
    };
  } finally {
    fleet.stop();
  }
}
