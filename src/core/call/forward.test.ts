import { describe, expect, it } from 'vitest';
import { CallDriver, sccpPhone, sipPhone, target } from '../../../test/support/call-driver.js';
import type { DnFeatures } from '../line-settings.js';
import { NO_DN_FEATURES } from '../line-settings.js';
import { callDetailRecord } from './cdr.js';
import { Q850 } from './q850.js';

const A = sccpPhone('SEP000000000001', '1001');
const B = sccpPhone('SEP000000000002', '1002');
const C = sipPhone('SEP000000000003', '1003');
const D = sccpPhone('SEP000000000004', '2000');

/** A driver whose DNs forward as `forwards` says, with at most `maxHops` forwards per call. */
function driver(forwards: Record<string, Partial<DnFeatures>>, maxHops = 12): CallDriver {
  const d = new CallDriver(A);
  d.forwards = { features: (dn) => ({ ...NO_DN_FEATURES, ...forwards[dn] }), maxHops };
  d.send({ kind: 'off-hook' });
  return d;
}

const routes = (d: CallDriver) => d.work().flatMap((c) => (c.kind === 'route' ? [c.dn] : []));

describe('call forward all (decided before any device is offered the call)', () => {
  it('routes to the target instead, and the target rings with the redirect history', () => {
    const d = driver({ '1002': { forwardAll: '1003' } });
    d.send({ kind: 'digits', digits: '1002' });
    expect(routes(d)).toEqual(['1003']);
    expect(d.call.redirects).toEqual([
      { from: { number: '1002', name: '' }, to: '1003', reason: 'unconditional' },
    ]);
    expect(d.told(1)).toContainEqual({
      kind: 'call-state',
      state: 'proceeding',
      remote: { number: '1003', name: '' },
    });
    d.send({ kind: 'routed', targets: [target(3, C)] });
    expect(d.told(3)).toContainEqual({
      kind: 'ring',
      caller: A.party,
      called: C.party,
      redirects: d.call.redirects,
    });
    d.send({ kind: 'answer', leg: 3 });
    d.send({ kind: 'hang-up', leg: 1 });
    expect(callDetailRecord(d.call, 1)).toMatchObject({
      originalCalledPartyNumber: '1002',
      finalCalledPartyNumber: '1003',
      lastRedirectDn: '1002',
    });
  });

  it("follows each hop's own forward along a chain", () => {
    const d = driver({ '1002': { forwardAll: '1003' }, '1003': { forwardAll: '2000' } });
    d.send({ kind: 'digits', digits: '1002' });
    expect(routes(d)).toEqual(['2000']);
    d.send({ kind: 'routed', targets: [target(4, D)] });
    d.send({ kind: 'hang-up', leg: 1 });
    expect(callDetailRecord(d.call, 1)).toMatchObject({
      originalCalledPartyNumber: '1002',
      finalCalledPartyNumber: '2000',
      lastRedirectDn: '1003',
    });
  });

  it('stops a loop (a DN reached twice) with reorder, cause 25, and names it', () => {
    const d = driver({ '1002': { forwardAll: '1003' }, '1003': { forwardAll: '1002' } });
    d.send({ kind: 'digits', digits: '1002' });
    expect(routes(d)).toEqual([]);
    expect(d.call.state).toBe('failed');
    expect(d.told(1)).toContainEqual({ kind: 'tone', tone: 'reorder' });
    expect(d.told(1)).toContainEqual({ kind: 'reject', cause: Q850.exchangeRoutingError });
    expect(d.call.forwardStop).toEqual({ kind: 'loop', from: '1003', to: '1002' });
  });

  it('stops the chain at the hop limit', () => {
    const d = driver({ '1002': { forwardAll: '1003' }, '1003': { forwardAll: '2000' } }, 1);
    d.send({ kind: 'digits', digits: '1002' });
    expect(d.call.state).toBe('failed');
    expect(d.call.forwardStop).toEqual({ kind: 'hop-limit', from: '1003', to: '2000' });
    expect(d.call.redirects).toHaveLength(1);
  });

  it('gives the caller unallocated for a forward to a number that does not exist', () => {
    const d = driver({ '1002': { forwardAll: '5555' } });
    d.send({ kind: 'digits', digits: '1002' });
    expect(d.call.state).toBe('failed');
    expect(d.told(1)).toContainEqual({ kind: 'reject', cause: Q850.unallocatedNumber });
    expect(d.told(1)).toContainEqual({ kind: 'prompt', prompt: 'unknown-number' });
  });
});

