import { describe, expect, it } from 'vitest';
import {
  CallDriver,
  DIAL_PLAN,
  rtp,
  sccpPhone,
  sipPhone,
  target,
} from '../../../test/support/call-driver.js';
import type { CallCommand } from './call-command.js';
import type { CallEvent } from './call-event.js';
import { transition } from './transition.js';

const A = sccpPhone('SEP000000000001', '1001');
const B = sccpPhone('SEP000000000002', '1002');
const B2 = sccpPhone('SEP000000000003', '1002');

/** A calls 1002 digit by digit and 1002 rings on `targets`. */
function ringing(...targets: ReturnType<typeof target>[]): CallDriver {
  const driver = new CallDriver(A);
  driver.send({ kind: 'off-hook' });
  for (const digit of '1002') driver.send({ kind: 'digit', digit });
  driver.send({ kind: 'routed', targets });
  return driver;
}

function connected(): CallDriver {
  const driver = ringing(target(2, B));
  driver.send({ kind: 'answer', leg: 2 });
  driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
  driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30000), offer: false });
  return driver;
}

describe('a call: dialling', () => {
  it('gives an off-hook phone dial tone and "Enter Number", and starts T302', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    expect(driver.call.state).toBe('dialling');
    expect(driver.told(1)).toEqual([
      { kind: 'call-state', state: 'dialling', remote: null },
      { kind: 'prompt', prompt: 'enter-number' },
      { kind: 'tone', tone: 'dial' },
    ]);
    expect(driver.work()).toEqual([{ kind: 'start-timer', timer: 't302' }]);
  });

  it('stops dial tone at the first digit, restarts T302 at each, and routes a unique full match at once', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'digit', digit: '1' });
    expect(driver.kinds(1)).toEqual(['stop-tone']);
    expect(driver.work()).toEqual([{ kind: 'start-timer', timer: 't302' }]);
    driver.send({ kind: 'digit', digit: '0' });
    driver.send({ kind: 'digit', digit: '0' });
    driver.send({ kind: 'digit', digit: '2' });
    expect(driver.call.state).toBe('proceeding');
    expect(driver.work()).toEqual([
      { kind: 'stop-timer', timer: 't302' },
      { kind: 'route', dn: '1002' },
    ]);
  });

  it('waits on 100 while 1000 exists, and routes 100 when T302 expires', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    for (const digit of '100') driver.send({ kind: 'digit', digit });
    expect(driver.call.state).toBe('dialling');
    driver.send({ kind: 't302-expired' });
    expect(driver.work()).toContainEqual({ kind: 'route', dn: '100' });
  });

  it('routes 100 at once when the user presses #', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    for (const digit of '100#') driver.send({ kind: 'digit', digit });
    expect(driver.work()).toContainEqual({ kind: 'route', dn: '100' });
    expect(driver.call.dialled).toBe('100#');
  });

  it('gives reorder and "Unknown Number" (cause 1) for a number that can never match, without waiting', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'digit', digit: '5' });
    expect(driver.call.state).toBe('failed');
    expect(driver.told(1)).toContainEqual({ kind: 'tone', tone: 'reorder' });
    expect(driver.told(1)).toContainEqual({ kind: 'prompt', prompt: 'unknown-number' });
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 1 });
    expect(driver.call.clearing).toEqual({ side: 'orig', cause: 1 });
  });

  it('refuses a partial number when T302 expires (unallocated) or # ends it', () => {
    for (const end of [{ kind: 't302-expired' }, { kind: 'digit', digit: '#' }] as const) {
      const driver = new CallDriver(A);
      driver.send({ kind: 'off-hook' });
      driver.send({ kind: 'digit', digit: '1' });
      driver.send(end);
      expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 1 });
    }
  });

  it('calls an incomplete number nothing dialled after T302 (cause 28)', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 't302-expired' });
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 28 });
  });

  it('routes a number sent en bloc at once', () => {
    const driver = new CallDriver(sipPhone('SEP000000000009', '2000'));
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'digits', digits: '1003' });
    expect(driver.work()).toContainEqual({ kind: 'route', dn: '1003' });
  });
});

