import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { consultation, RecordingLimits, settle } from '../../../test/support/call-phones.js';
import { ConferenceBridge } from '../../media/conference-bridge.js';

let bridge: ConferenceBridge | null = null;
afterEach(async () => {
  await bridge?.close();
  bridge = null;
});

/** A calls B (answered), holds it, calls C (answered or not): Confrn's first press. */
async function consulting(answerC = true, maxConferences = 10) {
  bridge = ConferenceBridge.start({
    bind: '127.0.0.1',
    address: '127.0.0.1',
    maxConferences,
    limits: new RecordingLimits(),
    logger: pino({ level: 'silent' }),
  });
  const calls = await consultation(answerC, { conferences: { mixer: bridge, deviceName: 'CFB_1' } });
  return { ...calls, bridge };
}

/** The bridge port a phone was last told to send to, or null. */
const bridgePort = (target: string | null) =>
  target?.startsWith('127.0.0.1:') ? Number(target.split(':')[1]) : null;

describe('CallService.conference', () => {
  it('puts A, B and C each on a call into the bridge, each sending to a port of its own, and writes the setup CDRs', async () => {
    const { a, b, c, held, consult, service, cdrs } = await consulting();
    expect(await service.conference(held, consult)).toEqual({ kind: 'conferenced', conference: 1 });
    expect(service.openConferences).toBe(1);
    // A's consultation leg is cleared; its held leg talks to the conference.
    expect(a.commands(consult).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    for (const [phone, leg] of [
      [a, held],
      [b, b.legs[0]],
      [c, c.legs[0]],
    ] as const)
      expect(phone.commands(leg)).toContainEqual({
        kind: 'call-state',
        state: 'connected',
        remote: { number: 'b0000000001', name: 'Conference' },
      });
    const ports = [a.sendingTo(held), b.sendingTo(b.legs[0]), c.sendingTo(c.legs[0])].map(bridgePort);
    expect(ports.every((p) => p !== null && p > 0)).toBe(true);
    expect(new Set(ports).size).toBe(3);
    // The original and the consultation call end on behalf of the conference, naming its controller.
    expect(
      cdrs.map((r) => [
        r.originalCalledPartyNumber,
        r.origCallTerminationOnBehalfOf,
        r.destCallTerminationOnBehalfOf,
        r.comment,
      ]),
    ).toEqual([
      ['1002', 4, 4, 'ConfControllerDn=1001;ConfControllerDeviceName=SEP000000000001'],
      ['1003', 4, 4, 'ConfControllerDn=1001;ConfControllerDeviceName=SEP000000000001'],
    ]);
  });

  it('joins the last two directly when a party leaves, releasing the bridge; each party CDR goes into the bridge', async () => {
    const { a, b, c, held, consult, service, cdrs, bridge } = await consulting();
    await service.conference(held, consult);
    service.send(c.legs[0], { kind: 'hang-up' });
    await settle();
    // A and B talk to each other again, not to the bridge.
    expect(a.sendingTo(held)).toMatch(/^10\.0\.0\.2:/);
    expect(b.sendingTo(b.legs[0])).toMatch(/^10\.0\.0\.1:/);
    expect(a.commands(held).at(-3)).toMatchObject({
      kind: 'call-state',
      state: 'connected',
      remote: { number: '1002' },
    });
    expect(service.openConferences).toBe(0);
    expect(bridge.size).toBe(0);
    const parties = cdrs.filter((r) => r.destConversationId === 1);
    expect(
      parties.map((r) => [
        r.callingPartyNumber,
        r.finalCalledPartyNumber,
        r.joinOnBehalfOf,
        r.destDeviceName,
      ]),
    ).toEqual([
      ['1003', 'b0000000001', 4, 'CFB_1'],
      ['1001', 'b0000000001', 4, 'CFB_1'],
      ['1002', 'b0000000001', 4, 'CFB_1'],
    ]);
    // The last two's own call: A and B, joined on behalf of the conference.
    service.send(held, { kind: 'hang-up' });
    expect(cdrs.at(-1)).toMatchObject({
      callingPartyNumber: '1001',
      finalCalledPartyNumber: '1002',
      joinOnBehalfOf: 4,
      destConversationId: 0,
    });
    expect(service.activeCalls).toBe(0);
  });

  it('waits for the third party to answer, and refuses at the bridge limit: the calls stay as they were', async () => {
    const ringing = await consulting(false);
    expect(await ringing.service.conference(ringing.held, ringing.consult)).toMatchObject({
      kind: 'refused',
    });
    expect(ringing.service.activeCalls).toBe(2);
    await bridge?.close();
    const full = await consulting(true, 0);
    expect(await full.service.conference(full.held, full.consult)).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('--conference-max'),
    });
    expect(full.service.activeCalls).toBe(2);
  });

  it('answers a refusal, never a rejection, when the bridge itself fails (a Confrn press is not awaited)', async () => {
    const broken = {
      open: () => {
        throw new Error('the mixer thread is gone');
      },
      join: () => Promise.reject(new Error('unused')),
      sendTo: () => undefined,
      leave: () => undefined,
      end: () => undefined,
    };
    const { held, consult, service } = await consultation(true, {
      conferences: { mixer: broken, deviceName: 'CFB_1' },
    });
    expect(await service.conference(held, consult)).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('the mixer thread is gone'),
    });
    expect(service.activeCalls).toBe(2);
  });
});
