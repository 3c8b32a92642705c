/**
 * A real SIP user agent in a call through the node: baresip (Debian baresip-core) registers a
 * configured SIP device and auto-answers the node's delayed-offer INVITE from a scripted SIP phone;
 * each side is told the other's RTP address, and the caller's BYE ends baresip's dialog too.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';
import { runBaresip } from '../sip/helpers/baresip.js';

let t: TestNode;
let dir: string;
let caller: SipCallPhone;

beforeAll(async () => {
  t = await startTestNode();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-baresip-call-'));
  await addSipDevice(t.node, 'SEP00CA11000011', ['3011']);
  await addSipDevice(t.node, 'SEP00BA5E000012', ['3012']);
  caller = await new SipCallPhone('00ca11000011', '3011', t.node.ports.sip!).open();
  expect((await caller.register()).status).toBe(200);
});

afterAll(async () => {
  caller.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

it('calls baresip: it answers the delayed offer and sends its RTP where the ACK’s SDP says (the caller’s socket); BYE ends both', async () => {
  const port = t.node.ports.sip!;
  const baresip = runBaresip(
    dir,
    `<sip:SEP00BA5E000012@127.0.0.1:${port};transport=udp>;regint=600;answermode=auto`,
    6,
    // A 440 Hz tone as its microphone: it sends RTP to wherever the node's ACK told it.
    ['module ausine.so', 'audio_source ausine,440', 'ausrc_srate 48000', 'ausrc_channels 2'],
  );
  // The caller's RTP socket: its port goes in the caller's SDP offer.
  const rtp = dgram.createSocket('udp4');
  const packets: Buffer[] = [];
  rtp.on('message', (m) => packets.push(m));
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
  try {
    await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string }>('/phones/SEP00BA5E000012');
      return r.status === 200 && r.body.status === 'registered';
    });
    const dialog = caller.invite('3012', phoneSdp(rtp.address().port));
    const ok = await caller.response('INVITE', 200);
    const sdp = parseSdp(ok.body.toString('utf8'));
    // baresip's own receive address (its host's interface) reaches the caller in the 200.
    expect(sdp.ok && sdp.sdp.media).toMatchObject({ codecs: ['PCMU'], direction: 'sendrecv' });
    expect(sdp.ok && sdp.sdp.media.address).not.toBe('0.0.0.0');
    expect(sdp.ok && sdp.sdp.media.port).toBeGreaterThan(0);
    SipCallPhone.confirmed(dialog, ok);
    caller.ack(dialog);
    await eventually(() => t.node.calls.service.activeCalls === 1);
    // RTP version 2, PCMU (payload type 0): baresip sends to the address the caller's SDP gave.
    const first = await eventually(() => packets[0]);
    expect(first[0] >> 6).toBe(2);
    expect(first[1] & 0x7f).toBe(0);
    caller.inDialog(dialog, 'BYE');
    await caller.response('BYE', 200);
    await eventually(() => t.node.calls.service.activeCalls === 0);
    const output = await baresip.done;
    expect(output).toContain('Call established');
  } catch (error) {
    // What baresip said is what explains a failure here.
    baresip.kill();
    throw new Error(`${(error as Error).message}; baresip printed:\n${await baresip.done}`, { cause: error });
  } finally {
    rtp.close();
    baresip.kill();
  }
});
