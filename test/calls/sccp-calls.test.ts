/**
 * SCCP phone to SCCP phone through a real node: the simulator's phones (real sockets, real RTP
 * over UDP) place, answer, hold and end calls; the node only signals and never relays RTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { receivedOf } from '../../src/sim/sccp-calls.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { trackedPhone } from '../sim/helpers.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  dateTimeConnect: number;
  origMediaTransportAddress_Port: number;
  destMediaTransportAddress_Port: number;
}

const LABEL = (code: number) => String.fromCharCode(0x80, code);

let t: TestNode;
const closers: Array<() => void> = [];

async function cdrs(count: number): Promise<Cdr[]> {
  return eventually(async () => {
    const items = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return items.length >= count ? items : null;
  });
}

/** RTP arrives at each phone from the other's RTP port. */
async function talking(a: SimSccpPhone, b: SimSccpPhone): Promise<void> {
  const aCall = await a.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  const bCall = await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  await eventually(
    () => aCall.rtp && bCall.rtp && aCall.rtp.stats.received >= 3 && bCall.rtp.stats.received >= 3,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}: ${JSON.stringify([a.calls.describe(), b.calls.describe(), aCall.sentTo, bCall.sentTo])}`,
    );
  });
  expect(aCall.rtp?.stats.sendingTo).toBe(`${b.rtpAddress}:${bCall.rtp?.port}`);
  expect(bCall.rtp?.stats.sendingTo).toBe(`${a.rtpAddress}:${aCall.rtp?.port}`);
  expect(aCall.rtp?.stats.receivedFrom).toEqual([`${b.rtpAddress}:${bCall.rtp?.port}`]);
  expect(bCall.rtp?.stats.receivedFrom).toEqual([`${a.rtpAddress}:${aCall.rtp?.port}`]);
}

async function basicCall(enbloc: boolean): Promise<void> {
  const a = await sccpCallPhone(t, 'SEP00AC00000001', ['3101'], closers);
  const b = await sccpCallPhone(t, 'SEP00AC00000002', ['3102'], closers, { rtpAddress: '127.0.0.2' });
  if (enbloc) a.calls.dialEnbloc('3102');
  else {
    const dialling = await a.calls.dial('3102');
    expect(dialling.line).toBe(1);
  }
  const ringing = await b.calls.waitFor((c) => c.state === CallStateCode.RingIn);
  await eventually(() => b.calls.ringing);
  expect(ringing.remote).toEqual({ number: '3101', name: 'call test phone' });
  await a.calls.waitFor((c) => c.state === CallStateCode.RingOut && c.tone === ToneCode.Ringback);
  expect(b.calls.answer()).toBe(true);
  await talking(a, b);
  expect(a.calls.active()?.remote?.number).toBe('3102');
  // Monitoring > Active Calls lists it with both phones talking, in the codec both have.
  const active = (
    await t.api.get<{ items: { state: string; codec: string; legs: { state: string }[] }[] }>('/active-calls')
  ).body.items;
  expect(active).toMatchObject([{ state: 'connected', codec: 'PCMU' }]);
  expect(active[0].legs.map((l) => l.state)).toEqual(['connected', 'connected']);
  b.calls.hangUp();
  await a.calls.waitFor((c) => c.state === CallStateCode.OnHook);
  await b.calls.waitFor((c) => c.state === CallStateCode.OnHook);
  expect(a.calls.calls.size + b.calls.calls.size).toBe(0);
  const [cdr] = await cdrs(1);
  expect(cdr).toMatchObject({
    callingPartyNumber: '3101',
    finalCalledPartyNumber: '3102',
    origDeviceName: 'SEP00AC00000001',
    destDeviceName: 'SEP00AC00000002',
    origCause_value: 0,
    destCause_value: 16,
  });
  expect(cdr.dateTimeConnect).toBeGreaterThan(0);
  expect(cdr.destMediaTransportAddress_Port).toBe(b.calls.ended[0].portsOpened[0]);
}

describe('SCCP calls with a ring timeout', () => {
  beforeEach(async () => {
    t = await startTestNode({ config: { callRingTimeoutSeconds: 1 } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('nobody answers: the callee stops ringing, the caller hears reorder, and the record says no answer (19)', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000061', ['3161'], closers);
    const b = await sccpCallPhone(t, 'SEP00AC00000062', ['3162'], closers);
    a.calls.dialEnbloc('3162');
    await b.calls.waitFor((c) => c.state === CallStateCode.RingIn);
    await b.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    await eventually(() => !b.calls.ringing);
    await a.calls.waitFor((c) => c.tone === ToneCode.Reorder);
    a.calls.hangUp();
    const [cdr] = await cdrs(1);
    expect(cdr).toMatchObject({ origCause_value: 0, destCause_value: 19, dateTimeConnect: 0 });
  });
});

describe('SCCP calls in the node process', () => {
  beforeEach(async () => {
    t = await startTestNode({ config: { callMaxPerDevice: 1, callT302Milliseconds: 3000 } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('dials digit by digit; the callee rings with caller ID and answers; RTP flows both ways; the callee hangs up', () =>
    basicCall(false));

  it('dials en bloc; the caller hangs up and both phones go on-hook', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000011', ['3111'], closers);
    const b = await sccpCallPhone(t, 'SEP00AC00000012', ['3112'], closers, { autoAnswer: true });
    a.calls.dialEnbloc('3112');
    await talking(a, b);
    a.calls.hangUp();
    await b.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    const [cdr] = await cdrs(1);
    expect(cdr).toMatchObject({ originalCalledPartyNumber: '3112', origCause_value: 16, destCause_value: 0 });
  });

  it('a busy callee gives busy tone and "Busy"; an unknown number reorder at once or at #', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000021', ['3121'], closers);
    const b = await sccpCallPhone(t, 'SEP00AC00000022', ['3122'], closers, { autoAnswer: true });
    const c = await sccpCallPhone(t, 'SEP00AC00000023', ['3123'], closers);
    a.calls.dialEnbloc('3122');
    await talking(a, b);
    await c.calls.dial('3122');
    const busy = await c.calls.waitFor((x) => x.tone === ToneCode.Busy);
    expect(busy.prompt).toBe(LABEL(0x19));
    c.calls.hangUp();
    await c.calls.waitFor((x) => x.state === CallStateCode.OnHook);

    await c.calls.dial('9');
    const unknown = await c.calls.waitFor((x) => x.tone === ToneCode.Reorder);
    expect(unknown.prompt).toBe(LABEL(0x38));
    c.calls.hangUp();
    await c.calls.waitFor(
      (x) => x.state === CallStateCode.OnHook && x.callReference === unknown.callReference,
    );

    // 312 could still become 3121…3123: '#' ends dialling and routes what was dialled.
    await c.calls.dial('312#');
    const ended = await c.calls.waitFor((x) => x.tone === ToneCode.Reorder);
    expect(ended.prompt).toBe(LABEL(0x38));
    c.calls.hangUp();
    const records = await cdrs(3);
    expect(records.map((r) => [r.originalCalledPartyNumber, r.origCause_value, r.destCause_value])).toEqual(
      expect.arrayContaining([
        ['3122', 0, 17],
        ['9', 1, 0],
        ['312#', 1, 0],
      ]),
    );
  });

  it('T302 routes an unfinished number: reorder when it is no DN', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000031', ['3131'], closers);
    await a.calls.dial('313');
    const call = await a.calls.waitFor((x) => x.tone === ToneCode.Reorder, 8000);
    expect(call.prompt).toBe(LABEL(0x38));
  });

  it('the caller hangs up while the callee rings: the ringing stops', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000041', ['3141'], closers);
    const b = await sccpCallPhone(t, 'SEP00AC00000042', ['3142'], closers);
    a.calls.dialEnbloc('3142');
    await b.calls.waitFor((c) => c.state === CallStateCode.RingIn);
    a.calls.hangUp();
    await b.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    await eventually(() => !b.calls.ringing);
    const [cdr] = await cdrs(1);
    expect(cdr).toMatchObject({ origCause_value: 16, dateTimeConnect: 0 });
  });

  it('the callee unregisters mid-call: the caller is cleared (cause 27)', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000051', ['3151'], closers);
    const b = await sccpCallPhone(t, 'SEP00AC00000052', ['3152'], closers, { autoAnswer: true });
    a.calls.dialEnbloc('3152');
    await talking(a, b);
    await b.station.unregister();
    await a.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    const [cdr] = await cdrs(1);
    expect(cdr).toMatchObject({ origCause_value: 0, destCause_value: 27 });
  });

  it('hold stops media on both phones; resume re-points both to the new receive ports', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000061', ['3161'], closers);
    const b = await sccpCallPhone(t, 'SEP00AC00000062', ['3162'], closers, {
      autoAnswer: true,
      rtpAddress: '127.0.0.2',
    });
    a.calls.dialEnbloc('3162');
    await talking(a, b);
    expect(a.calls.hold()).toBe(true);
    const held = await a.calls.waitFor((c) => c.state === CallStateCode.Hold && c.rtp === null);
    await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp === null);
    expect(held.prompt).toBe(LABEL(0x03));
    expect(a.calls.resume()).toBe(true);
    await talking(a, b);
    const aCall = a.calls.active()!;
    const bCall = b.calls.active()!;
    expect(aCall.portsOpened).toHaveLength(2);
    expect(bCall.portsOpened).toHaveLength(2);
    expect(aCall.sentTo.at(-1)).toBe(`127.0.0.2:${bCall.portsOpened[1]}`);
    expect(bCall.sentTo.at(-1)).toBe(`127.0.0.1:${aCall.portsOpened[1]}`);
    expect(receivedOf(aCall).from).toEqual(bCall.portsOpened.map((p) => `127.0.0.2:${p}`));
  });

  it('a shared line rings on both devices; the first answer wins, the other shows the line in use', async () => {
    const a = await sccpCallPhone(t, 'SEP00AC00000071', ['3171'], closers);
    const b1 = await sccpCallPhone(t, 'SEP00AC00000072', ['3172'], closers);
    const now = new Date();
    await t.node.store.transaction(async (tx) => {
      await tx.devices.insert(
        {
          name: 'SEP00AC00000073',
          model: '7960',
          protocol: 'SCCP',
          description: 'shared',
          lines: [{ index: 1, dn: '3172' }],
          loadId: null,
        },
        now,
      );
    });
    const b2 = await sccpCallPhone(t, 'SEP00AC00000073', ['3172'], closers, { configure: false });
    a.calls.dialEnbloc('3172');
    await b1.calls.waitFor((c) => c.state === CallStateCode.RingIn);
    await b2.calls.waitFor((c) => c.state === CallStateCode.RingIn);
    b2.calls.answer();
    await talking(a, b2);
    await b1.calls.waitFor((c) => c.state === CallStateCode.RemoteMultiline);
    await eventually(() => !b1.calls.ringing);
    a.calls.hangUp();
    await b1.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    await b2.calls.waitFor((c) => c.state === CallStateCode.OnHook);
    const [cdr] = await cdrs(1);
    expect(cdr).toMatchObject({ destDeviceName: 'SEP00AC00000073', origCause_value: 16 });
  });
});

describe('openucm sim phones (--call, --answer, --hold-after)', () => {
  beforeEach(async () => {
    t = await startTestNode();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('one phone calls, the other answers; both screens show the call and the RTP each receives', async () => {
    await addSccpDevice(t.node, 'SEP00AF00000001', ['3301']);
    await addSccpDevice(t.node, 'SEP00AF00000002', ['3302']);
    const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip ?? 5060 };
    const callee = trackedPhone({
      mac: '00AF00000002',
      model: '7960',
      tftp: null,
      direct,
      calls: { answer: true },
    });
    closers.push(() => callee.phone.stop());
    callee.phone.start();
    await callee.reach('registered');
    await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('3302'));
    const caller = trackedPhone({
      mac: '00AF00000001',
      model: '7960',
      tftp: null,
      direct,
      calls: { call: '3302', holdAfterSeconds: 1 },
    });
    closers.push(() => caller.phone.stop());
    caller.phone.start();
    const talking = (p: typeof caller, remote: string) =>
      eventually(() =>
        p.phone.snapshot.calls.find(
          (c) => c.state === 'connected' && c.remote?.number === remote && (c.media?.received ?? 0) > 10,
        ),
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify([caller.phone.snapshot, callee.phone.snapshot])}`,
        );
      });
    await talking(caller, '3302');
    await talking(callee, '3301');
    // It held the call (its screen said so) and resumed it.
    await eventually(() => caller.states.some((s) => s.calls.some((c) => c.state === 'hold')));
    await eventually(() => caller.phone.snapshot.calls.find((c) => c.state === 'connected' && c.media));
  });
});

describe('SCCP calls through an SCCP worker process', () => {
  beforeEach(async () => {
    t = await startTestNode({ config: { sccpWorkers: 1 } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('dials, rings, answers, talks and hangs up as in process', () => basicCall(false));
  it('dials en bloc as in process', () => basicCall(true));
});
