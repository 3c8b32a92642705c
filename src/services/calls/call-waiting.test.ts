import { describe, expect, it } from 'vitest';
import { callNode, FakePhone, settle } from '../../../test/support/call-phones.js';

const sccp = (n: number, dn: string) => new FakePhone(`SEP00000000000${n}`, 'SCCP', dn);

/** A talks to B (1002). */
async function talking() {
  const a = sccp(1, '1001');
  const b = sccp(2, '1002');
  const c = sccp(3, '1003');
  const d = sccp(4, '1004');
  const node = callNode([a, b, c, d]);
  const aLeg = a.dial('1002');
  await settle();
  node.service.send(b.legs[0], { kind: 'answer' });
  return { a, b, c, d, aLeg, ...node };
}

describe('call waiting and the busy trigger (per line appearance)', () => {
  it('offers a second call to a phone in a call as call waiting, and a third caller hears busy (busy trigger 2)', async () => {
    const { b, c, d } = await talking();
    c.dial('1002');
    await settle();
    const waiting = b.commands(b.legs[1]);
    expect(waiting).toContainEqual(expect.objectContaining({ kind: 'ring', waiting: true }));
    expect(waiting).toContainEqual({ kind: 'prompt', prompt: 'call-waiting' });
    expect(c.commands()).toContainEqual({ kind: 'tone', tone: 'ringback' });
    d.dial('1002');
    await settle();
    expect(d.commands()).toContainEqual({ kind: 'tone', tone: 'busy' });
    expect(d.commands()).toContainEqual({ kind: 'reject', cause: 17 });
    expect(b.legs).toHaveLength(2);
  });

  it('a first call on an idle phone rings as usual', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    callNode([a, b]);
    a.dial('1002');
    await settle();
    expect(b.commands()).toContainEqual({
      kind: 'ring',
      caller: { number: '1001', name: 'Phone 1001' },
      called: { number: '1002', name: '' },
    });
    expect(b.commands()).toContainEqual({ kind: 'prompt', prompt: 'from' });
  });

  it('a line with busy trigger 1 is busy for a second caller (no call waiting)', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const c = sccp(3, '1003');
    const { service, locator } = callNode([a, b, c]);
    locator.registered({
      deviceName: b.deviceName,
      protocol: 'SCCP',
      lines: [{ index: 1, dn: '1002' }],
      appearances: new Map([[1, { maxCalls: 2, busyTrigger: 1 }]]),
    });
    a.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    c.dial('1002');
    await settle();
    expect(c.commands()).toContainEqual({ kind: 'reject', cause: 17 });
    expect(b.legs).toHaveLength(1);
  });

  it('answering the waiting call after holding the first connects it; the held call resumes later', async () => {
    const { a, b, c, service } = await talking();
    c.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'hold' });
    service.send(b.legs[1], { kind: 'answer' });
    expect(a.sendingTo()).toBeNull();
    expect(b.sendingTo(b.legs[1])).toBe(`${c.ip}:20002`);
    expect(c.sendingTo()).toBe(`${b.ip}:20004`);
    service.send(b.legs[1], { kind: 'hold' });
    service.send(b.legs[0], { kind: 'resume' });
    expect(a.sendingTo()).toMatch(new RegExp(`^${b.ip}:`));
  });

  it('refuses an outgoing call on a line that already holds its maximum number of calls (reorder)', async () => {
    const { b, c } = await talking();
    c.dial('1002');
    await settle();
    // B's line holds two calls (one talking, one waiting): a third, its own, is refused.
    const result = b.service.offHook({
      deviceName: b.deviceName,
      line: 1,
      party: { number: '1002', name: '' },
      sink: b.sink({ callId: 0, legId: 999 }),
      placesCall: true,
    });
    if (result.kind !== 'calling') throw new Error('the off-hook itself was refused');
    b.service.send(result.leg, { kind: 'digits', digits: '1004' });
    await settle();
    const placed = b.told.get(999) ?? [];
    expect(placed).toContainEqual({ kind: 'tone', tone: 'reorder' });
    expect(placed).toContainEqual({ kind: 'reject', cause: 34 });
  });
});
