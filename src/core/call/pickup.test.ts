import { describe, expect, it } from 'vitest';
import { CallDriver, sccpPhone, target } from '../../../test/support/call-driver.js';
import { DEFAULT_PICKUP_CODES, pickupDigits } from './pickup.js';

describe('pickupDigits', () => {
  it.each([
    ['*', false, { kind: 'more-digits' }],
    ['*', true, null],
    ['*8', false, { kind: 'pickup', group: null }],
    ['*8', true, { kind: 'pickup', group: null }],
    ['*8#', false, { kind: 'pickup', group: null }],
    ['*9', false, { kind: 'more-digits' }],
    ['*955', false, { kind: 'more-digits' }],
    ['*955#', false, { kind: 'pickup', group: '55' }],
    ['*955', true, { kind: 'pickup', group: '55' }],
    ['*9', true, { kind: 'invalid' }],
    ['*9*5', true, { kind: 'invalid' }],
    ['*7', true, null],
    ['1002', true, null],
    ['8', false, null],
  ])('%s (complete %s) is %j', (dialled, complete, expected) => {
    expect(pickupDigits(dialled, complete, DEFAULT_PICKUP_CODES)).toEqual(expected);
  });
});

describe('the pickup event', () => {
  const A = sccpPhone('SEP000000000001', '1001');
  const B = sccpPhone('SEP000000000002', '1002');
  const C = sccpPhone('SEP000000000003', '1003');

  it('stops the ringing devices (cause 26) and answers with the picker, which the caller then sees', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'digits', digits: '1002' });
    driver.send({ kind: 'routed', targets: [target(2, B)] });
    const picker = new CallDriver(C, 2, 7);
    picker.send({ kind: 'off-hook' });
    picker.send({ kind: 'digits', digits: '*8' });
    expect(picker.work()).toContainEqual({ kind: 'pickup', group: null });
    driver.send({ kind: 'pickup', picker: picker.leg(7) });
    expect(driver.kinds(2)).toEqual(['stop-ringing', 'clear']);
    expect(driver.told(1)).toContainEqual({
      kind: 'call-state',
      state: 'connected',
      remote: C.party,
    });
    expect(driver.kinds(7)).toContain('open-receive-channel');
    expect(driver.call).toMatchObject({
      state: 'connected',
      calledDn: '1003',
      lastRedirectDn: '1002',
      destLeg: 7,
    });
    // A second pickup of the same call changes nothing.
    expect(driver.send({ kind: 'pickup', picker: { ...picker.leg(7), id: 8 } })).toEqual([]);
  });

  it('PickUp and GPickUp keys on a dialling call', () => {
    const own = new CallDriver(C);
    own.send({ kind: 'off-hook' });
    own.send({ kind: 'pickup-key', leg: 1, group: false });
    expect(own.work()).toContainEqual({ kind: 'pickup', group: null });
    const group = new CallDriver(C);
    group.send({ kind: 'off-hook' });
    group.send({ kind: 'pickup-key', leg: 1, group: true });
    expect(group.told(1)).toContainEqual({ kind: 'stop-tone' });
    for (const digit of '42') group.send({ kind: 'digit', digit });
    group.send({ kind: 't302-expired' });
    expect(group.work()).toContainEqual({ kind: 'pickup', group: '42' });
  });
});