describe('a call: ringing and answer', () => {
  it('rings the callee with caller ID, and gives the caller ring-back and the callee’s identity', () => {
    const driver = ringing(target(2, B));
    expect(driver.call.state).toBe('alerting');
    expect(driver.told(2)).toContainEqual({ kind: 'ring', caller: A.party, called: B.party });
    expect(driver.told(1)).toContainEqual({
      kind: 'call-state',
      state: 'alerting',
      remote: { number: '1002', name: 'Phone 1002' },
    });
    expect(driver.told(1)).toContainEqual({ kind: 'tone', tone: 'ringback' });
    expect(driver.work()).toContainEqual({ kind: 'start-timer', timer: 'ring' });
  });

  it('opens both receive channels at answer, and starts the phones only when both acks are in (calls.md §1.5)', () => {
    const driver = ringing(target(2, B));
    driver.send({ kind: 'answer', leg: 2 });
    expect(driver.call.state).toBe('connected');
    expect(driver.call.codec).toBe('PCMU');
    expect(driver.told(1)).toContainEqual({ kind: 'open-receive-channel', codec: 'PCMU', packetMs: 20 });
    expect(driver.told(2)).toContainEqual({ kind: 'open-receive-channel', codec: 'PCMU', packetMs: 20 });
    expect(driver.told(1)).toContainEqual({ kind: 'stop-tone' });
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    expect(driver.told(2)).toEqual([]);
    expect(driver.told(1)).toEqual([]);
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30000), offer: false });
    expect(driver.told(1)).toEqual([
      { kind: 'start-media', to: { address: '10.0.0.2', port: 30000 }, codec: 'PCMU', packetMs: 20 },
    ]);
    expect(driver.told(2)).toEqual([
      { kind: 'start-media', to: { address: '10.0.0.1', port: 20000 }, codec: 'PCMU', packetMs: 20 },
    ]);
  });

  it('answers a SIP caller’s early offer with the SCCP callee’s address (mixed call)', () => {
    const driver = new CallDriver(sipPhone('SEP00000000000A', '1003', ['PCMA', 'PCMU']));
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.9', 16384, ['PCMA', 'PCMU']), offer: true });
    driver.send({ kind: 'digits', digits: '1002' });
    driver.send({ kind: 'routed', targets: [target(2, B)] });
    driver.send({ kind: 'answer', leg: 2 });
    expect(driver.call.codec).toBe('PCMA');
    expect(driver.kinds(1)).not.toContain('open-receive-channel');
    // The SCCP callee sends once its own channel is open (calls.md §1.5), when the SIP caller gets its answer.
    expect(driver.kinds(2)).not.toContain('start-media');
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30000), offer: false });
    expect(driver.told(2)).toContainEqual({
      kind: 'start-media',
      to: { address: '10.0.0.9', port: 16384 },
      codec: 'PCMA',
      packetMs: 20,
    });
    expect(driver.told(1)).toEqual([
      { kind: 'start-media', to: { address: '10.0.0.2', port: 30000 }, codec: 'PCMA', packetMs: 20 },
    ]);
  });

  it('takes a SIP callee’s delayed offer from its answer and sends its answer with the caller’s address', () => {
    const driver = ringing(target(2, sipPhone('SEP00000000000B', '1002')));
    driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.5', 40000, ['G729', 'PCMU']) });
    expect(driver.call.codec).toBe('PCMU');
    expect(driver.kinds(2)).not.toContain('open-receive-channel');
    expect(driver.kinds(2)).not.toContain('start-media');
    // calls.md §1.5: the SCCP caller is told where to send only once its own receive channel is open
    // ("only when both acks are in"), though the SIP callee's address is known already.
    expect(driver.kinds(1)).toContain('open-receive-channel');
    expect(driver.kinds(1)).not.toContain('start-media');
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    expect(driver.told(1)).toContainEqual({
      kind: 'start-media',
      to: { address: '10.0.0.5', port: 40000 },
      codec: 'PCMU',
      packetMs: 20,
    });
    expect(driver.told(2)).toContainEqual({
      kind: 'start-media',
      to: { address: '10.0.0.1', port: 20000 },
      codec: 'PCMU',
      packetMs: 20,
    });
  });
});

