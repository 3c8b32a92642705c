/**
 * The SQLite writer thread of a running node ends as a crash would (worker.terminate()): the node
 * restarts it, phones registered before keep their DNs, and phones arriving after are
 * auto-registered and stored — not told to retry for ever.
 */
import { expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';

function station(i: number): SccpStation {
  return new SccpStation({
    deviceName: `SEP00DD${i.toString(16).toUpperCase().padStart(8, '0')}`,
    deviceType: 8,
  });
}

async function registerWithDn(s: SccpStation, port: number): Promise<string | undefined> {
  await s.connect('127.0.0.1', port);
  const outcome = await s.register();
  if (outcome.kind !== 'registered') return undefined;
  return (await s.startup()).lines[0]?.dn;
}

it('a killed SQLite writer thread is restarted: phones keep registering and being stored', async () => {
  const t = await startTestNode();
  const stations: SccpStation[] = [];
  try {
    const first = Array.from({ length: 5 }, (_, i) => station(i));
    stations.push(...first);
    const firstDns = await Promise.all(first.map((s) => registerWithDn(s, t.node.ports.sccp)));
    expect(firstDns).toEqual(['1000', '1001', '1002', '1003', '1004']);

    await t.node.store.database.writerThread!()!.terminate();

    const after = Array.from({ length: 5 }, (_, i) => station(100 + i));
    stations.push(...after);
    const afterDns = await Promise.all(after.map((s) => registerWithDn(s, t.node.ports.sccp)));
    expect(afterDns).toEqual(['1005', '1006', '1007', '1008', '1009']);
    for (const s of after) {
      const phone = await t.api.get<{ lines: { dn: string }[]; status: string }>(
        `/phones/${s.identity.deviceName}`,
      );
      expect(phone.status).toBe(200);
      expect(phone.body.status).toBe('registered');
    }
    await eventually(() =>
      t.logs.some((l) => l.level === 40 && /restarting the writer thread/.test(String(l.msg))),
    );
  } finally {
    for (const s of stations) s.destroy();
    await t.destroy();
  }
});
