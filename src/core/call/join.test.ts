import { describe, expect, it } from 'vitest';
import {
  CallDriver,
  DIAL_PLAN,
  rtp,
  sccpPhone,
  sipPhone,
  START,
  target,
} from '../../../test/support/call-driver.js';
import type { CallCommand, LegCommand } from './call-command.js';
import type { OriginatingDevice } from './call.js';
import { callDetailRecord } from './cdr.js';
import { CALL_SPLIT, joinCalls } from './join.js';
import { transition } from './transition.js';

const A = sccpPhone('SEP000000000001', '1001');
const B = sccpPhone('SEP000000000002', '1002');
const C = sccpPhone('SEP000000000003', '1003');

/** A (leg `aLeg`) calls `dn` on `callee` (leg `calleeLeg`) in call `id`; it rings. */
function ringing(
  id: number,
  aLeg: number,
  dn: string,
  calleeLeg: number,
  callee: OriginatingDevice,
): CallDriver {
  const driver = new CallDriver(A, id, aLeg);
  driver.send({ kind: 'off-hook' });
  driver.send({ kind: 'digits', digits: dn });
  driver.send({ kind: 'routed', targets: [target(calleeLeg, callee)] });
  return driver;
}

function talking(
  id: number,
  aLeg: number,
  dn: string,
  calleeLeg: number,
  callee: OriginatingDevice,
): CallDriver {
  const driver = ringing(id, aLeg, dn, calleeLeg, callee);
  driver.send({ kind: 'answer', leg: calleeLeg });
  driver.send({ kind: 'media', leg: aLeg, media: rtp('10.0.0.1', 20000 + id), offer: false });
  const own = callee.solicitedMedia
    ? rtp(`10.0.0.${calleeLeg}`, 30000 + id)
    : rtp(`10.0.0.${calleeLeg}`, 30000 + id, ['PCMU']);
  driver.send({ kind: 'media', leg: calleeLeg, media: own, offer: !callee.solicitedMedia });
  return driver;
}

const told = (commands: CallCommand[], leg: number): LegCommand[] =>
  commands.flatMap((c) => (c.kind === 'leg' && c.leg === leg ? [c.command] : []));

