/**
 * SIP calls through a real node: scripted SIP phones on real UDP sockets register their lines and
 * call each other through the B2BUA — ringing, answer, media addresses crossed in the SDP, BYE from
 * either side, CANCEL, busy, unknown and absent numbers, codec mismatch, hold and resume — and each
 * call leaves its CDR with the cause a user would expect.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SipMessage, SipRequest } from '../../src/protocols/sip/message.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { PhoneDialog } from '../support/sip-call-phone.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

let t: TestNode;
const phones: SipCallPhone[] = [];
let a: SipCallPhone;
let b: SipCallPhone;

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  dateTimeConnect: number;
  origMediaTransportAddress_Port: number;
  destMediaTransportAddress_Port: number;
}

async function phone(mac: string, dn: string): Promise<SipCallPhone> {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn]);
  const p = await new SipCallPhone(mac, dn, t.node.ports.sip!).open();
  phones.push(p);
  expect((await p.register()).status).toBe(200);
  return p;
}

beforeAll(async () => {
  // Hold here is the signalling without music (the held phone gets a=inactive); music-on-hold.test.ts has the music.
  t = await startTestNode({ config: { mohMaxStreams: 0 } });
  a = await phone('00ca11000001', '3001');
  b = await phone('00ca11000002', '3002');
  await addSipDevice(t.node, 'SEP00CA11000003', ['3003']); // configured, never registered
  t.node.calls.dialPlan.refresh();
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('3003'));
});

afterAll(async () => {
  for (const p of phones) p.close();
  await t.destroy();
});

/** The CDR of the call that `callingParty` placed last, once it is stored. */
async function lastCdr(count: number): Promise<Cdr> {
  const items = await eventually(async () => {
    await t.node.statusWriter.flush();
    const list = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return list.length >= count ? list : null;
  });
  return items[0];
}

const sdpOf = (m: SipMessage) => {
  const result = parseSdp(m.body.toString('utf8'));
  if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
  return result.sdp.media;
};

/** A calls B; B rings and answers with its SDP; both end up talking. */
async function connect(): Promise<{ ad: PhoneDialog; bd: PhoneDialog; offerToB: SipRequest }> {
  const ad = a.invite('3002', phoneSdp(20_000));
  expect((await a.response('INVITE', 100)).status).toBe(100);
  const offerToB = await b.request('INVITE');
  const bd = SipCallPhone.dialogOf(offerToB, 'btag', b);
  b.respond(offerToB, 180, 'Ringing', 'btag');
  await a.response('INVITE', 180);
  b.respond(offerToB, 200, 'OK', 'btag', phoneSdp(30_000));
  const ackToB = await b.request('ACK');
  const ok = await a.response('INVITE', 200);
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad);
  return { ad, bd, offerToB: Object.assign(offerToB, { ackToB }) };
}

it('connects two SIP phones: 180 and 200 relayed, each told the other’s RTP address, BYE from the caller ends both', async () => {
  const ad = a.invite('3002', phoneSdp(20_000));
  await a.response('INVITE', 100);
  const offer = await b.request('INVITE');
  // Delayed offer towards the callee, as CUCM (calls.md §2.2); the caller's identity in From and RPID.
  expect(offer.body.length).toBe(0);
  expect(offer.header('from')).toContain('"Line 3001" <sip:3001@');
  expect(offer.header('remote-party-id')).toMatch(/^"Line 3001" <sip:3001@[^>]+>;party=calling/);
  expect(offer.header('p-asserted-identity')).toContain('<sip:3001@');
  expect(offer.requestUri?.port).toBe(b.port);

  b.respond(offer, 180, 'Ringing', 'btag');
  const ringing = await a.response('INVITE', 180);
  expect(ringing.header('remote-party-id')).toContain('party=called');
  b.respond(offer, 200, 'OK', 'btag', phoneSdp(30_000));

  // B's offer is answered in the ACK with A's address; A's 200 carries B's address: RTP goes phone to phone.
  const ack = await b.request('ACK');
  expect(sdpOf(ack)).toMatchObject({ address: '127.0.0.1', port: 20_000, codecs: ['PCMU'] });
  const ok = await a.response('INVITE', 200);
  expect(sdpOf(ok)).toMatchObject({
    address: '127.0.0.1',
    port: 30_000,
    codecs: ['PCMU'],
    direction: 'sendrecv',
  });
  expect(ok.body.toString()).toContain('m=audio 30000 RTP/AVP 0 101');
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad);
  await eventually(() => t.node.calls.service.activeCalls === 1);

  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  const bye = await b.request('BYE');
  expect(bye.header('reason')).toContain('Q.850;cause=16');
  b.respond(bye, 200, 'OK', 'btag');
  await eventually(() => t.node.calls.service.activeCalls === 0);

  expect(await lastCdr(1)).toMatchObject({
    callingPartyNumber: '3001',
    originalCalledPartyNumber: '3002',
    origDeviceName: 'SEP00CA11000001',
    destDeviceName: 'SEP00CA11000002',
    origCause_value: 16,
    destCause_value: 0,
    origMediaTransportAddress_Port: 20_000,
    destMediaTransportAddress_Port: 30_000,
  });
});

