import { describe, expect, it } from 'vitest';
import { callNode, consultation, FakePhone, settle } from '../../../test/support/call-phones.js';
import { blindTransfer } from './blind-transfer.js';

const sccp = (n: number, dn: string) =>
  new FakePhone(`SEP0000000000${n.toString(16).padStart(2, '0').toUpperCase()}`, 'SCCP', dn);

describe('CallService.transfer', () => {
  it('re-homes B’s and C’s legs into a new call: their adapters’ old handles still reach it, and A’s legs are cleared', async () => {
    const { a, b, c, held, consult, service, cdrs } = await consultation(true);
    expect(service.transfer(held, consult)).toEqual({ kind: 'transferred', callId: 3 });
    expect(a.commands(held).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(a.commands(consult).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(service.activeCalls).toBe(1);
    expect(b.sendingTo()).toBe(`${c.ip}:20002`);
    expect(c.sendingTo()).toBe(`${b.ip}:20004`);
    expect(cdrs.map((r) => [r.originalCalledPartyNumber, r.origCause_value, r.destCause_value])).toEqual([
      ['1002', 393216, 393216],
      ['1003', 393216, 393216],
    ]);
    // B hangs up with the handle its adapter kept from the first call: the joined call ends.
    service.send(b.legs[0], { kind: 'hang-up' });
    expect(c.commands().at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(cdrs[2]).toMatchObject({
      callingPartyNumber: '1002',
      originalCalledPartyNumber: '1003',
      origCause_value: 16,
    });
    expect(service.activeCalls).toBe(0);
  });

  it('refuses while the consultation call is still being dialled, and changes nothing', async () => {
    const [a, b] = [sccp(1, '1001'), sccp(2, '1002')];
    const { service } = callNode([a, b]);
    const held = a.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    const consult = a.dial('10');
    expect(service.transfer(held, consult)).toMatchObject({ kind: 'refused', reason: 'consult-not-ready' });
    expect(service.activeCalls).toBe(2);
  });
});

describe('blindTransfer', () => {
  it('calls the target for the held party and joins them as soon as it rings; the ring timer runs on', async () => {
    const [a, b, c] = [sccp(1, '1001'), sccp(2, '1002'), sccp(3, '1003')];
    const { service, time } = callNode([a, b, c]);
    const held = a.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    const told: string[] = [];
    blindTransfer(
      service,
      held,
      { deviceName: a.deviceName, line: 1, party: { number: '1001', name: '' } },
      '1003',
      {
        joining: () => told.push('joining'),
        failed: (cause) => told.push(`failed ${cause}`),
      },
    );
    await settle();
    expect(told).toEqual(['joining']);
    expect(a.commands(held).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(
      b
        .commands()
        .slice(-3)
        .map((c) => c.kind),
    ).toEqual(['call-state', 'tone', 'prompt']);
    expect(c.kinds()).toContain('ring');
    expect(time.pending).toBeGreaterThan(0);
  });

  it('tells why when the target cannot be reached, and leaves the held call alone', async () => {
    const [a, b] = [sccp(1, '1001'), sccp(2, '1002')];
    const { service } = callNode([a, b]);
    const held = a.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    const told: string[] = [];
    blindTransfer(
      service,
      held,
      { deviceName: a.deviceName, line: 1, party: { number: '1001', name: '' } },
      '1999',
      {
        joining: () => told.push('joining'),
        failed: (cause) => told.push(`failed ${cause}`),
      },
    );
    await settle();
    expect(told).toEqual(['failed 1']);
    expect(service.activeCalls).toBe(1);
  });
});
