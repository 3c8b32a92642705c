/**
 * SIP transfer through the B2BUA (issue #15; reference calls.md §2.4): scripted SIP phones on real
 * UDP sockets. A REFERs in its dialog with B — blind (`Refer-To: C`) or attended (`?Replaces=` its
 * dialog with C). The node answers 202, NOTIFYs A with sipfrag, joins B and C itself with re-INVITEs
 * (never passing the REFER on) and BYEs A's dialogs.
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
let c: SipCallPhone;

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  origCause_value: number;
  destCause_value: number;
}

async function phone(mac: string, dn: string): Promise<SipCallPhone> {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn]);
  const p = await new SipCallPhone(mac, dn, t.node.ports.sip!).open();
  phones.push(p);
  expect((await p.register()).status).toBe(200);
  return p;
}

beforeAll(async () => {
  t = await startTestNode();
  a = await phone('00ca15000001', '3501');
  b = await phone('00ca15000002', '3502');
  c = await phone('00ca15000003', '3503');
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('3503'));
});

afterAll(async () => {
  for (const p of phones) p.close();
  await t.destroy();
});

const sdpOf = (m: SipMessage) => {
  const result = parseSdp(m.body.toString('utf8'));
  if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
  return result.sdp.media;
};

/** A calls `callee` (which answers from `port`); returns both dialogs. */
async function connect(callee: SipCallPhone, aPort: number, port: number) {
  const ad = a.invite(callee.dn, phoneSdp(aPort));
  const offer = await callee.request('INVITE');
  const tag = `t${port}`;
  const cd = SipCallPhone.dialogOf(offer, tag, callee);
  callee.respond(offer, 200, 'OK', tag, phoneSdp(port));
  await callee.request('ACK');
  SipCallPhone.confirmed(ad, await a.response('INVITE', 200));
  a.ack(ad);
  return { ad, cd, tag };
}

/** A holds the call of `ad`; the other phone answers the node's a=inactive re-INVITE. */
async function hold(ad: PhoneDialog, other: SipCallPhone, tag: string, port: number): Promise<void> {
  a.inDialog(ad, 'INVITE', phoneSdp(20_000, { direction: 'sendonly' }));
  await a.response('INVITE', 200);
  a.ack(ad);
  const toOther = await other.request('INVITE');
  other.respond(toOther, 200, 'OK', tag, phoneSdp(port, { direction: 'inactive' }));
  await other.request('ACK');
}

function refer(dialog: PhoneDialog, referTo: string): void {
  dialog.cseq++;
  const lines = [
    `REFER ${dialog.target} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK${dialog.cseq}r${Date.now()};rport`,
    `From: ${dialog.local};tag=${dialog.localTag}`,
    `To: ${dialog.remote}${dialog.remoteTag ? `;tag=${dialog.remoteTag}` : ''}`,
    `Call-ID: ${dialog.callId}`,
    `CSeq: ${dialog.cseq} REFER`,
    `Contact: <sip:${a.dn}@127.0.0.1:${a.port}>`,
    `Refer-To: ${referTo}`,
    `Referred-By: <sip:${a.dn}@127.0.0.1>`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ];
  a.send(lines.join('\r\n'));
}

/** The NOTIFYs A gets: the sipfrag of each, answered 200. */
async function notified(count: number): Promise<SipRequest[]> {
  const all: SipRequest[] = [];
  for (let i = 0; i < count; i++) {
    const notify = await a.request('NOTIFY');
    a.respond(notify, 200, 'OK', 'x');
    all.push(notify);
  }
  return all;
}

/** The node's re-INVITE to `p` naming the new party: answered from `port`. */
async function rejoined(p: SipCallPhone, tag: string, port: number): Promise<SipRequest> {
  const reinvite = await p.request('INVITE');
  p.respond(reinvite, 200, 'OK', tag, phoneSdp(port));
  await p.request('ACK');
  return reinvite;
}

