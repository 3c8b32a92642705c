import { describe, expect, it } from 'vitest';
import type { DnFeatures } from '../../core/line-settings.js';
import { NO_DN_FEATURES } from '../../core/line-settings.js';
import { callNode, FakePhone, settle } from '../../../test/support/call-phones.js';

const sccp = (n: number, dn: string) => new FakePhone(`SEP00000000000${n}`, 'SCCP', dn);

/** 1002 and 1003 share pickup group 55; 1004 is in none. */
const groups: Record<string, string> = { '1002': '55', '1003': '55' };
const dnFeatures = (dn: string): DnFeatures => ({ ...NO_DN_FEATURES, pickupGroup: groups[dn] ?? null });

/** A (1001) calls B (1002), which rings. */
async function ringing() {
  const a = sccp(1, '1001');
  const b = sccp(2, '1002');
  const c = sccp(3, '1003');
  const d = sccp(4, '1004');
  const node = callNode([a, b, c, d], {}, undefined, { dnFeatures });
  const aLeg = a.dial('1002');
  await settle();
  return { a, b, c, d, aLeg, ...node };
}

describe('call pickup', () => {
  it('PickUp: a phone of the group answers the call ringing on another DN; the CDR reads as CUCM writes a pickup', async () => {
    const { a, b, c, aLeg, service, cdrs, time } = await ringing();
    const cLeg = c.dial('');
    service.send(cLeg, { kind: 'pickup-key', group: false });
    expect(b.kinds()).toEqual(expect.arrayContaining(['stop-ringing', 'clear']));
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 26 });
    expect(c.commands()).toContainEqual({
      kind: 'call-state',
      state: 'connected',
      remote: { number: '1001', name: 'Phone 1001' },
    });
    expect(a.commands()).toContainEqual({
      kind: 'call-state',
      state: 'connected',
      remote: { number: '1003', name: 'Phone 1003' },
    });
    expect(a.sendingTo()).toBe(`${c.ip}:20002`);
    expect(c.sendingTo(cLeg)).toBe(`${a.ip}:20002`);
    expect(service.activeCalls).toBe(1);
    time.advance(10_000);
    service.send(cLeg, { kind: 'hang-up' });
    expect(a.commands().at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(cdrs).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({
      callingPartyNumber: '1001',
      originalCalledPartyNumber: '1002',
      finalCalledPartyNumber: '1003',
      lastRedirectDn: '1002',
      lastRedirectRedirectReason: 5,
      destDeviceName: c.deviceName,
      duration: 10,
      destCause_value: 16,
    });
    expect(aLeg.callId).toBe(cdrs[0].globalCallID_callId);
  });

  it('GPickUp: a phone in no group picks up by dialling the group number after the key (or the code and the number)', async () => {
    const { b, d, service } = await ringing();
    const dLeg = d.dial('');
    service.send(dLeg, { kind: 'pickup-key', group: true });
    for (const digit of '55#') service.send(dLeg, { kind: 'digit', digit });
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 26 });
    expect(d.commands()).toContainEqual(expect.objectContaining({ kind: 'call-state', state: 'connected' }));
  });

  it('the SIP feature code: *8 picks up in the own group (*9 and a number: the longest-ringing test)', async () => {
    const { c, service } = await ringing();
    const leg = c.dial('');
    service.send(leg, { kind: 'digits', digits: '*8' });
    expect(c.commands()).toContainEqual(expect.objectContaining({ kind: 'call-state', state: 'connected' }));
  });

  it('nothing to pick up: reorder, and a SIP phone gets 480 (cause 20); a DN in no group gets the same', async () => {
    const a = sccp(1, '1001');
    const c = sccp(3, '1003');
    const d = sccp(4, '1004');
    const { service, cdrs } = callNode([a, c, d], {}, undefined, { dnFeatures });
    const cLeg = c.dial('');
    service.send(cLeg, { kind: 'digits', digits: '*8' });
    expect(c.commands()).toContainEqual({ kind: 'tone', tone: 'reorder' });
    expect(c.commands()).toContainEqual({ kind: 'reject', cause: 20 });
    const dLeg = d.dial('');
    service.send(dLeg, { kind: 'pickup-key', group: false });
    expect(d.commands()).toContainEqual({ kind: 'reject', cause: 20 });
    service.send(cLeg, { kind: 'hang-up' });
    expect(cdrs[0]).toMatchObject({ originalCalledPartyNumber: '*8', destCause_value: 20 });
  });

  it('picks up the call that rings longest in the group', async () => {
    const { a, b, c, d, service, time } = await ringing();
    time.advance(1_000);
    const e = sccp(5, '1001');
    e.service = service;
    service.attach(e);
    e.dial('1003');
    await settle();
    const dLeg = d.dial('');
    service.send(dLeg, { kind: 'digits', digits: '*955' });
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 26 });
    expect(c.kinds()).not.toContain('clear');
    expect(a.commands()).toContainEqual(expect.objectContaining({ kind: 'call-state', state: 'connected' }));
  });
});
