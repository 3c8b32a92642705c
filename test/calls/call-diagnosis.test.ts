/**
 * "Why did this call fail?" and the dashboard's call figures over real HTTP. Real SCCP phones
 * register over sockets (the node's DnLocator and registration events are real); in-process fakes
 * stand in for the call adapters (test/support/call-adapter-fake.ts).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LegHandle, LegSink } from '../../src/services/calls/call-ports.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { FakePhone } from '../support/call-phones.js';
import { registeredCallPhone } from '../support/call-adapter-fake.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeEach(async () => {
  t = await startTestNode({ config: { callMaxPerDevice: 1 } });
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

interface Check {
  id: string;
  status: string;
  detail: string;
  fix?: string;
}
interface CallDiagnosis {
  calling: string;
  called: string;
  cdrId: number | null;
  verdict: string;
  firstProblem: Check | null;
  checks: Check[];
}
interface Cdr {
  id: number;
  originalCalledPartyNumber: string;
}

const phone = (n: number, dn: string) =>
  registeredCallPhone(t, `SEP00B000000${String(n).padStart(3, '0')}`, dn, closers);

/** The newest CDR that matches `query`, once stored. */
const recordOf = (query: string) =>
  eventually(async () => {
    const { body } = await t.api.get<{ items: Cdr[] }>(`/call-detail-records?${query}`);
    return body.items[0];
  });

it('answers an unknown DN, an unregistered callee and a busy one, from a CDR or from two numbers', async () => {
  const a = await phone(1, '2401');
  const b = await phone(2, '2402');
  const c = await phone(3, '2403');
  // 2404 is on a phone that registered once and is gone.
  await addSccpDevice(t.node, 'SEP00B000000004', ['2404']);
  const gone = new SccpStation({ deviceName: 'SEP00B000000004', deviceType: 7 });
  await gone.connect('127.0.0.1', t.node.ports.sccp);
  expect((await gone.register()).kind).toBe('registered');
  gone.destroy();
  await eventually(async () => {
    const { body } = await t.api.get<{ status: string }>('/phones/SEP00B000000004');
    return body.status === 'unregistered';
  });
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('2404'));
  const { service } = t.node.calls;

  // Unknown DN: the reorder comes at the first digit no DN begins with.
  const unknown = a.dial('2999');
  service.send(unknown, { kind: 'hang-up' });
  const unknownCdr = await recordOf('cause=1');
  const fromCdr = await t.api.get<CallDiagnosis>(`/call-detail-records/${unknownCdr.id}/diagnosis`);
  expect(fromCdr.status).toBe(200);
  expect(fromCdr.body.firstProblem).toMatchObject({ id: 'called-number', status: 'problem' });
  expect(fromCdr.body.verdict).toContain(
    `no directory number ${unknownCdr.originalCalledPartyNumber} is configured`,
  );
  const fromNumbers = await t.api.get<CallDiagnosis>('/call-diagnosis?calling=2401&called=2999');
  expect(fromNumbers.body.firstProblem).toMatchObject({ id: 'called-number' });
  expect(fromNumbers.body.verdict).toContain('no directory number 2999 is configured');

  // Unregistered callee: the device holding 2404 and its last registration event.
  const absent = a.dial('2404');
  await eventually(() => a.commands(absent).some((cmd) => cmd.kind === 'reject'));
  expect(a.commands(absent)).toContainEqual({ kind: 'reject', cause: 20 });
  service.send(absent, { kind: 'hang-up' });
  const absentCdr = await recordOf('called=2404');
  const unregistered = await t.api.get<CallDiagnosis>(`/call-detail-records/${absentCdr.id}/diagnosis`);
  expect(unregistered.body.firstProblem).toMatchObject({ id: 'registration', status: 'problem' });
  expect(unregistered.body.firstProblem?.detail).toContain('no phone of DN 2404 is registered');
  expect(unregistered.body.firstProblem?.detail).toMatch(
    /SEP00B000000004: last registration event at .* unregistered/,
  );
  expect(unregistered.body.firstProblem?.fix).toContain(
    "Why isn't this phone registering? for SEP00B000000004",
  );

  // Busy: 2403 is in a call and may hold one (--call-max-per-device 1).
  const talking = b.dial('2403');
  await eventually(() => c.kinds().includes('ring'));
  service.send(c.legs[0], { kind: 'answer' });
  const busy = a.dial('2403');
  await eventually(() => a.commands(busy).some((cmd) => cmd.kind === 'reject'));
  service.send(busy, { kind: 'hang-up' });
  const busyCdr = await recordOf('called=2403&cause=17');
  const busyAnswer = await t.api.get<CallDiagnosis>(`/call-detail-records/${busyCdr.id}/diagnosis`);
  expect(busyAnswer.body.firstProblem).toMatchObject({ id: 'busy' });
  expect(busyAnswer.body.firstProblem?.detail).toContain('(--call-max-per-device, 1)');

  // The dashboard: failures by cause over 24 h, calls per minute, and the call still up.
  const { body: dashboard } = await t.api.get<{
    calls: {
      minutes: { calls: number; failed: number }[];
      failuresByCause: { cause: number; name: string; calls: number }[];
      activeNow: number;
    };
  }>('/dashboard');
  expect(dashboard.calls.failuresByCause).toEqual(
    expect.arrayContaining([
      { cause: 1, name: 'unallocated (unassigned) number', calls: 1 },
      { cause: 20, name: 'subscriber absent', calls: 1 },
      { cause: 17, name: 'user busy', calls: 1 },
    ]),
  );
  expect(dashboard.calls.minutes).toHaveLength(60);
  expect(dashboard.calls.minutes.reduce((n, m) => n + m.calls, 0)).toBe(3);
  expect(dashboard.calls.minutes.reduce((n, m) => n + m.failed, 0)).toBe(3);
  expect(dashboard.calls.activeNow).toBe(1);
  service.send(talking, { kind: 'hang-up' });

  expect((await t.api.get('/call-detail-records/999999/diagnosis')).status).toBe(404);
  const invalid = await t.api.get<{ message: string }>('/call-diagnosis?calling=2401&called=abc');
  expect(invalid.status).toBe(400);
  expect(invalid.body.message).toContain('called must be digits');
});

