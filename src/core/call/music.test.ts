import { describe, expect, it } from 'vitest';
import { CallDriver, rtp, sccpPhone, sipPhone, target } from '../../../test/support/call-driver.js';

const MUSIC = { address: '10.0.0.9', port: 16384 };
const A = sccpPhone('SEP000000000001', '1001');
const B = sccpPhone('SEP000000000002', '1002');

/** A (SCCP) talks to `callee` on 1002, the node has music on hold. */
function connected(callee = B): CallDriver {
  const driver = new CallDriver(A);
  driver.musicSource = MUSIC;
  driver.send({ kind: 'off-hook' });
  driver.send({ kind: 'digits', digits: '1002' });
  driver.send({ kind: 'routed', targets: [target(2, callee)] });
  if (callee.solicitedMedia) {
    driver.send({ kind: 'answer', leg: 2 });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30000), offer: false });
  } else driver.send({ kind: 'answer', leg: 2, media: rtp('10.0.0.5', 40000, ['PCMU']) });
  driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20000), offer: false });
  return driver;
}

describe('music on hold: the held party hears the node', () => {
  it('asks a held SCCP phone for a fresh receive channel and streams to its ack; its transmit stays stopped', () => {
    const driver = connected();
    driver.send({ kind: 'hold', leg: 1 });
    expect(driver.told(1)).toContainEqual({ kind: 'stop-media' });
    expect(driver.told(2)).toEqual([{ kind: 'hear-music', from: MUSIC, codec: 'PCMU', packetMs: 20 }]);
    expect(driver.work()).toEqual([]);
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30002), offer: false });
    expect(driver.told(2)).toEqual([]);
    expect(driver.work()).toEqual([
      { kind: 'start-music', leg: 2, to: { address: '10.0.0.2', port: 30002 }, codec: 'PCMU', packetMs: 20 },
    ]);
  });

  it('stops the music on resume; the held phone keeps its music channel and hears the other phone there', () => {
    const driver = connected();
    driver.send({ kind: 'hold', leg: 1 });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30002), offer: false });
    driver.send({ kind: 'resume', leg: 1 });
    expect(driver.work()).toEqual([{ kind: 'stop-music', leg: 2 }]);
    expect(driver.kinds(1)).toContain('open-receive-channel');
    expect(driver.kinds(2)).not.toContain('open-receive-channel');
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20002), offer: false });
    expect(driver.told(1)).toContainEqual({
      kind: 'start-media',
      to: { address: '10.0.0.2', port: 30002 },
      codec: 'PCMU',
      packetMs: 20,
    });
    expect(driver.told(2)).toContainEqual({
      kind: 'start-media',
      to: { address: '10.0.0.1', port: 20002 },
      codec: 'PCMU',
      packetMs: 20,
    });
  });

  it('offers a held SIP phone the music address (its answer says where to stream) in the call codec', () => {
    const driver = connected(sipPhone('SEP00000000000B', '1002'));
    driver.send({ kind: 'hold', leg: 1 });
    expect(driver.told(2)).toEqual([{ kind: 'hear-music', from: MUSIC, codec: 'PCMU', packetMs: 20 }]);
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.5', 40002, ['PCMU'], 'recvonly'), offer: false });
    expect(driver.work()).toEqual([
      { kind: 'start-music', leg: 2, to: { address: '10.0.0.5', port: 40002 }, codec: 'PCMU', packetMs: 20 },
    ]);
    // A new offer of its own while held (not a hold) is answered with the music again, streamed to its new address.
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.6', 41000, ['PCMU']), offer: true });
    expect(driver.told(2)).toEqual([{ kind: 'hear-music', from: MUSIC, codec: 'PCMU', packetMs: 20 }]);
    expect(driver.work()).toContainEqual(
      expect.objectContaining({ kind: 'start-music', to: { address: '10.0.0.6', port: 41000 } }),
    );
  });

  it('a held phone that holds too stops hearing music; when the first resumes, it is the held one and hears music', () => {
    const driver = connected();
    driver.send({ kind: 'hold', leg: 1 });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.0.0.2', 30002), offer: false });
    driver.send({ kind: 'hold', leg: 2 });
    expect(driver.work()).toEqual([{ kind: 'stop-music', leg: 2 }]);
    expect(driver.kinds(2)).toContain('stop-media');
    driver.send({ kind: 'resume', leg: 1 });
    expect(driver.told(1)).toContainEqual({ kind: 'hear-music', from: MUSIC, codec: 'PCMU', packetMs: 20 });
    driver.send({ kind: 'media', leg: 1, media: rtp('10.0.0.1', 20004), offer: false });
    expect(driver.work()).toEqual([expect.objectContaining({ kind: 'start-music', leg: 1 })]);
  });

  it('without a music source a held phone hears silence, as before', () => {
    const driver = connected();
    driver.musicSource = undefined;
    driver.send({ kind: 'hold', leg: 1 });
    expect(driver.told(2)).toEqual([{ kind: 'stop-media' }]);
    expect(driver.work()).toEqual([]);
  });
});