it('attended (REFER with Replaces): 202, sipfrag 100 then 200, B and C re-INVITEd to each other with the new identity, A’s two dialogs BYEd', async () => {
  const first = await connect(b, 20_000, 30_000);
  await hold(first.ad, b, first.tag, 30_000);
  const consult = await connect(c, 20_002, 40_000);
  const replaces = encodeURIComponent(
    `${consult.ad.callId};to-tag=${consult.ad.remoteTag};from-tag=${consult.ad.localTag}`,
  );
  refer(first.ad, `<sip:3503@127.0.0.1?Replaces=${replaces}>`);
  await a.response('REFER', 202);
  const [trying, done] = await notified(2);
  expect(trying.header('event')).toBe('refer');
  expect(trying.header('content-type')).toContain('message/sipfrag');
  expect(trying.body.toString()).toContain('SIP/2.0 100 Trying');
  expect(done.body.toString()).toContain('SIP/2.0 200 OK');
  expect(done.header('subscription-state')).toContain('terminated');
  for (let i = 0; i < 2; i++) a.respond(await a.request('BYE'), 200, 'OK', 'x');

  const toB = await rejoined(b, first.tag, 30_000);
  const toC = await rejoined(c, consult.tag, 40_000);
  expect(sdpOf(toB)).toMatchObject({ port: 40_000, direction: 'sendrecv' });
  expect(sdpOf(toC)).toMatchObject({ port: 30_000, direction: 'sendrecv' });
  expect(toB.header('remote-party-id')).toContain('<sip:3503@');
  expect(toC.header('remote-party-id')).toContain('<sip:3502@');
  // Nobody was sent the REFER nor an INVITE with Replaces.
  expect(b.received.concat(c.received).some((m) => m.kind === 'request' && m.method === 'REFER')).toBe(false);
  expect(toC.header('replaces')).toBeUndefined();
  await eventually(() => t.node.calls.service.activeCalls === 1);

  c.inDialog(consult.cd, 'BYE');
  await c.response('BYE', 200);
  b.respond(await b.request('BYE'), 200, 'OK', first.tag);
  await eventually(() => t.node.calls.service.activeCalls === 0);
  const items = await eventually(async () => {
    await t.node.statusWriter.flush();
    const list = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return list.length >= 3 ? list : null;
  });
  expect(
    items.map((r) => [
      r.callingPartyNumber,
      r.originalCalledPartyNumber,
      r.origCause_value,
      r.destCause_value,
    ]),
  ).toEqual(
    expect.arrayContaining([
      ['3501', '3502', 393216, 393216],
      ['3501', '3503', 393216, 393216],
      ['3502', '3503', 0, 16],
    ]),
  );
});

it('blind (REFER to C): the node calls C for B; once C rings A is released; C answers and talks to B', async () => {
  const first = await connect(b, 20_010, 30_010);
  await hold(first.ad, b, first.tag, 30_010);
  refer(first.ad, '<sip:3503@127.0.0.1>');
  await a.response('REFER', 202);
  await notified(1);
  const offer = await c.request('INVITE');
  c.respond(offer, 180, 'Ringing', 'blind');
  const [done] = await notified(1);
  expect(done.body.toString()).toContain('SIP/2.0 200 OK');
  a.respond(await a.request('BYE'), 200, 'OK', 'x');
  c.respond(offer, 200, 'OK', 'blind', phoneSdp(40_010));
  const ack = await c.request('ACK');
  expect(sdpOf(ack)).toMatchObject({ port: 30_010 });
  const toB = await rejoined(b, first.tag, 30_010);
  expect(sdpOf(toB)).toMatchObject({ port: 40_010, direction: 'sendrecv' });
  expect(toB.header('remote-party-id')).toContain('<sip:3503@');
  b.inDialog(first.cd, 'BYE');
  await b.response('BYE', 200);
  c.respond(await c.request('BYE'), 200, 'OK', 'blind');
  await eventually(() => t.node.calls.service.activeCalls === 0);
});

it('refuses what it cannot do and keeps the call: Replaces of no dialog → sipfrag 481, an unknown target → 404', async () => {
  const first = await connect(b, 20_020, 30_020);
  refer(first.ad, `<sip:3503@127.0.0.1?Replaces=${encodeURIComponent('nope@x;to-tag=1;from-tag=2')}>`);
  await a.response('REFER', 202);
  const [, failed] = await notified(2);
  expect(failed.body.toString()).toContain('SIP/2.0 481');
  refer(first.ad, '<sip:3999@127.0.0.1>');
  await a.response('REFER', 202);
  const [, unknown] = await notified(2);
  expect(unknown.body.toString()).toContain('SIP/2.0 404');
  refer(first.ad, 'not a uri');
  await a.response('REFER', 400);
  // Outside any dialog (no To tag): the node transfers only calls a phone is in.
  refer({ ...first.ad, remoteTag: null, callId: 'stray@127.0.0.1' }, '<sip:3503@127.0.0.1>');
  await a.response('REFER', 403);
  expect(t.node.calls.service.activeCalls).toBe(1);
  a.inDialog(first.ad, 'BYE');
  await a.response('BYE', 200);
  b.respond(await b.request('BYE'), 200, 'OK', first.tag);
});
