import { expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { startTestCluster } from '../support/cluster.js';
import { postgresAvailable } from '../support/databases.js';
import type { TestNode } from '../support/node.js';

/** Registers one unknown 7940 over SCCP; its DN, or the rejection text. */
async function powerOn(node: TestNode, mac: string): Promise<{ dn?: string; rejected?: string }> {
  const station = new SccpStation({ deviceName: `SEP${mac}`, deviceType: 8 });
  try {
    await station.connect('127.0.0.1', node.node.ports.sccp);
    const outcome = await station.register();
    if (outcome.kind === 'rejected') return { rejected: outcome.text };
    if (outcome.kind !== 'registered') throw new Error(`SEP${mac}: ${outcome.kind}`);
    return { dn: (await station.startup()).lines[0]?.dn };
  } finally {
    station.destroy();
  }
}

it('a DN freed through another node sharing PostgreSQL is given to the next phone, not "range exhausted"', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const cluster = await startTestCluster(['cm1', 'cm2']);
  const [a, b] = cluster.nodes;
  try {
    expect(
      (await b.api.patch('/nodes/cm2', { autoRegistration: { startingDn: '2000', endingDn: '2099' } }))
        .status,
    ).toBe(200);
    expect(
      (await a.api.patch('/nodes/cm1', { autoRegistration: { startingDn: '1000', endingDn: '1002' } }))
        .status,
    ).toBe(200);
    for (const [i, dn] of ['1000', '1001', '1002'].entries())
      expect(await powerOn(a, `00DD000000${i}0`)).toEqual({ dn });

    // An administrator deletes the phone holding 1001 on the other node: cm1 is not told.
    expect((await b.api.delete('/phones/SEP00DD00000010')).status).toBe(204);

    expect(await powerOn(a, '00DD00000030')).toEqual({ dn: '1001' });
    // Now the range is really full.
    expect((await powerOn(a, '00DD00000040')).rejected).toBeTruthy();
  } finally {
    await cluster.stop();
  }
});
