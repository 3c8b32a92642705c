/**
 * Transfers across protocols through one real node (issue #15): the call model is protocol-neutral,
 * so an SCCP phone transfers a SIP phone and a SIP phone's REFER transfers SCCP phones, with RTP
 * re-pointed phone to phone and each phone told the other's identity.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SipMessage } from '../../src/protocols/sip/message.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { PhoneDialog } from '../support/sip-call-phone.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';
import { trackedPhone } from '../sim/helpers.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeAll(async () => {
  // The SIP phone's hold is asserted as inactive: a held phone hears silence here (music on hold has its own tests).
  t = await startTestNode({ config: { mohMaxStreams: 0 } });
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

async function sipPhone(mac: string, dn: string): Promise<SipCallPhone> {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn]);
  const p = await new SipCallPhone(mac, dn, t.node.ports.sip!).open();
  closers.push(() => p.close());
  expect((await p.register()).status).toBe(200);
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber(dn));
  return p;
}

/** A UDP socket standing for a SIP phone's RTP port: what arrives, from where. */
async function rtpSocket(): Promise<{
  port: number;
  from: Set<string>;
  send(address: string, port: number): void;
}> {
  const socket = dgram.createSocket('udp4');
  const from = new Set<string>();
  socket.on('message', (_packet, peer) => from.add(`${peer.address}:${peer.port}`));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  closers.push(() => socket.close());
  return {
    port: socket.address().port,
    from,
    send(address: string, port: number) {
      const packet = Buffer.alloc(172, 0xff);
      packet.writeUInt8(0x80, 0);
      packet.writeUInt8(0, 1);
      socket.send(packet, port, address);
    },
  };
}

it('SCCP A transfers SIP B to SCCP C (Transfer key twice): B is re-INVITEd to C’s RTP port with C’s identity, and their RTP meets', async () => {
  const a = await sccpCallPhone(t, 'SEP00B500000001', ['3601'], closers);
  const b = await sipPhone('00b500000002', '3602');
  const c = await sccpCallPhone(t, 'SEP00B500000003', ['3603'], closers, {
    rtpAddress: '127.0.0.3',
    autoAnswer: true,
  });
  const bRtp = await rtpSocket();

  a.calls.dialEnbloc('3602');
  const offer = await b.request('INVITE');
  b.respond(offer, 200, 'OK', 'mb', phoneSdp(bRtp.port));
  await b.request('ACK');
  await a.calls.waitFor((call) => call.state === CallStateCode.Connected && call.rtp !== null);

  const consult = await a.calls.transfer('3603');
  const hold = await b.request('INVITE');
  expect(sdpOf(hold).direction).toBe('inactive');
  b.respond(hold, 200, 'OK', 'mb', phoneSdp(bRtp.port, { direction: 'inactive' }));
  await b.request('ACK');
  await a.calls.waitFor(
    (call) => call.callReference === consult.callReference && call.state === CallStateCode.Connected,
  );
  a.calls.completeTransfer(consult);

  const reinvite = await b.request('INVITE');
  const cCall = await c.calls.waitFor(
    (call) => call.state === CallStateCode.Connected && call.remote?.number === '3602',
  );
  expect(sdpOf(reinvite)).toMatchObject({
    address: '127.0.0.3',
    port: cCall.rtp?.port,
    direction: 'sendrecv',
  });
  expect(reinvite.header('remote-party-id')).toContain('<sip:3603@');
  b.respond(reinvite, 200, 'OK', 'mb', phoneSdp(bRtp.port));
  await b.request('ACK');
  await eventually(() => a.calls.calls.size === 0);
  // C sends to B's port and receives what B sends it.
  await eventually(() => cCall.rtp?.stats.sendingTo === `127.0.0.1:${bRtp.port}`).catch((e: Error) => {
    throw new Error(
      `${e.message}: ${JSON.stringify([cCall.sentTo, cCall.rtp?.stats, bRtp.port, c.calls.describe()])}`,
    );
  });
  await eventually(() => {
    bRtp.send('127.0.0.3', cCall.rtp!.port);
    return cCall.rtp!.stats.receivedFrom.includes(`127.0.0.1:${bRtp.port}`) && bRtp.from.size > 0;
  });
  c.calls.hangUp();
  b.respond(await b.request('BYE'), 200, 'OK', 'mb');
});