describe('a call: failures', () => {
  it('gives busy tone and "Busy" (cause 17) when the only callee is busy, and keeps the call until the caller hangs up', () => {
    const driver = ringing(target(2, B));
    driver.send({ kind: 'busy', leg: 2 });
    expect(driver.call.state).toBe('failed');
    expect(driver.told(1)).toContainEqual({ kind: 'tone', tone: 'busy' });
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 17 });
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 17 });
    driver.send({ kind: 'hang-up', leg: 1 });
    expect(driver.call.state).toBe('released');
    expect(driver.told(1)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 17 });
  });

  it('fails with the routing cause when no device can be offered the call', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'digits', digits: '1002' });
    driver.send({ kind: 'route-failed', cause: 20 });
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 20 });
    expect(driver.told(1)).toContainEqual({ kind: 'prompt', prompt: 'temp-fail' });
  });

  it('refuses a callee with no codec in common before it rings (cause 65, SIP 488), never transcoding', () => {
    const driver = ringing(target(2, sccpPhone('SEP000000000004', '1002', ['G729'])));
    expect(driver.call.state).toBe('failed');
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 65 });
    expect(driver.call.legs).toHaveLength(1);
  });

  it('clears the SIP callee that answered and gives the SCCP caller reorder and "Temp Fail" until it hangs up (cause 65)', () => {
    const g729 = sccpPhone('SEP000000000001', '1001', ['G729']);
    const driver = new CallDriver(g729);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'digits', digits: '1002' });
    driver.send({ kind: 'routed', targets: [target(2, sipPhone('SEP00000000000B', '1002'))] });
    driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.5', 40000, ['PCMU']) });
    expect(driver.call.state).toBe('failed');
    expect(driver.told(2)).toEqual([{ kind: 'clear', cause: 65 }]);
    expect(driver.told(1)).toContainEqual({ kind: 'tone', tone: 'reorder' });
    expect(driver.told(1)).toContainEqual({ kind: 'prompt', prompt: 'temp-fail' });
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 65 });
    driver.send({ kind: 'hang-up', leg: 1 });
    expect(driver.call.state).toBe('released');
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 65 });
    expect(driver.call.destLeg).toBe(2);
  });

  it('stops the ringing and gives the caller reorder when nobody answers in time (cause 19)', () => {
    const driver = ringing(target(2, B));
    driver.send({ kind: 'ring-timeout' });
    expect(driver.told(2)).toEqual([{ kind: 'clear', cause: 19 }]);
    expect(driver.told(1)).toContainEqual({ kind: 'reject', cause: 19 });
  });

  it('stops the ringing when the caller gives up (cancel)', () => {
    const driver = ringing(target(2, B), target(3, B2));
    driver.send({ kind: 'hang-up', leg: 1 });
    expect(driver.call.state).toBe('released');
    expect(driver.told(2)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(driver.told(3)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(driver.call.clearing).toEqual({ side: 'orig', cause: 16 });
    expect(driver.work()).toContainEqual({ kind: 'released' });
  });

  it('ends a call whose callee is lost mid-call (unregistered: cause 27)', () => {
    const driver = connected();
    driver.send({ kind: 'unreachable', leg: 2, cause: 27 });
    expect(driver.call.state).toBe('released');
    expect(driver.told(1)).toEqual([{ kind: 'clear', cause: 27 }]);
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 27 });
  });
});

