import { readdirSync } from 'node:fs';
import { childrenOf } from '../../../bench/proc.js';
import { SccpStation } from '../../../src/sim/sccp-station.js';
import type { RegisterOutcome } from '../../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD } from '../../support/node.js';
import type { TestNode } from '../../support/node.js';

/** `openucm_limit_refusals_total{limit}` as /metrics shows it (0 when absent). */
export async function refusals(t: TestNode, limit: string): Promise<number> {
  const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
  const r = await fetch(`http://127.0.0.1:${t.node.ports.http}/metrics`, {
    headers: { authorization: auth },
  });
  const text = await r.text();
  const line = text.split('\n').find((l) => l.startsWith(`openucm_limit_refusals_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** A 7940 with this MAC number, connected from `localAddress` and sent its Register. */
export async function tryRegister(
  t: TestNode,
  n: number,
  localAddress?: string,
  timeoutMs?: number,
): Promise<{ station: SccpStation; outcome: RegisterOutcome }> {
  const station = new SccpStation({
    deviceName: `SEP00EE${n.toString(16).toUpperCase().padStart(8, '0')}`,
    deviceType: 8,
    stationIp: localAddress,
  });
  try {
    await station.connect('127.0.0.1', t.node.ports.sccp, localAddress);
  } catch {
    return { station, outcome: { kind: 'closed' } };
  }
  return { station, outcome: await station.register(timeoutMs) };
}

/** Registers like a phone does: a connection closed at once is tried again (a few times). */
export async function registerRetrying(t: TestNode, n: number, localAddress?: string): Promise<SccpStation> {
  for (let attempt = 1; ; attempt++) {
    const { station, outcome } = await tryRegister(t, n, localAddress);
    if (outcome.kind === 'registered') return station;
    station.destroy();
    if (attempt === 20) throw new Error(`phone ${n} did not register: ${outcome.kind}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Open file descriptors of this process and its children (the SCCP workers of a test node). */
export function openFiles(): number {
  return [process.pid, ...childrenOf(process.pid)].reduce((sum, pid) => {
    try {
      return sum + readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return sum;
    }
  }, 0);
}