/** A phone that never answers OpenReceiveChannel (the fake adapter records what it is told, nothing more). */
class SilentPhone extends FakePhone {
  override sink(leg: LegHandle): LegSink {
    return {
      send: (command) => this.told.set(leg.legId, [...(this.told.get(leg.legId) ?? []), command]),
    };
  }
}

it('shows the codecs each side offered when they share none, and a phone that never gave its media address', async () => {
  const { service } = t.node.calls;
  // A SIP caller offering G.729 only; SCCP phones that receive G.711 (µ-law, A-law).
  const sipCaller = new FakePhone('SEP00B000000011', 'SIP', '2411');
  sipCaller.service = service;
  service.attach(sipCaller);
  closers.push(() => service.detach(sipCaller.deviceName));
  await phone(12, '2412');
  await addSccpDevice(t.node, 'SEP00B000000013', ['2413']);
  const station = new SccpStation({ deviceName: 'SEP00B000000013', deviceType: 7 });
  await station.connect('127.0.0.1', t.node.ports.sccp);
  closers.push(() => station.destroy());
  expect((await station.register()).kind).toBe('registered');
  const silent = new SilentPhone('SEP00B000000013', 'SCCP', '2413');
  silent.service = service;
  service.attach(silent);
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('2413'));

  const offer = sipCaller.dial('');
  service.send(offer, {
    kind: 'media',
    media: { address: sipCaller.ip, port: 16384, codecs: ['G729'], direction: 'sendrecv' },
    offer: true,
  });
  service.send(offer, { kind: 'digits', digits: '2412' });
  await eventually(() => sipCaller.commands(offer).some((c) => c.kind === 'reject' || c.kind === 'clear'));
  service.send(offer, { kind: 'hang-up' });
  const codecCdr = await recordOf('called=2412');
  const codec = await t.api.get<CallDiagnosis>(`/call-detail-records/${codecCdr.id}/diagnosis`);
  expect(codec.body.firstProblem).toMatchObject({ id: 'codec', status: 'problem' });
  expect(codec.body.firstProblem?.detail).toContain(
    'SEP00B000000011 offered G.729; SEP00B000000012 can receive G.711 µ-law, G.711 A-law',
  );

  const a = await phone(14, '2414');
  const talk = a.dial('2413');
  await eventually(() => silent.kinds().includes('ring'));
  service.send(silent.legs[0], { kind: 'answer' });
  expect(silent.kinds()).toContain('open-receive-channel');
  service.send(talk, { kind: 'hang-up' });
  const mediaCdr = await recordOf('called=2413');
  const media = await t.api.get<CallDiagnosis>(`/call-detail-records/${mediaCdr.id}/diagnosis`);
  expect(media.body.firstProblem).toMatchObject({ id: 'media', status: 'problem' });
  expect(media.body.verdict).toContain('SEP00B000000013 never answered OpenReceiveChannel');
});