describe('a call: shared line', () => {
  it('rings every device of the DN; the first answer wins and the others show the line in use', () => {
    const driver = ringing(target(2, B), target(3, B2));
    expect(driver.kinds(2)).toContain('ring');
    expect(driver.kinds(3)).toContain('ring');
    driver.send({ kind: 'answer', leg: 3 });
    expect(driver.kinds(2)).toEqual(['stop-ringing', 'in-use-remotely', 'call-state', 'prompt']);
    expect(driver.call.destLeg).toBe(3);
    driver.send({ kind: 'answer', leg: 2 });
    expect(driver.last).toEqual([]);
  });

  it('keeps ringing the others when one device is busy, and clears them all when the call ends', () => {
    const driver = ringing(target(2, B), target(3, B2));
    driver.send({ kind: 'busy', leg: 2 });
    expect(driver.call.state).toBe('alerting');
    driver.send({ kind: 'answer', leg: 3 });
    driver.send({ kind: 'hang-up', leg: 3 });
    expect(driver.told(1)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(driver.told(2)).toEqual([]);
    expect(driver.call.clearing).toEqual({ side: 'dest', cause: 16 });
  });

  it('tells a device that showed the line in use that the call went elsewhere when it ends (cause 26)', () => {
    const driver = ringing(target(2, B), target(3, B2));
    driver.send({ kind: 'answer', leg: 3 });
    driver.send({ kind: 'hang-up', leg: 1 });
    expect(driver.told(2)).toEqual([{ kind: 'clear', cause: 26 }]);
    expect(driver.told(3)).toEqual([{ kind: 'clear', cause: 16 }]);
  });
});

describe('a call: hold and resume', () => {
  it('stops both phones’ media on hold and re-points them to their newest addresses on resume', () => {
    const driver = connected();
    driver.send({ kind: 'hold', leg: 1 });
    expect(driver.call.state).toBe('on-hold');
    expect(driver.told(1)).toEqual([
      { kind: 'stop-media' },
      { kind: 'call-state', state: 'on-hold', remote: null },
      { kind: 'prompt', prompt: 'hold' },
    ]);
    expect(driver.told(2)).toEqual([{ kind: 'stop-media' }]);
    driver.send({ kind: 'resume', leg: 1 });
    expect(driver.call.state).toBe('connected');
    expect(driver.kinds(1)).toContain('open-receive-channel');
    expect(driver.kinds(2)).toContain('open-receive-channel');
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20002), offer: false });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30002), offer: false });
    expect(driver.told(1)).toEqual([
      { kind: 'start-media', to: { address: '10.0.0.2', port: 30002 }, codec: 'PCMU', packetMs: 20 },
    ]);
  });

  it('takes a SIP re-INVITE with inactive, sendonly or c=0.0.0.0 as hold, and one with an address as resume', () => {
    for (const held of [
      rtp('10.0.0.5', 40000, [], 'inactive'),
      rtp('10.0.0.5', 40000, [], 'sendonly'),
      rtp('0.0.0.0', 40000),
    ]) {
      const driver = ringing(target(2, sipPhone('SEP00000000000B', '1002')));
      driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.5', 40000, ['PCMU']) });
      driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
      driver.send({ kind: 'media', leg: 2, media: held, offer: true });
      expect(driver.call.state).toBe('on-hold');
      expect(driver.told(1)).toEqual([{ kind: 'stop-media' }]);
      expect(driver.told(2)).toContainEqual({ kind: 'stop-media' });
      driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.6', 41000, ['PCMU']), offer: true });
      expect(driver.call.state).toBe('connected');
      // The SCCP phone is asked for its (maybe new) port; once it is known, it sends to the SIP phone's new
      // address and the SIP phone's re-INVITE is answered with it.
      expect(driver.told(1)).toContainEqual({ kind: 'open-receive-channel', codec: 'PCMU', packetMs: 20 });
      expect(driver.kinds(1)).not.toContain('start-media');
      expect(driver.kinds(2)).toEqual(['call-state', 'prompt']);
      driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20004), offer: false });
      expect(driver.told(1)).toContainEqual({
        kind: 'start-media',
        to: { address: '10.0.0.6', port: 41000 },
        codec: 'PCMU',
        packetMs: 20,
      });
      expect(driver.told(2)).toEqual([
        { kind: 'start-media', to: { address: '10.0.0.1', port: 20004 }, codec: 'PCMU', packetMs: 20 },
      ]);
    }
  });

  it('stays silent while the other side still holds', () => {
    const driver = connected();
    driver.send({ kind: 'hold', leg: 1 });
    driver.send({ kind: 'hold', leg: 2 });
    driver.send({ kind: 'resume', leg: 1 });
    expect(driver.call.state).toBe('on-hold');
    expect(driver.kinds(1)).not.toContain('open-receive-channel');
    driver.send({ kind: 'resume', leg: 2 });
    expect(driver.kinds(1)).toContain('open-receive-channel');
  });

  it('answers a SIP phone’s resume offer at once with stop-media (inactive) while the other side still holds', () => {
    const driver = ringing(target(2, sipPhone('SEP00000000000B', '1002')));
    driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.5', 40000, ['PCMU']) });
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.5', 40000, [], 'sendonly'), offer: true });
    driver.send({ kind: 'hold', leg: 1 });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.5', 40002, ['PCMU']), offer: true });
    expect(driver.call.state).toBe('on-hold');
    expect(driver.told(2)).toContainEqual({ kind: 'stop-media' });
    expect(driver.kinds(1)).not.toContain('open-receive-channel');
    // Once the SCCP phone resumes, both talk again: the SIP phone is re-offered the SCCP phone's new port.
    driver.send({ kind: 'resume', leg: 1 });
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20006), offer: false });
    expect(driver.told(2)).toEqual([
      { kind: 'start-media', to: { address: '10.0.0.1', port: 20006 }, codec: 'PCMU', packetMs: 20 },
    ]);
  });

  it('re-points the other phone when a phone moves its media mid-call, and answers the offer', () => {
    const driver = ringing(target(2, sipPhone('SEP00000000000B', '1002')));
    driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.5', 40000, ['PCMU']) });
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.5', 40010, ['PCMU']), offer: true });
    expect(driver.told(1)).toEqual([
      { kind: 'start-media', to: { address: '10.0.0.5', port: 40010 }, codec: 'PCMU', packetMs: 20 },
    ]);
    expect(driver.kinds(2)).toEqual(['start-media']);
  });
});

