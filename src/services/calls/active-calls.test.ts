import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../core/call/call-event.js';
import { CallDriver, rtp, sccpPhone, START, target } from '../../../test/support/call-driver.js';
import type { ActiveCallChange } from './active-calls.js';
import { ActiveCalls, ENDED_CALLS_KEPT } from './active-calls.js';

const A = sccpPhone('SEP000000000001', '1001');

function watched() {
  const pushed: ActiveCallChange[] = [];
  let now = START;
  const active = new ActiveCalls({
    nodeName: 'cm1',
    clock: () => new Date(now),
    publish: (change) => pushed.push(change),
  });
  const driver = new CallDriver(A);
  const send = (event: CallEvent, afterMs = 0) => {
    now += afterMs;
    driver.send(event, afterMs);
    active.changed(driver.call);
  };
  return { active, pushed, driver, send };
}

describe('ActiveCalls', () => {
  it('builds and pushes no change while no live page listens, yet lists the call, and pushes again once one does', () => {
    const pushed: ActiveCallChange[] = [];
    let listening = false;
    const active = new ActiveCalls({
      nodeName: 'cm1',
      clock: () => new Date(START),
      publish: (change) => pushed.push(change),
      listened: () => listening,
    });
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    active.changed(driver.call);
    for (const digit of '1002') driver.send({ kind: 'digit', digit });
    driver.send({ kind: 'routed', targets: [target(2, sccpPhone('SEP000000000002', '1002'))] });
    active.changed(driver.call);
    expect(pushed).toEqual([]);
    expect(active.list()).toMatchObject([{ callId: 1, state: 'alerting' }]);
    listening = true;
    driver.send({ kind: 'answer', leg: 2 });
    active.changed(driver.call);
    expect(pushed.map((p) => [p.call.state, p.ended])).toEqual([['connected', false]]);
  });

  it('shows a call from off-hook to hang-up, pushing each change once and the end', () => {
    const { active, pushed, send } = watched();
    send({ kind: 'off-hook' });
    expect(active.list()).toMatchObject([
      {
        node: 'cm1',
        callId: 1,
        state: 'dialling',
        calling: { number: '1001', name: 'Phone 1001', deviceName: 'SEP000000000001' },
        called: { dialled: '', number: null },
        legs: [{ side: 'orig', deviceName: 'SEP000000000001', state: 'dialling' }],
      },
    ]);
    send({ kind: 'digit', digit: '1' }, 500);
    send({ kind: 'digit', digit: '0' }, 500);
    // Digits show in the list, but are not pushed one by one: they come with the next state.
    expect(active.list()[0].called.dialled).toBe('10');
    expect(pushed.map((p) => p.call.state)).toEqual(['dialling']);
    for (const digit of '02') send({ kind: 'digit', digit }, 500);
    send({ kind: 'routed', targets: [target(2, sccpPhone('SEP000000000002', '1002'))] });
    expect(active.list()[0]).toMatchObject({
      state: 'alerting',
      called: { dialled: '1002', number: '1002' },
    });
    const alertingSince = active.list()[0].stateSince;
    send({ kind: 'answer', leg: 2 }, 4000);
    send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    const [call] = active.list();
    expect(call).toMatchObject({
      state: 'connected',
      codec: 'PCMU',
      connectedAt: '2024-01-15T09:00:06.000Z',
    });
    expect(call.stateSince > alertingSince).toBe(true);
    expect(call.legs.map((l) => l.state)).toEqual(['connected', 'connected']);

    const before = pushed.length;
    // A media event changes nothing the page shows: nothing pushed.
    send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30000), offer: false });
    expect(pushed).toHaveLength(before);

    send({ kind: 'hang-up', leg: 1 });
    expect(active.list()).toEqual([]);
    expect(pushed.at(-1)).toMatchObject({ ended: true, call: { callId: 1, state: 'released' } });
    expect(pushed.filter((p) => p.ended)).toHaveLength(1);
  });

  it('remembers what each side offered and a channel never opened, for the troubleshooter', () => {
    const { active, driver, send } = watched();
    send({ kind: 'off-hook' });
    send({ kind: 'digits', digits: '1002' });
    send({ kind: 'routed', targets: [target(2, sccpPhone('SEP000000000002', '1002'))] });
    send({ kind: 'answer', leg: 2 });
    send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    send({ kind: 'hang-up', leg: 1 });
    const originated = Math.floor(driver.call.originatedAt / 1000);
    expect(active.endedCall(1, originated)).toMatchObject({
      legs: [
        {
          deviceName: 'SEP000000000001',
          codecs: ['PCMU', 'PCMA'],
          openUnanswered: false,
          addressKnown: true,
        },
        { deviceName: 'SEP000000000002', openUnanswered: true, addressKnown: false },
      ],
    });
    // Another call with the same id (after a restart) is not this one.
    expect(active.endedCall(1, originated + 60)).toBeUndefined();
  });

  it(`keeps the last ${ENDED_CALLS_KEPT} finished calls`, () => {
    const active = new ActiveCalls({ nodeName: 'cm1', clock: () => new Date(0), publish: () => {} });
    for (let id = 1; id <= ENDED_CALLS_KEPT + 1; id++) {
      const driver = new CallDriver(A, id, id);
      driver.send({ kind: 'off-hook' });
      driver.send({ kind: 'hang-up', leg: id });
      active.changed(driver.call);
    }
    const originated = Math.floor(new CallDriver(A).call.originatedAt / 1000);
    expect(active.endedCall(1, originated)).toBeUndefined();
    expect(active.endedCall(2, originated)).toBeDefined();
    expect(active.endedCall(ENDED_CALLS_KEPT + 1, originated)).toBeDefined();
  });
});
