/**
 * Monitoring > Active Calls over real HTTP: GET /api/v1/active-calls lists a live call with its
 * parties, devices, leg states and codec, and /api/v1/events pushes it as it rings, connects and
 * ends. Two real SCCP phones register over sockets; in-process fakes stand in for the call
 * adapters (test/support/call-adapter-fake.ts).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { registeredCallPhone } from '../support/call-adapter-fake.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeEach(async () => {
  t = await startTestNode();
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

interface ActiveCall {
  callId: number;
  state: string;
  calling: { number: string; deviceName: string };
  called: { dialled: string; number: string | null };
  legs: { deviceName: string; state: string }[];
  codec: string | null;
}

/** The node's event stream as text received so far. */
async function eventStream() {
  const controller = new AbortController();
  closers.push(() => controller.abort());
  const response = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/events`, {
    headers: {
      authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
    },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const stream = { text: '' };
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        stream.text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  await eventually(() => stream.text.includes('event: hello'));
  return {
    /** The active-call events pushed so far. */
    changes: () =>
      stream.text
        .split('\n\n')
        .filter((block) => block.startsWith('event: active-call\n'))
        .map((block) => JSON.parse(block.split('\ndata: ')[1]) as { call: ActiveCall; ended: boolean }),
  };
}

const list = async () => (await t.api.get<{ items: ActiveCall[] }>('/active-calls')).body.items;

it('lists a live call while it rings and talks, pushes each change, and forgets it when it ends', async () => {
  const a = await registeredCallPhone(t, 'SEP00AF00000001', '2301', closers);
  const b = await registeredCallPhone(t, 'SEP00AF00000002', '2302', closers);
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('2302'));
  const events = await eventStream();
  const { service } = t.node.calls;
  expect(await list()).toEqual([]);

  const aLeg = a.dial('2302');
  await eventually(() => b.kinds().includes('ring'));
  expect(await list()).toMatchObject([
    {
      state: 'alerting',
      calling: { number: '2301', deviceName: 'SEP00AF00000001' },
      called: { dialled: '2302', number: '2302' },
      legs: [
        { deviceName: 'SEP00AF00000001', state: 'alerting' },
        { deviceName: 'SEP00AF00000002', state: 'ringing' },
      ],
      codec: null,
    },
  ]);

  const only = async (query: string) =>
    (await t.api.get<{ items: ActiveCall[]; total: number }>(`/active-calls?${query}`)).body;
  expect((await only('number=2302')).total).toBe(1);
  expect((await only('device=SEP00AF00000002')).total).toBe(1);
  expect(await only('number=2309')).toEqual({ items: [], total: 0 });

  service.send(b.legs[0], { kind: 'answer' });
  const [talking] = await list();
  expect(talking).toMatchObject({ state: 'connected', codec: 'PCMU' });
  expect(talking.legs.map((l) => l.state)).toEqual(['connected', 'connected']);

  service.send(aLeg, { kind: 'hang-up' });
  expect(await list()).toEqual([]);
  const changes = await eventually(() => {
    const seen = events.changes();
    return seen.some((c) => c.ended) ? seen : null;
  });
  const states = changes.map((c) => c.call.state);
  expect(states).toContain('alerting');
  expect(states).toContain('connected');
  expect(changes.at(-1)).toMatchObject({ ended: true, call: { callId: talking.callId, state: 'released' } });
});