describe('a transfer joins the two other parties and ends the transferor’s legs', () => {
  it('consultative: B and C are connected and see each other, A’s two calls are cleared, and media is set up B↔C', () => {
    const first = talking(1, 1, '1002', 2, B);
    first.send({ kind: 'hold', leg: 1 });
    const consult = talking(2, 3, '1003', 4, C);
    const result = joinCalls({
      held: first.call,
      heldLeg: 1,
      consult: consult.call,
      consultLeg: 3,
      joinedId: 9,
      now: START + 60_000,
    });
    if (typeof result === 'string') throw new Error(result);

    const [held, consultation] = result.ended;
    expect(held.call.state).toBe('released');
    expect(told(held.commands, 1)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(told(held.commands, 2)).toEqual([]);
    expect(told(consultation.commands, 3)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(told(consultation.commands, 4)).toEqual([]);
    expect(held.commands).toContainEqual({ kind: 'released' });
    const cdr = callDetailRecord(held.call, 1);
    expect([cdr.origCause_value, cdr.destCause_value]).toEqual([CALL_SPLIT, CALL_SPLIT]);
    expect(cdr.callingPartyNumber).toBe('1001');
    expect(cdr.originalCalledPartyNumber).toBe('1002');

    const joined = result.joined.call;
    expect(joined).toMatchObject({
      id: 9,
      state: 'connected',
      dialled: '1003',
      calledDn: '1003',
      transfer: 'joined',
    });
    expect(joined.legs.map((l) => [l.id, l.side, l.state])).toEqual([
      [2, 'orig', 'connected'],
      [4, 'dest', 'connected'],
    ]);
    const toB = told(result.joined.commands, 2);
    const toC = told(result.joined.commands, 4);
    expect(toB[0]).toEqual({ kind: 'call-state', state: 'connected', remote: C.party });
    expect(toC[0]).toEqual({ kind: 'call-state', state: 'connected', remote: B.party });
    // B's channel closed at hold: it is asked again; C's is open: it is told to send to B once B's ack is in.
    expect(toB.map((c) => c.kind)).toContain('open-receive-channel');
    expect(toC.map((c) => c.kind)).not.toContain('open-receive-channel');
    const after = transition(
      joined,
      { kind: 'media', leg: 2, media: rtp('10.0.0.2', 31000), offer: false },
      { now: START + 61_000, dialPlan: DIAL_PLAN },
    );
    expect(told(after.commands, 2)).toContainEqual(
      expect.objectContaining({ kind: 'start-media', to: { address: '10.0.0.4', port: 30002 } }),
    );
    expect(told(after.commands, 4)).toContainEqual(
      expect.objectContaining({ kind: 'start-media', to: { address: '10.0.0.2', port: 31000 } }),
    );

    // The joined call ends like any call: its CDR is B → C with the usual causes.
    const end = transition(
      after.call,
      { kind: 'hang-up', leg: 4 },
      { now: START + 120_000, dialPlan: DIAL_PLAN },
    );
    const last = callDetailRecord(end.call, 1);
    expect(last).toMatchObject({
      callingPartyNumber: '1002',
      originalCalledPartyNumber: '1003',
      finalCalledPartyNumber: '1003',
      origCause_value: 0,
      destCause_value: 16,
      duration: 60,
    });
  });

  it('early: C still rings; B hears ring-back, C is not disturbed, and C’s answer connects it to B', () => {
    const first = talking(1, 1, '1002', 2, B);
    first.send({ kind: 'hold', leg: 1 });
    const consult = ringing(2, 3, '1003', 4, C);
    const result = joinCalls({
      held: first.call,
      heldLeg: 1,
      consult: consult.call,
      consultLeg: 3,
      joinedId: 9,
      now: START,
    });
    if (typeof result === 'string') throw new Error(result);
    expect(result.joined.call.state).toBe('alerting');
    expect(told(result.joined.commands, 4)).toEqual([]);
    expect(told(result.joined.commands, 2)).toEqual([
      { kind: 'call-state', state: 'alerting', remote: { number: '1003', name: 'Phone 1003' } },
      { kind: 'tone', tone: 'ringback' },
      { kind: 'prompt', prompt: 'ring-out' },
    ]);
    expect(result.joined.commands).toContainEqual({ kind: 'start-timer', timer: 'ring' });
    expect(result.ended[1].commands).toContainEqual({ kind: 'stop-timer', timer: 'ring' });

    const answered = transition(
      result.joined.call,
      { kind: 'answer', leg: 4 },
      { now: START, dialPlan: DIAL_PLAN },
    );
    expect(answered.call.state).toBe('connected');
    expect(told(answered.commands, 4)).toContainEqual({
      kind: 'call-state',
      state: 'connected',
      remote: B.party,
    });
    expect(told(answered.commands, 2)).toContainEqual({
      kind: 'call-state',
      state: 'connected',
      remote: C.party,
    });
  });

  it('works when the transferor was called (B called A) and with SIP parties: B is re-offered C’s address', () => {
    const sipB = sipPhone('SEPB', '1002');
    const first = new CallDriver(sipB, 1, 2);
    first.send({ kind: 'off-hook' });
    first.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 40000, ['PCMU']), offer: true });
    first.send({ kind: 'digits', digits: '1001' });
    first.send({ kind: 'routed', targets: [target(1, A)] });
    first.send({ kind: 'answer', leg: 1 });
    first.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    first.send({ kind: 'hold', leg: 1 });
    const consult = talking(2, 3, '1003', 4, C);
    const result = joinCalls({
      held: first.call,
      heldLeg: 1,
      consult: consult.call,
      consultLeg: 3,
      joinedId: 9,
      now: START,
    });
    if (typeof result === 'string') throw new Error(result);
    expect(told(result.joined.commands, 2)).toContainEqual(
      expect.objectContaining({ kind: 'start-media', to: { address: '10.0.0.4', port: 30002 } }),
    );
  });

  it('refuses what cannot be a transfer, and changes nothing', () => {
    const first = talking(1, 1, '1002', 2, B);
    const dialling = new CallDriver(A, 2, 3);
    dialling.send({ kind: 'off-hook' });
    expect(
      joinCalls({
        held: first.call,
        heldLeg: 1,
        consult: dialling.call,
        consultLeg: 3,
        joinedId: 9,
        now: START,
      }),
    ).toBe('consult-not-ready');
    expect(
      joinCalls({
        held: first.call,
        heldLeg: 1,
        consult: first.call,
        consultLeg: 1,
        joinedId: 9,
        now: START,
      }),
    ).toBe('same-call');
    const consult = talking(2, 3, '1003', 4, sccpPhone('SEP000000000003', '1003', ['PCMA']));
    const onlyPcmu = talking(1, 1, '1002', 2, sccpPhone('SEP000000000002', '1002', ['PCMU']));
    expect(
      joinCalls({
        held: onlyPcmu.call,
        heldLeg: 1,
        consult: consult.call,
        consultLeg: 3,
        joinedId: 9,
        now: START,
      }),
    ).toBe('no-common-codec');
    expect(first.call.state).toBe('connected');
  });
});
