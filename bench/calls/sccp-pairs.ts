/**
 * bench:calls SCCP↔SCCP: pairs of simulated SCCP phones (the simulator's own SccpStation and
 * SccpPhoneCalls, over real TCP, with RTP on each call) call each other as fast as they can: the
 * caller lifts the handset and dials the callee's DN key by key, the callee answers when it rings,
 * the caller hangs up once connected, and the next call starts when both phones are on-hook again.
 * Pairs run side by side (closed loop: one call per pair in flight).
 */
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { SccpPhoneCalls } from '../../src/sim/sccp-calls.js';
import { SccpStation } from '../../src/sim/sccp-station.js';

export interface SccpPhone {
  name: string;
  dn: string;
  station: SccpStation;
  calls: SccpPhoneCalls;
}

export interface SccpPair {
  caller: SccpPhone;
  callee: SccpPhone;
}

/** The device name and DN of caller/callee `i` (the bench adds them to the node first). */
export function sccpPairDevice(i: number, role: 'caller' | 'callee'): { name: string; dn: string } {
  const base = role === 'caller' ? 0x5a0000 : 0x5b0000;
  return {
    name: `SEP00AB00${(base + i).toString(16).toUpperCase().padStart(6, '0')}`,
    dn: String((role === 'caller' ? 60000 : 70000) + i),
  };
}

async function connectPhone(
  device: { name: string; dn: string },
  port: number,
  autoAnswer: boolean,
): Promise<SccpPhone> {
  const station = new SccpStation({ deviceName: device.name, deviceType: 7 });
  const calls = new SccpPhoneCalls(station, { address: '127.0.0.1', autoAnswer });
  await station.connect('127.0.0.1', port);
  const outcome = await station.register();
  if (outcome.kind !== 'registered')
    throw new Error(`${device.name} did not register: ${JSON.stringify(outcome)}`);
  await station.startup();
  return { ...device, station, calls };
}

/** Registers `count` pairs of 7960s with the node's SCCP port (caller and callee, callee answers). */
export async function connectPairs(count: number, sccpPort: number): Promise<SccpPair[]> {
  const pairs: SccpPair[] = [];
  for (let i = 0; i < count; i++) {
    pairs.push({
      caller: await connectPhone(sccpPairDevice(i, 'caller'), sccpPort, false),
      callee: await connectPhone(sccpPairDevice(i, 'callee'), sccpPort, true),
    });
  }
  return pairs;
}

/** Resolves once the phone holds no call (its last one showed on-hook). */
async function idle(phone: SccpPhone, timeoutMs: number): Promise<void> {
  if (phone.calls.calls.size === 0) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      phone.calls.off('ended', check);
      reject(new Error(`${phone.name} still holds ${JSON.stringify(phone.calls.describe())}`));
    }, timeoutMs);
    const check = () => {
      if (phone.calls.calls.size > 0) return;
      clearTimeout(timer);
      phone.calls.off('ended', check);
      resolve();
    };
    phone.calls.on('ended', check);
  });
}

/** One call: dial, connected on the caller's screen, hang up, both phones on-hook. */
async function oneCall(pair: SccpPair, timeoutMs: number): Promise<void> {
  const { caller, callee } = pair;
  const call = await caller.calls.dial(callee.dn, timeoutMs);
  await caller.calls.waitFor(
    (c) => c.callReference === call.callReference && c.state === CallStateCode.Connected,
    timeoutMs,
  );
  caller.calls.hangUp();
  await Promise.all([idle(caller, timeoutMs), idle(callee, timeoutMs)]);
  // What ended is kept for screens; a bench places thousands of calls.
  caller.calls.ended.length = 0;
  callee.calls.ended.length = 0;
}

export interface SccpRunResult {
  successful: number;
  failed: number;
  seconds: number;
  rate: number;
  /** The first failures, as the phones saw them. */
  errors: string[];
}

/** Places `calls` calls over the pairs (closed loop, one call per pair at a time). */
export async function runSccpCalls(
  pairs: SccpPair[],
  calls: number,
  timeoutMs = 10_000,
): Promise<SccpRunResult> {
  let started = 0;
  let successful = 0;
  let failed = 0;
  const errors: string[] = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    pairs.map(async (pair) => {
      while (started < calls) {
        started++;
        try {
          await oneCall(pair, timeoutMs);
          successful++;
        } catch (error) {
          failed++;
          if (errors.length < 5)
            errors.push(`${pair.caller.name} → ${pair.callee.dn}: ${(error as Error).message}`);
          // Both phones back on-hook before the pair tries again.
          pair.caller.calls.hangUp();
          await Promise.all([idle(pair.caller, timeoutMs), idle(pair.callee, timeoutMs)]).catch(
            () => undefined,
          );
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { successful, failed, seconds, rate: successful / seconds, errors };
}

export function closePairs(pairs: SccpPair[]): void {
  for (const { caller, callee } of pairs) {
    caller.station.destroy();
    callee.station.destroy();
  }
}