it('SIP A blind-transfers SCCP B to SCCP C (REFER): C rings showing the call, answers, and B and C exchange RTP and see each other', async () => {
  const a = await sipPhone('00b600000001', '3701');
  const b = await sccpCallPhone(t, 'SEP00B600000002', ['3702'], closers, {
    rtpAddress: '127.0.0.2',
    autoAnswer: true,
  });
  const c = await sccpCallPhone(t, 'SEP00B600000003', ['3703'], closers, { rtpAddress: '127.0.0.3' });
  const ad: PhoneDialog = a.invite('3702', phoneSdp(21_000));
  SipCallPhone.confirmed(ad, await a.response('INVITE', 200));
  a.ack(ad);
  await b.calls.waitFor((call) => call.state === CallStateCode.Connected);
  a.inDialog(ad, 'INVITE', phoneSdp(21_000, { direction: 'sendonly' }));
  await a.response('INVITE', 200);
  a.ack(ad);

  ad.cseq++;
  a.send(
    [
      `REFER ${ad.target} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bKmixedrefer;rport`,
      `From: ${ad.local};tag=${ad.localTag}`,
      `To: ${ad.remote};tag=${ad.remoteTag}`,
      `Call-ID: ${ad.callId}`,
      `CSeq: ${ad.cseq} REFER`,
      `Contact: <sip:3701@127.0.0.1:${a.port}>`,
      'Refer-To: <sip:3703@127.0.0.1>',
      'Referred-By: <sip:3701@127.0.0.1>',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  await a.response('REFER', 202);
  await c.calls.waitFor((call) => call.state === CallStateCode.RingIn);
  for (;;) {
    const notify = await a.request('NOTIFY');
    a.respond(notify, 200, 'OK', 'x');
    if (notify.body.toString().includes('200 OK')) break;
  }
  a.respond(await a.request('BYE'), 200, 'OK', 'x');
  expect(c.calls.answer()).toBe(true);
  const bCall = await b.calls.waitFor(
    (call) => call.state === CallStateCode.Connected && call.remote?.number === '3703' && call.rtp !== null,
  );
  const cCall = await c.calls.waitFor((call) => call.state === CallStateCode.Connected && call.rtp !== null);
  await eventually(
    () =>
      bCall.rtp?.stats.receivedFrom.includes(`127.0.0.3:${cCall.rtp?.port}`) &&
      cCall.rtp?.stats.receivedFrom.includes(`127.0.0.2:${bCall.rtp?.port}`),
  );
  b.calls.hangUp();
  await c.calls.waitFor((call) => call.state === CallStateCode.OnHook);
});

it('openucm sim: a SIP phone calls SCCP B and transfers it to SCCP C (attended REFER with Replaces); B and C talk, the phone says so', async () => {
  await addSipDevice(t.node, 'SEP00B700000001', ['3801']);
  const b = await sccpCallPhone(t, 'SEP00B700000002', ['3802'], closers, {
    rtpAddress: '127.0.0.2',
    autoAnswer: true,
  });
  const c = await sccpCallPhone(t, 'SEP00B700000003', ['3803'], closers, {
    rtpAddress: '127.0.0.3',
    autoAnswer: true,
  });
  const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip ?? 5060 };
  const a = trackedPhone({
    mac: '00B700000001',
    model: '7960',
    load: 'P0S3-8-12-00',
    tftp: null,
    direct,
    calls: { call: '3802', transfer: { to: '3803', blind: false, afterSeconds: 0.3 } },
  });
  closers.push(() => a.phone.stop());
  a.phone.start();
  const bCall = await b.calls.waitFor(
    (call) => call.state === CallStateCode.Connected && call.remote?.number === '3803' && call.rtp !== null,
    20_000,
  );
  const cCall = await c.calls.waitFor(
    (call) => call.state === CallStateCode.Connected && call.remote?.number === '3802' && call.rtp !== null,
  );
  await eventually(
    () =>
      bCall.rtp?.stats.receivedFrom.includes(`127.0.0.3:${cCall.rtp?.port}`) &&
      cCall.rtp?.stats.receivedFrom.includes(`127.0.0.2:${bCall.rtp?.port}`),
  );
  await eventually(
    () =>
      a.phone.snapshot.message === 'Transferred to 3803' &&
      a.phone.snapshot.calls.every((call) => call.state === 'ended'),
  );
});