it('ends the call when the callee hangs up: BYE to the caller', async () => {
  const { bd } = await connect();
  b.inDialog(bd, 'BYE');
  await b.response('BYE', 200);
  const bye = await a.request('BYE');
  a.respond(bye, 200, 'OK', 'x');
  expect(await lastCdr(2)).toMatchObject({ origCause_value: 0, destCause_value: 16 });
});

it('holds and resumes with re-INVITEs from either phone (a=sendonly, c=0.0.0.0): the holder gets inactive, the other phone a=inactive, then both newest addresses', async () => {
  const { ad, bd } = await connect();
  a.inDialog(ad, 'INVITE', phoneSdp(20_000, { direction: 'sendonly' }));
  const held = await a.response('INVITE', 200);
  expect(sdpOf(held).direction).toBe('inactive');
  a.ack(ad);
  const toB = await b.request('INVITE');
  expect(sdpOf(toB).direction).toBe('inactive');
  b.respond(toB, 200, 'OK', 'btag', phoneSdp(30_000, { direction: 'inactive' }));
  await b.request('ACK');

  // Resume from a new port: the other phone is told the new address.
  a.inDialog(ad, 'INVITE', phoneSdp(20_100));
  const resumed = await a.response('INVITE', 200);
  expect(sdpOf(resumed)).toMatchObject({ port: 30_000, direction: 'sendrecv' });
  a.ack(ad);
  const again = await b.request('INVITE');
  expect(sdpOf(again)).toMatchObject({ port: 20_100, direction: 'sendrecv' });
  b.respond(again, 200, 'OK', 'btag', phoneSdp(30_000));
  await b.request('ACK');

  // The callee holds the old way (c=0.0.0.0, RFC 2543) and resumes before the caller answered the
  // node's a=inactive re-INVITE: the caller is offered the callee's address as soon as it answered.
  b.inDialog(bd, 'INVITE', phoneSdp(30_000, { address: '0.0.0.0' }));
  expect(sdpOf(await b.response('INVITE', 200)).direction).toBe('inactive');
  b.ack(bd);
  const holdToA = await a.request('INVITE');
  expect(sdpOf(holdToA).direction).toBe('inactive');
  b.inDialog(bd, 'INVITE', phoneSdp(30_200));
  expect(sdpOf(await b.response('INVITE', 200))).toMatchObject({ port: 20_100, direction: 'sendrecv' });
  b.ack(bd);
  a.respond(holdToA, 200, 'OK', 'x', phoneSdp(20_100, { direction: 'inactive' }));
  await a.request('ACK');
  const resumeToA = await a.request('INVITE');
  expect(sdpOf(resumeToA)).toMatchObject({ port: 30_200, direction: 'sendrecv' });
  a.respond(resumeToA, 200, 'OK', 'x', phoneSdp(20_100));
  await a.request('ACK');

  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  const bye = await b.request('BYE');
  b.respond(bye, 200, 'OK', 'btag');
});

