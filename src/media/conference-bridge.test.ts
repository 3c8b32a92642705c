import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LimitLog } from '../services/limit-log.js';
import { RtpStream } from '../sim/rtp.js';
import { ConferenceBridge } from './conference-bridge.js';

// The bridge's mixer thread and simulator RTP endpoints (µ-law senders) over real UDP sockets on loopback.
const TONES = [500, 800, 1200];
const HOST = '127.0.0.1';
const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});

function bridgeOf(maxConferences: number) {
  const limits = new LimitLog(pino({ level: 'silent' }));
  const bridge = ConferenceBridge.start({
    bind: HOST,
    address: HOST,
    maxConferences,
    limits,
    logger: pino({ level: 'silent' }),
  });
  open.push(bridge);
  return { bridge, limits };
}

/** Three phones with their own tones, joined to one conference (party ids 1..3). */
async function conferenceOf(bridge: ConferenceBridge, codecs = ['PCMU', 'PCMU', 'PCMU'] as const) {
  const conference = bridge.open({ device: 'SEP000000000001' })!;
  const phones = await Promise.all(TONES.map(() => RtpStream.open(HOST)));
  open.push(...phones);
  for (const [i, phone] of phones.entries()) {
    const target = await bridge.join(conference, i + 1, codecs[i]);
    bridge.sendTo(conference, i + 1, { address: HOST, port: phone.port });
    phone.setTone(TONES[i]);
    phone.start(target);
  }
  return { conference, phones };
}

/** What each phone hears once it has a fresh 500 ms of audio. */
async function heardBy(phones: RtpStream[]): Promise<number[][]> {
  for (const phone of phones) phone.clearHeard();
  await vi.waitFor(() => expect(phones.every((phone) => phone.heardFrames >= 25)).toBe(true), {
    timeout: 5000,
  });
  return phones.map((phone) => phone.tonesHeard(TONES));
}

describe('the conference bridge (mixer thread, real UDP)', () => {
  it('each of three parties hears the other two tones and not its own', async () => {
    const { bridge } = bridgeOf(4);
    const { phones } = await conferenceOf(bridge);
    expect(await heardBy(phones)).toEqual([
      [800, 1200],
      [500, 1200],
      [500, 800],
    ]);
    const stats = await bridge.stats();
    expect(stats).toMatchObject({ conferences: 1, parties: 3 });
    expect(stats!.framesReceived).toBeGreaterThan(0);
  });

  it('when one party leaves, the other two still hear each other; a silent party is no obstacle', async () => {
    const { bridge } = bridgeOf(4);
    const { conference, phones } = await conferenceOf(bridge);
    bridge.leave(conference, 2);
    phones[1].stop();
    expect(await heardBy([phones[0], phones[2]])).toEqual([[1200], [500]]);
    phones[2].setTone(null);
    expect(await heardBy([phones[0], phones[2]])).toEqual([[], [500]]);
  });

  it('does not let another sender on a party’s port speak into the conference', async () => {
    const { bridge } = bridgeOf(4);
    const conference = bridge.open({ device: 'SEP000000000001' })!;
    const listener = await RtpStream.open(HOST);
    const intruder = await RtpStream.open('127.0.0.2');
    open.push(listener, intruder);
    await bridge.join(conference, 1, 'PCMU');
    const stolen = await bridge.join(conference, 2, 'PCMU');
    bridge.sendTo(conference, 1, { address: HOST, port: listener.port });
    // Party 2's phone is at 10.0.0.9: a sender from another address on its port is not mixed.
    bridge.sendTo(conference, 2, { address: '10.0.0.9', port: 4000 });
    intruder.setTone(800);
    intruder.start(stolen);
    expect(await heardBy([listener])).toEqual([[]]);
    expect((await bridge.stats())!.framesRejected).toBeGreaterThan(0);
  });

  it('refuses a conference beyond --conference-max, logged and counted; one ends, another may open', async () => {
    const { bridge, limits } = bridgeOf(1);
    const first = bridge.open({ device: 'SEP000000000001' });
    expect(first).not.toBeNull();
    expect(bridge.open({ device: 'SEP000000000002' })).toBeNull();
    expect(limits.totals().get('conferenceMax')).toBe(1);
    bridge.end(first!);
    expect(bridge.open({ device: 'SEP000000000002' })).not.toBeNull();
  });

  it('a party joining while its conference ends keeps no port open', async () => {
    const { bridge } = bridgeOf(4);
    const conference = bridge.open({ device: 'SEP000000000001' })!;
    const joining = bridge.join(conference, 1, 'PCMU');
    bridge.end(conference);
    await expect(joining).rejects.toThrow(/ended/);
    await vi.waitFor(async () => expect(await bridge.stats()).toMatchObject({ conferences: 0, parties: 0 }));
  });

  it('with --conference-max 0 starts no thread and refuses every conference', async () => {
    const { bridge } = bridgeOf(0);
    expect(bridge.open({ device: 'SEP000000000001' })).toBeNull();
    expect(await bridge.stats()).toBeNull();
  });
});
