/**
 * Issue #16: each node of a cluster numbers its CDRs with its own globalCallID_callManagerId (its
 * number in the nodes table), so the records of two nodes never collide on (callManagerId, callId),
 * although each node counts its calls from 1. Two nodes on one PostgreSQL, a call on each.
 */
import { expect, it } from 'vitest';
import { startTestCluster } from '../support/cluster.js';
import { postgresAvailable } from '../support/databases.js';
import { eventually } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';

interface Cdr {
  node: string;
  globalCallID_callManagerId: number;
  globalCallID_callId: number;
}

it('the CDRs of two nodes carry each node’s own number, never the same (callManagerId, callId)', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const cluster = await startTestCluster(['cm1', 'cm2']);
  const { nodes } = cluster;
  const closers: Array<() => void> = [];
  try {
    const numbers = await Promise.all(nodes.map((t) => t.node.store.nodes.numberOf(t.node.config.nodeName)));
    expect(new Set(numbers).size).toBe(2);
    // Stable: asked again (as at the next start), the same number.
    expect(await nodes[0].node.store.nodes.numberOf('cm1')).toBe(numbers[0]);

    for (const [i, t] of nodes.entries()) {
      const a = await sccpCallPhone(t, `SEP00AF000000${i}1`, [`26${i}1`], closers);
      await sccpCallPhone(t, `SEP00AF000000${i}2`, [`26${i}2`], closers, { autoAnswer: true });
      await a.calls.dial(`26${i}2`);
      await a.calls.waitFor((c) => c.state === CallStateCode.Connected);
      a.calls.hangUp();
      await a.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    }
    const cdrs = await eventually(async () => {
      const items = (await nodes[1].api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
      return items.length === 2 ? items : null;
    });
    const byNode = Object.fromEntries(cdrs.map((c) => [c.node, c]));
    expect(byNode.cm1).toMatchObject({ globalCallID_callManagerId: numbers[0], globalCallID_callId: 1 });
    expect(byNode.cm2).toMatchObject({ globalCallID_callManagerId: numbers[1], globalCallID_callId: 1 });
  } finally {
    for (const close of closers) close();
    await cluster.stop();
  }
}, 120_000);