it('cancels while ringing: 487 to the caller, CANCEL to the callee', async () => {
  const ad = a.invite('3002', phoneSdp(20_000));
  const invite = await b.request('INVITE');
  b.respond(invite, 180, 'Ringing', 'btag');
  await a.response('INVITE', 180);
  a.cancel(ad);
  await a.response('CANCEL', 200);
  await a.response('INVITE', 487);
  const cancel = await b.request('CANCEL');
  b.respond(cancel, 200, 'OK', 'btag');
  b.respond(invite, 487, 'Request Terminated', 'btag');
  await b.request('ACK');
  expect(await lastCdr(4)).toMatchObject({ origCause_value: 16, dateTimeConnect: 0 });
});

it('relays busy as 486 (cause 17), refuses an unknown number with 404 and an absent one with 480', async () => {
  a.invite('3002', phoneSdp(20_000));
  const invite = await b.request('INVITE');
  b.respond(invite, 486, 'Busy Here', 'btag');
  await b.request('ACK');
  await a.response('INVITE', 486);
  expect(await lastCdr(5)).toMatchObject({ destCause_value: 17 });

  a.invite('3999', phoneSdp(20_000));
  await a.response('INVITE', 404);
  expect(await lastCdr(6)).toMatchObject({ origCause_value: 1, originalCalledPartyNumber: '3999' });

  a.invite('3003', phoneSdp(20_000));
  await a.response('INVITE', 480);
  expect(await lastCdr(7)).toMatchObject({ destCause_value: 20 });
});

it('refuses a call whose phones share no codec with 488 and Warning 305, and ends the callee’s answered leg', async () => {
  a.invite('3002', phoneSdp(20_000, { pts: [8] }));
  const invite = await b.request('INVITE');
  b.respond(invite, 200, 'OK', 'btag', phoneSdp(30_000, { pts: [0] }));
  await b.request('ACK');
  const bye = await b.request('BYE');
  b.respond(bye, 200, 'OK', 'btag');
  const refused = await a.response('INVITE', 488);
  expect(refused.header('warning')).toMatch(/^305 /);
  expect(await lastCdr(8)).toMatchObject({ destCause_value: 65 });
});

it('refuses INVITEs from phones that are not registered (403) and malformed SDP (400), never a call', async () => {
  const stranger = await new SipCallPhone('00ca11000009', '3009', t.node.ports.sip!).open();
  phones.push(stranger);
  stranger.invite('3002', phoneSdp(20_000));
  await stranger.response('INVITE', 403);
  a.invite('3002', 'v=0\r\nm=audio nonsense\r\n');
  const bad = await a.response('INVITE', 400);
  expect(bad.header('warning')).toMatch(/^399 /);
  expect(t.node.calls.service.activeCalls).toBe(0);
});

it('ends a call whose phone unregisters: BYE with cause 27 to the other phone (and to it), and the call can be placed again once it is back', async () => {
  await connect();
  expect((await b.register(0)).status).toBe(200);
  const toB = await b.request('BYE');
  expect(toB.header('reason')).toContain('cause=27');
  b.respond(toB, 200, 'OK', 'btag');
  const toA = await a.request('BYE');
  expect(toA.header('reason')).toContain('cause=27');
  a.respond(toA, 200, 'OK', 'x');
  await eventually(() => t.node.calls.service.activeCalls === 0);
  expect(await lastCdr(9)).toMatchObject({ destCause_value: 27 });

  expect((await b.register()).status).toBe(200);
  const { ad } = await connect();
  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  const bye = await b.request('BYE');
  b.respond(bye, 200, 'OK', 'btag');
});

it('rings every phone of a shared line; the first 200 wins and the other is CANCELled as completed elsewhere', async () => {
  await addSipDevice(t.node, 'SEP00CA11000004', ['3004']);
  await addSipDevice(t.node, 'SEP00CA11000005', ['3004'], true);
  const first = await new SipCallPhone('00ca11000004', '3004', t.node.ports.sip!).open();
  const second = await new SipCallPhone('00ca11000005', '3004', t.node.ports.sip!).open();
  phones.push(first, second);
  expect((await first.register()).status).toBe(200);
  expect((await second.register()).status).toBe(200);

  const ad = a.invite('3004', phoneSdp(20_000));
  const [toFirst, toSecond] = await Promise.all([first.request('INVITE'), second.request('INVITE')]);
  second.respond(toSecond, 180, 'Ringing', 's2');
  first.respond(toFirst, 200, 'OK', 'f1', phoneSdp(40_000));
  await first.request('ACK');
  const cancel = await second.request('CANCEL');
  expect(cancel.header('reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');
  second.respond(cancel, 200, 'OK', 's2');
  second.respond(toSecond, 487, 'Request Terminated', 's2');
  await second.request('ACK');
  const ok = await a.response('INVITE', 200);
  expect(sdpOf(ok).port).toBe(40_000);
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad);
  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  const bye = await first.request('BYE');
  first.respond(bye, 200, 'OK', 'f1');
  await eventually(() => t.node.calls.service.activeCalls === 0);
});