describe('call forward busy', () => {
  it('sends the call on when the node finds every device of the DN busy', () => {
    const d = driver({ '1002': { forwardBusy: '1003' } });
    d.send({ kind: 'digits', digits: '1002' });
    expect(routes(d)).toEqual(['1002']);
    d.send({ kind: 'route-failed', cause: Q850.userBusy });
    expect(routes(d)).toEqual(['1003']);
    expect(d.call.redirects[0]).toMatchObject({ reason: 'user-busy', to: '1003' });
  });

  it('does not apply to other failures, nor to a SIP phone that answers 486 itself (calls.md §4.2)', () => {
    const absent = driver({ '1002': { forwardBusy: '1003' } });
    absent.send({ kind: 'digits', digits: '1002' });
    absent.send({ kind: 'route-failed', cause: Q850.subscriberAbsent });
    expect(absent.call.state).toBe('failed');

    const sip = driver({ '1003': { forwardBusy: '1002' } });
    sip.send({ kind: 'digits', digits: '1003' });
    sip.send({ kind: 'routed', targets: [target(3, C)] });
    sip.send({ kind: 'busy', leg: 3 });
    expect(sip.call.state).toBe('failed');
    expect(sip.told(1)).toContainEqual({ kind: 'reject', cause: Q850.userBusy });
  });
});

describe('call forward no answer', () => {
  it('starts its timer when the DN rings; at expiry the phones stop and the target rings, the caller keeps ring-back', () => {
    const d = driver({ '1002': { forwardNoAnswer: '1003' } });
    d.send({ kind: 'digits', digits: '1002' });
    d.send({ kind: 'routed', targets: [target(2, B)] });
    expect(d.work()).toContainEqual({ kind: 'start-timer', timer: 'no-answer' });
    d.send({ kind: 'no-answer-timeout' }, 12_000);
    expect(d.told(2)).toEqual([{ kind: 'clear', cause: Q850.noAnswer }]);
    expect(d.told(1)).toEqual([]);
    expect(routes(d)).toEqual(['1003']);
    d.send({ kind: 'routed', targets: [target(3, C)] });
    expect(d.told(1)).toContainEqual({
      kind: 'call-state',
      state: 'alerting',
      remote: { number: '1003', name: C.party.name },
    });
    d.send({ kind: 'answer', leg: 3 });
    expect(d.call.state).toBe('connected');
    d.send({ kind: 'hang-up', leg: 3 });
    expect(callDetailRecord(d.call, 1)).toMatchObject({
      finalCalledPartyNumber: '1003',
      lastRedirectDn: '1002',
      destDeviceName: C.deviceName,
    });
  });

  it('does nothing once the call was answered, and no timer runs for a DN without it', () => {
    const d = driver({ '1002': { forwardNoAnswer: '1003' } });
    d.send({ kind: 'digits', digits: '1002' });
    d.send({ kind: 'routed', targets: [target(2, B)] });
    d.send({ kind: 'answer', leg: 2 });
    d.send({ kind: 'no-answer-timeout' });
    expect(d.last).toEqual([]);

    const plain = driver({});
    plain.send({ kind: 'digits', digits: '1002' });
    plain.send({ kind: 'routed', targets: [target(2, B)] });
    expect(plain.work()).not.toContainEqual({ kind: 'start-timer', timer: 'no-answer' });
  });

  it('stops a no-answer loop between two DNs', () => {
    const d = driver({ '1002': { forwardNoAnswer: '1003' }, '1003': { forwardNoAnswer: '1002' } });
    d.send({ kind: 'digits', digits: '1002' });
    d.send({ kind: 'routed', targets: [target(2, B)] });
    d.send({ kind: 'no-answer-timeout' });
    d.send({ kind: 'routed', targets: [target(3, C)] });
    d.send({ kind: 'no-answer-timeout' });
    expect(d.call.state).toBe('failed');
    expect(d.call.forwardStop).toMatchObject({ kind: 'loop' });
    expect(d.told(3)).toContainEqual({ kind: 'clear', cause: Q850.noAnswer });
  });
});

describe("a SIP phone's own forward (302)", () => {
  it('is followed as an unconditional forward; the caller keeps ring-back', () => {
    const d = driver({});
    d.send({ kind: 'digits', digits: '1003' });
    d.send({ kind: 'routed', targets: [target(3, C)] });
    d.send({ kind: 'moved', leg: 3, target: '2000' });
    expect(routes(d)).toEqual(['2000']);
    expect(d.told(3)).toEqual([]);
    expect(d.told(1)).toEqual([]);
    expect(d.call.redirects).toEqual([
      { from: { number: '1003', name: C.party.name }, to: '2000', reason: 'unconditional' },
    ]);
  });
});
