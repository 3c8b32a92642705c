import { afterEach, describe, expect, it } from 'vitest';
import { runFleet } from '../../src/sim/fleet-runner.js';
import type { FleetRun } from '../../src/sim/fleet-runner.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { FAST, trackedPhone } from './helpers.js';
import type { TrackedPhone } from './helpers.js';

interface Dn {
  dn: string;
  deviceName: string | null;
}
interface ApiPhone {
  status: string;
  ipAddress: string | null;
}

describe('many phones, and the node with SCCP worker processes', () => {
  let t: TestNode | undefined;
  let run: FleetRun | undefined;
  let single: TrackedPhone | undefined;

  afterEach(async () => {
    single?.phone.stop();
    await run?.stop();
    await t?.destroy();
    t = run = single = undefined;
  });

  it('500 phones in two simulator processes boot by TFTP and all register on a node with 2 SCCP workers', async () => {
    t = await startTestNode({ config: { sccpWorkers: 2 } });
    const node = t;
    run = runFleet(
      {
        macStart: '00CC00000000',
        count: 500,
        model: '7940',
        tftp: { host: '127.0.0.1', port: node.node.ports.tftp as number },
        rate: 0,
        localAddresses: [],
        timing: FAST,
      },
      { processes: 2, statsIntervalMs: 100 },
    );
    const fleet = run;
    await eventually(() => fleet.stats().byState.registered === 500, 50_000);
    const stats = fleet.stats();
    expect(stats).toMatchObject({ total: 500, registrations: 500, rejectedReasons: {}, failedReasons: {} });
    const phones = await node.api.get<{ total: number }>('/phones?status=registered&pageSize=1');
    expect(phones.body.total).toBe(500);
    // Every phone its own DN, the lowest 500 of the range.
    const dns = await node.api.get<Dn[] | { items: Dn[] }>('/directory-numbers?pageSize=1000');
    const list = Array.isArray(dns.body) ? dns.body : dns.body.items;
    const used = list.filter((d) => d.deviceName).map((d) => d.dn);
    expect(new Set(used).size).toBe(500);
    // Each simulator process speaks from its own loopback addresses (one address runs short of ports).
    const first = await node.api.get<ApiPhone>('/phones/SEP00CC00000000');
    const last = await node.api.get<ApiPhone>('/phones/SEP00CC000001F3');
    expect([first.body.ipAddress, last.body.ipAddress]).toEqual(['127.1.1.1', '127.1.2.1']);
  });

  it('600 phones in this process spread over loopback source addresses, so a node with a per-address limit of 500 takes them all', async () => {
    t = await startTestNode({ config: { sccpMaxConnectionsPerAddress: 500 } });
    const node = t;
    run = runFleet(
      {
        macStart: '00CE00000000',
        count: 600,
        model: '7940',
        tftp: null,
        direct: { host: '127.0.0.1', sccpPort: node.node.ports.sccp, sipPort: node.node.ports.sip as number },
        rate: 0,
        localAddresses: [],
        timing: FAST,
      },
      { statsIntervalMs: 100 },
    );
    expect(run.processes).toBe(0);
    const fleet = run;
    await eventually(() => fleet.stats().byState.registered === 600, 50_000);
    const first = await node.api.get<ApiPhone>('/phones/SEP00CE00000000');
    const second = await node.api.get<ApiPhone>('/phones/SEP00CE00000001');
    expect([first.body.ipAddress, second.body.ipAddress]).toEqual(['127.1.1.1', '127.1.1.2']);
  });

  it('a Reset from the primary reaches the phone held by a worker, which reboots and registers again', async () => {
    t = await startTestNode({ config: { sccpWorkers: 2 } });
    single = trackedPhone({ mac: '00DD00000001' }, t);
    single.phone.start();
    await single.reach('registered');
    const mark = single.states.length;
    expect((await t.api.post('/phones/SEP00DD00000001/reset', { type: 'reset' })).status).toBe(202);
    await single.reach('rebooting', mark);
    expect((await single.reach('registered', mark)).lines).toMatchObject([{ index: 1, dn: '1000' }]);
    const node = t;
    await eventually(
      async () => (await node.api.get<ApiPhone>('/phones/SEP00DD00000001')).body.status === 'registered',
    );
    // The phone goes away: the worker tells the primary, which marks it unregistered.
    single.phone.stop();
    await eventually(
      async () => (await node.api.get<ApiPhone>('/phones/SEP00DD00000001')).body.status === 'unregistered',
    );
  });
});
