import { describe, expect, it } from 'vitest';
import { callNode, FakePhone, settle } from '../../../test/support/call-phones.js';
import type { DnFeatures } from '../../core/line-settings.js';
import { NO_DN_FEATURES } from '../../core/line-settings.js';

const sccp = (n: number, dn: string) => new FakePhone(`SEP00000000000${n}`, 'SCCP', dn);

const forwarding =
  (forwards: Record<string, Partial<DnFeatures>>) =>
  (dn: string): DnFeatures => ({ ...NO_DN_FEATURES, ...forwards[dn] });

describe('CallService: forwards', () => {
  it('rings the Forward No Answer target after the no-answer time (a hand-driven clock)', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const c = sccp(3, '1003');
    const { time, cdrs, service } = callNode([a, b, c], { callForwardNoAnswerSeconds: 5 }, undefined, {
      dnFeatures: forwarding({ '1002': { forwardNoAnswer: '1003' } }),
    });
    const aLeg = a.dial('1002');
    await settle();
    expect(b.kinds()).toContain('ring');
    time.advance(4_999);
    expect(c.kinds()).toEqual([]);
    time.advance(1);
    await settle();
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 19 });
    expect(c.kinds()).toContain('ring');
    expect(a.commands().at(-3)).toMatchObject({
      kind: 'call-state',
      state: 'alerting',
      remote: { number: '1003' },
    });
    service.send(aLeg, { kind: 'hang-up' });
    expect(cdrs[0]).toMatchObject({
      originalCalledPartyNumber: '1002',
      finalCalledPartyNumber: '1003',
      lastRedirectDn: '1002',
    });
    expect(time.pending).toBe(0);
  });

  it('sends a call to a DN whose devices are all busy to its Forward Busy target', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const c = sccp(3, '1003');
    callNode([a, b, c], { callMaxPerDevice: 1 }, undefined, {
      dnFeatures: forwarding({ '1002': { forwardBusy: '1003' } }),
    });
    b.dial('1004');
    await settle();
    a.dial('1002');
    await settle();
    expect(c.kinds()).toContain('ring');
  });
});
