import { afterEach, describe, expect, it } from 'vitest';
import type { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { refusals, registerRetrying, tryRegister } from './support/limits.js';

describe('SCCP connection limits', () => {
  let t: TestNode | undefined;
  const stations: SccpStation[] = [];
  afterEach(async () => {
    for (const s of stations.splice(0)) s.destroy();
    await t?.destroy();
    t = undefined;
  });

  const warned = (node: TestNode, text: string) => node.logs.some((l) => String(l.msg).includes(text));

  it('refuses a phone past the node limit at once, says why, counts it, and takes phones again once one leaves', async () => {
    const node = (t = await startTestNode({ config: { sccpMaxConnections: 3 } }));
    for (let n = 1; n <= 3; n++) {
      const { station, outcome } = await tryRegister(node, n);
      stations.push(station);
      expect(outcome.kind).toBe('registered');
    }
    const refused = await tryRegister(node, 4);
    stations.push(refused.station);
    expect(refused.outcome).toEqual({ kind: 'closed' });
    expect(warned(node, 'not accepting more SCCP connections: this node holds 3 phones, its limit')).toBe(
      true,
    );
    expect(await refusals(node, 'sccpMaxConnections')).toBe(1);
    // The phones held are not disturbed.
    expect((await node.api.get<{ total: number }>('/phones?status=registered&pageSize=1')).body.total).toBe(
      3,
    );

    stations[0].destroy();
    await eventually(() => node.node.registry.size === 2);
    const again = await tryRegister(node, 4);
    stations.push(again.station);
    expect(again.outcome.kind).toBe('registered');
  });

  it('refuses the connections of one source address past its limit, and not the others', async () => {
    const node = (t = await startTestNode({ config: { sccpMaxConnectionsPerAddress: 2 } }));
    for (let n = 1; n <= 2; n++) {
      const { station, outcome } = await tryRegister(node, n, '127.0.0.1');
      stations.push(station);
      expect(outcome.kind).toBe('registered');
    }
    const third = await tryRegister(node, 3, '127.0.0.1');
    stations.push(third.station);
    expect(third.outcome).toEqual({ kind: 'closed' });
    expect(warned(node, 'refused an SCCP connection from 127.0.0.1: that address holds 2 connections')).toBe(
      true,
    );
    expect(await refusals(node, 'sccpMaxConnectionsPerAddress')).toBe(1);
    const other = await tryRegister(node, 3, '127.0.0.2');
    stations.push(other.station);
    expect(other.outcome.kind).toBe('registered');
  });

  it('with SCCP workers, a full worker leaves new phones to the others, and a full node refuses and counts in /metrics', async () => {
    const node = (t = await startTestNode({ config: { sccpWorkers: 2, sccpMaxConnections: 6 } }));
    // Each worker holds 3. A full worker stops listening at once, so the next phones all go to
    // the other one: none is refused on the way.
    for (let n = 1; n <= 6; n++) {
      const { station, outcome } = await tryRegister(node, n);
      stations.push(station);
      expect(outcome.kind).toBe('registered');
    }
    expect(await refusals(node, 'sccpMaxConnections')).toBe(0);
    await eventually(() =>
      warned(node, 'not accepting more SCCP connections: this node holds 6 phones, its limit'),
    );
    // The 7th is refused, as often as it tries; once the workers listen again to refuse (the
    // primary tells them), each refusal in a worker process is counted by the node.
    await eventually(async () => {
      const refused = await tryRegister(node, 7);
      refused.station.destroy();
      expect(refused.outcome).toEqual({ kind: 'closed' });
      return (await refusals(node, 'sccpMaxConnections')) > 0;
    });

    stations[0].destroy();
    await eventually(() => warned(node, 'accepting SCCP connections again'));
    stations.push(await registerRetrying(node, 7));
    expect((await node.api.get<{ total: number }>('/phones?status=registered&pageSize=1')).body.total).toBe(
      6,
    );
  });
});