describe('a call: hang-up', () => {
  it.each([1, 2])('clears both phones when leg %i hangs up', (leg) => {
    const driver = connected();
    driver.send({ kind: 'hang-up', leg });
    expect(driver.call.state).toBe('released');
    expect(driver.told(1)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(driver.told(2)).toEqual([{ kind: 'clear', cause: 16 }]);
    expect(driver.call.clearing).toEqual({ side: leg === 1 ? 'orig' : 'dest', cause: 16 });
    expect(driver.work()).toEqual<CallCommand[]>([
      { kind: 'stop-timer', timer: 't302' },
      { kind: 'stop-timer', timer: 'ring' },
      { kind: 'stop-timer', timer: 'no-answer' },
      { kind: 'released' },
    ]);
  });

  it('changes nothing for an event that does not apply, and never changes the call it is given', () => {
    const driver = connected();
    const before = structuredClone(driver.call);
    driver.send({ kind: 'digit', digit: '5' });
    driver.send({ kind: 'answer', leg: 1 });
    driver.send({ kind: 'hang-up', leg: 99 });
    expect(driver.call).toEqual(before);
    driver.send({ kind: 'hang-up', leg: 1 });
    const released = structuredClone(driver.call);
    driver.send({ kind: 'hang-up', leg: 2 });
    expect(driver.last).toEqual([]);
    expect(driver.call).toEqual(released);
  });

  it('leaves every call it was given as it was, through a whole call with a shared line, hold and media changes', () => {
    const driver = ringing(target(2, B), target(3, B2));
    const events: CallEvent[] = [
      { kind: 'answer', leg: 3, media: rtp('10.0.0.3', 30000) },
      { kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false },
      { kind: 'hold', leg: 1 },
      { kind: 'resume', leg: 1 },
      { kind: 'media', leg: 3, media: rtp('10.0.0.3', 30002), offer: true },
      { kind: 'hang-up', leg: 3 },
    ];
    for (const event of events) {
      // Frozen all the way down: a change in place to any part of the given call throws (strict mode).
      const given = deepFreeze(structuredClone(driver.call));
      const copy = structuredClone(given);
      const next = transition(given, event, { now: driver.now, dialPlan: DIAL_PLAN });
      expect(given).toEqual(copy);
      expect(next.call).not.toBe(given);
      driver.call = next.call;
    }
    expect(driver.call.state).toBe('released');
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
