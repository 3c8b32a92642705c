/**
 * SCCP ↔ SIP through a real node, no special case: the simulator's SCCP phone and a scripted SIP
 * phone on real sockets call each other both ways. The SIP phone's SDP address is where the SCCP
 * phone's StartMediaTransmission points, and the SCCP phone's OpenReceiveChannelAck address is what
 * the SIP phone's SDP says: RTP flows phone to phone in both directions, never through the node.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SipMessage } from '../../src/protocols/sip/message.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

let t: TestNode;
const closers: Array<() => void> = [];
let sccp: SimSccpPhone;
let sip: SipCallPhone;
let rtp: dgram.Socket;
const rtpIn: { from: string; pt: number }[] = [];

beforeAll(async () => {
  t = await startTestNode();
  sccp = await sccpCallPhone(t, 'SEP00AC00000051', ['3251'], closers, { autoAnswer: true });
  await addSipDevice(t.node, 'SEP00CA11000052', ['3252']);
  sip = await new SipCallPhone('00ca11000052', '3252', t.node.ports.sip!).open();
  closers.push(() => sip.close());
  expect((await sip.register()).status).toBe(200);
  // The SIP phone's RTP socket: its port goes in the SIP phone's SDP.
  rtp = dgram.createSocket('udp4');
  rtp.on('message', (packet, peer) =>
    rtpIn.push({ from: `${peer.address}:${peer.port}`, pt: packet[1] & 0x7f }),
  );
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
  closers.push(() => rtp.close());
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

const sdpOf = (m: SipMessage) => {
  const result = parseSdp(m.body.toString('utf8'));
  if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
  return result.sdp.media;
};

/** One PCMU packet from the SIP phone's RTP socket to `port`. */
function sendRtp(port: number, seq: number): void {
  const packet = Buffer.alloc(12 + 160, 0xff);
  packet.writeUInt8(0x80, 0);
  packet.writeUInt8(0, 1);
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(seq * 160, 4);
  packet.writeUInt32BE(0x5e55, 8);
  rtp.send(packet, port, '127.0.0.1');
}

it('an SCCP phone calls a SIP phone: delayed offer answered in the ACK with the SCCP phone’s RTP port; RTP both ways', async () => {
  sccp.calls.dialEnbloc('3252');
  const invite = await sip.request('INVITE');
  expect(invite.body.length).toBe(0);
  expect(invite.header('remote-party-id')).toContain('<sip:3251@');
  sip.respond(invite, 180, 'Ringing', 's52');
  await sccp.calls.waitFor((c) => c.state === CallStateCode.RingOut);
  sip.respond(invite, 200, 'OK', 's52', phoneSdp(rtp.address().port));

  const ack = await sip.request('ACK');
  const call = await sccp.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  expect(sdpOf(ack)).toMatchObject({ address: sccp.rtpAddress, port: call.rtp!.port, codecs: ['PCMU'] });
  await eventually(() => call.sentTo.length > 0);
  expect(call.sentTo).toEqual([`127.0.0.1:${rtp.address().port}`]);
  await eventually(() => rtpIn.some((p) => p.from === `${sccp.rtpAddress}:${call.rtp!.port}` && p.pt === 0));
  for (let seq = 1; seq <= 3; seq++) sendRtp(call.rtp!.port, seq);
  await eventually(() => call.rtp!.stats.received >= 3);

  const dialog = SipCallPhone.dialogOf(invite, 's52', sip);
  sip.inDialog(dialog, 'BYE');
  await sip.response('BYE', 200);
  await sccp.calls.waitFor((c) => c.state === CallStateCode.OnHook);
  await eventually(() => t.node.calls.service.activeCalls === 0);
});

it('a SIP phone calls an SCCP phone: the 200 carries the SCCP phone’s RTP port, which receives the SIP phone’s RTP', async () => {
  rtpIn.length = 0;
  const dialog = sip.invite('3251', phoneSdp(rtp.address().port));
  const ok = await sip.response('INVITE', 200);
  const call = await sccp.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  expect(sdpOf(ok)).toMatchObject({ address: sccp.rtpAddress, port: call.rtp!.port });
  SipCallPhone.confirmed(dialog, ok);
  sip.ack(dialog);
  await eventually(() => call.sentTo.length > 0);
  expect(call.sentTo.at(-1)).toBe(`127.0.0.1:${rtp.address().port}`);
  for (let seq = 1; seq <= 3; seq++) sendRtp(call.rtp!.port, seq);
  await eventually(() => call.rtp!.stats.received >= 3);
  await eventually(() => rtpIn.length > 0);

  sccp.calls.hangUp();
  const bye = await sip.request('BYE');
  expect(bye.header('reason')).toContain('Q.850;cause=16');
  sip.respond(bye, 200, 'OK', 'x');
  await eventually(() => t.node.calls.service.activeCalls === 0);
});
