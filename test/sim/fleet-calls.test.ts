/**
 * A fleet's phones call each other at a rate (`openucm sim --count N --calls-per-second R`):
 * real SCCP connections and RTP through a real node, whose CDRs count the same calls.
 */
import { afterEach, expect, it } from 'vitest';
import { callCapacityProblem, runFleet } from '../../src/sim/fleet-runner.js';
import type { FleetRun } from '../../src/sim/fleet-runner.js';
import { failedCalls } from '../../src/sim/fleet-calls.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { FAST } from './helpers.js';

interface Cdr {
  dateTimeConnect: number;
  origDeviceName: string;
}

let t: TestNode | undefined;
let run: FleetRun | undefined;

afterEach(async () => {
  await run?.stop();
  await t?.destroy();
  t = run = undefined;
});

it('20 phones in a worker process call each other at 4 calls/s: every call connects with audio both ways, and the node records each one', async () => {
  t = await startTestNode();
  const node = t;
  run = runFleet(
    {
      macStart: '00CF00000000',
      count: 20,
      model: '7940',
      tftp: null,
      direct: { host: '127.0.0.1', sccpPort: node.node.ports.sccp, sipPort: node.node.ports.sip as number },
      rate: 0,
      localAddresses: [],
      timing: FAST,
      calls: { callsPerSecond: 4, talkSeconds: 1 },
    },
    { processes: 1, statsIntervalMs: 100 },
  );
  const fleet = run;
  await eventually(() => fleet.stats().calls.connected >= 12, 30_000);
  fleet.stopCalls();
  await eventually(() => fleet.stats().calls.inProgress === 0, 20_000);
  // (A call already due when the workers heard "stop placing" may end a moment later: read again.)
  const cdrs = await eventually(async () => {
    const { body } = await node.api.get<{ items: Cdr[] }>('/call-detail-records?limit=1000');
    const connected = body.items.filter((c) => c.dateTimeConnect > 0);
    const now = fleet.stats().calls;
    return now.inProgress === 0 && connected.length === now.connected ? connected : undefined;
  });
  const { calls } = fleet.stats();
  expect(calls.failed).toEqual({});
  expect(failedCalls(calls)).toBe(0);
  expect(calls.oneWay).toBe(0);
  expect(calls.connected).toBe(calls.placed);
  // The callers are the even phones of the fleet (pairs 2k → 2k+1).
  expect(new Set(cdrs.map((c) => c.origDeviceName)).size).toBeGreaterThan(1);
});

it('refuses more calling phones in a process than its open files hold, saying what to change', () => {
  expect(callCapacityProblem(9_000, 0)).toBeNull();
  expect(callCapacityProblem(20_000, 1)).toMatch(/give --processes 3 or more/);
  expect(callCapacityProblem(20_000, 3)).toBeNull();
});

it('a node that holds one call at a time refuses the overlapping ones: the fleet counts them as failed, by what the callers saw', async () => {
  t = await startTestNode({ config: { callMaxActive: 1 } });
  const node = t;
  run = runFleet(
    {
      macStart: '00CF00010000',
      count: 10,
      model: '7940',
      tftp: null,
      direct: { host: '127.0.0.1', sccpPort: node.node.ports.sccp, sipPort: node.node.ports.sip as number },
      rate: 0,
      localAddresses: [],
      timing: FAST,
      calls: { callsPerSecond: 5, talkSeconds: 1 },
    },
    { statsIntervalMs: 100 },
  );
  const fleet = run;
  await eventually(() => fleet.stats().calls.connected >= 2 && failedCalls(fleet.stats().calls) >= 2, 30_000);
  const { calls } = fleet.stats();
  // The second off-hook hears reorder and "Temp Fail" (call-max-active): rejected, not a lost dial tone.
  expect(Object.keys(calls.failed)).toEqual(['rejected']);
  expect(calls.oneWay).toBe(0);
});