it('calls over TCP: the node’s INVITE and BYE reach the callee on the connection it registered on', async () => {
  await addSipDevice(t.node, 'SEP00CA11000006', ['3006']);
  const tcpPhone = await new SipCallPhone('00ca11000006', '3006', t.node.ports.sip!, 'TCP').open();
  phones.push(tcpPhone);
  expect((await tcpPhone.register()).status).toBe(200);

  const ad = a.invite('3006', phoneSdp(20_000));
  const invite = await tcpPhone.request('INVITE');
  expect(invite.header('via')).toMatch(/^SIP\/2\.0\/TCP /);
  tcpPhone.respond(invite, 200, 'OK', 't6', phoneSdp(50_000));
  expect(sdpOf(await tcpPhone.request('ACK')).port).toBe(20_000);
  const ok = await a.response('INVITE', 200);
  expect(sdpOf(ok).port).toBe(50_000);
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad);

  // The TCP phone hangs up on its connection; the UDP caller gets the BYE.
  const td = SipCallPhone.dialogOf(invite, 't6', tcpPhone);
  tcpPhone.inDialog(td, 'BYE');
  await tcpPhone.response('BYE', 200);
  const bye = await a.request('BYE');
  a.respond(bye, 200, 'OK', 'x');
  await eventually(() => t.node.calls.service.activeCalls === 0);
});

it('takes a caller’s INVITE without SDP: the 200 carries the callee’s offer, the caller’s ACK its answer, which reaches the callee', async () => {
  const ad = a.invite('3002', null);
  const invite = await b.request('INVITE');
  b.respond(invite, 200, 'OK', 'btag', phoneSdp(30_000, { pts: [8, 0] }));
  const ok = await a.response('INVITE', 200);
  expect(sdpOf(ok)).toMatchObject({ port: 30_000, codecs: ['PCMA'] });
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad, phoneSdp(20_400, { pts: [8] }));
  const ack = await b.request('ACK');
  expect(sdpOf(ack)).toMatchObject({ port: 20_400, codecs: ['PCMA'] });
  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  b.respond(await b.request('BYE'), 200, 'OK', 'btag');
  await eventually(() => t.node.calls.service.activeCalls === 0);
});

it('answers what does not fit a call with one error each and keeps the call: unknown dialog 481, bad re-INVITE SDP 400, non-SDP body 415', async () => {
  const { ad } = await connect();
  a.inDialog({ ...ad, remoteTag: 'nosuchtag' }, 'BYE');
  await a.response('BYE', 481);
  a.inDialog(ad, 'INVITE', 'v=0\r\nm=audio x\r\n');
  const bad = await a.response('INVITE', 400);
  expect(bad.header('warning')).toMatch(/^399 /);
  a.ack(ad);
  expect(t.node.calls.service.activeCalls).toBe(1);

  a.send(
    [
      `INVITE sip:3002@127.0.0.1:${t.node.ports.sip} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bKtext415;rport`,
      `From: <sip:3001@127.0.0.1>;tag=t415`,
      'To: <sip:3002@127.0.0.1>',
      'Call-ID: text415@127.0.0.1',
      'CSeq: 1 INVITE',
      'Content-Type: text/plain',
      'Content-Length: 5',
      '',
      'hello',
    ].join('\r\n'),
  );
  await a.response('INVITE', 415);

  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  b.respond(await b.request('BYE'), 200, 'OK', 'btag');
  await eventually(() => t.node.calls.service.activeCalls === 0);
});
