/**
 * One live view across two nodes on one PostgreSQL database: each node's event stream shows the
 * other's phones (openucm_status), and status writes are owner-guarded: a phone that moved from cm1
 * to cm2 stays "registered on cm2" when cm1 later writes it unregistered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { TestNode } from '../support/node.js';
import { eventually } from '../support/node.js';
import { startTestCluster } from '../support/cluster.js';
import type { TestCluster } from '../support/cluster.js';
import { postgresAvailable } from '../support/databases.js';
import { EventStream } from '../registration/support/event-stream.js';

interface DeviceStatus {
  name: string;
  status: string;
  node: string;
}
interface Phone {
  status: string;
  node: string | null;
}

let cluster: TestCluster | null = null;
let cm1: TestNode;
let cm2: TestNode;
const closers: Array<() => Promise<void> | void> = [];

beforeEach(async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  cluster = await startTestCluster(['cm1', 'cm2']);
  [cm1, cm2] = cluster.nodes;
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await cluster?.stop();
  cluster = null;
});

async function station(node: TestNode, deviceName: string): Promise<SccpStation> {
  const s = new SccpStation({ deviceName, deviceType: 8 });
  await s.connect('127.0.0.1', node.node.ports.sccp);
  closers.push(() => s.destroy());
  return s;
}

async function stream(node: TestNode): Promise<EventStream> {
  const s = await new EventStream(node.node.ports.http).open();
  closers.push(() => s.close());
  return s;
}

const seen = (s: EventStream, name: string, status: string, node: string) =>
  s
    .named<DeviceStatus>('device-status')
    .some((e) => e.name === name && e.status === status && e.node === node);

describe('live state across nodes', () => {
  it("cm2's event stream shows a phone registering on cm1, and a late unregistered from cm1 does not hide its move to cm2", async () => {
    const name = 'SEP00CC00000001';
    const onCm1 = await stream(cm1);
    const onCm2 = await stream(cm2);

    const first = await station(cm1, name);
    expect((await first.register()).kind).toBe('registered');
    // Auto-registered on cm1: cm2's stream shows it, read from the row cm1 wrote.
    await eventually(() => seen(onCm2, name, 'registered', 'cm1'));

    // The phone moves to cm2 (cm1's connection is still open, as when a network path half-breaks).
    const second = await station(cm2, name);
    expect((await second.register()).kind).toBe('registered');
    await eventually(() => seen(onCm1, name, 'registered', 'cm2'));

    // cm1 notices its connection is gone later, and writes "unregistered" with a newer time.
    first.destroy();
    await eventually(async () => {
      await cm1.node.statusWriter.flush();
      const events = (
        await cm1.api.get<{ items: { outcome: string }[] }>(`/registration-events?device=${name}`)
      ).body.items;
      return events.some((e) => e.outcome === 'unregistered');
    });
    for (const node of [cm1, cm2]) {
      const phone = (await node.api.get<Phone>(`/phones/${name}`)).body;
      expect(phone).toMatchObject({ status: 'registered', node: 'cm2' });
    }
    // The phone leaves cm2 too: its owner's "unregistered" applies.
    second.destroy();
    await eventually(async () => {
      await cm2.node.statusWriter.flush();
      return (await cm1.api.get<Phone>(`/phones/${name}`)).body.status === 'unregistered';
    });
    await eventually(() => seen(onCm1, name, 'unregistered', 'cm2'));
  });
});
