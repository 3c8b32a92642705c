/**
 * SRTP keys end to end (docs/srtp.md): scripted SIP phones on real UDP sockets offer SDES keys
 * (a=crypto, RTP/SAVP) and the node hands each phone the other's key, under the phone's own tag;
 * the device policies (MediaEncryption, given here by a provider as Phone Security Profiles will)
 * refuse a call the other side cannot encrypt with 488 and a Warning, an SCCP caller reads a prompt,
 * and the CDR and Active Calls say whether the media was encrypted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SipMessage } from '../../src/protocols/sip/message.js';
import type { MediaEncryption } from '../../src/core/call/srtp.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

const KEY_A = Buffer.alloc(30, 0x0a).toString('base64');
const KEY_B = Buffer.alloc(30, 0x0b).toString('base64');
const KEY_C = Buffer.alloc(30, 0x0c).toString('base64');

/** Each device's policy; a device not named has encryption off. */
const policies = new Map<string, MediaEncryption>();
let t: TestNode;
const closers: Array<() => void> = [];
let a: SipCallPhone;
let b: SipCallPhone;
let c: SipCallPhone;
let sccp: SimSccpPhone;

interface Cdr {
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  callSecuredStatus: number;
  comment: string;
}

async function sipPhone(mac: string, dn: string, policy: MediaEncryption): Promise<SipCallPhone> {
  const name = `SEP${mac.toUpperCase()}`;
  policies.set(name, policy);
  await addSipDevice(t.node, name, [dn]);
  const p = await new SipCallPhone(mac, dn, t.node.ports.sip!).open();
  closers.push(() => p.close());
  expect((await p.register()).status).toBe(200);
  return p;
}

beforeAll(async () => {
  t = await startTestNode({ mediaEncryption: { of: (device) => policies.get(device) ?? 'off' } });
  a = await sipPhone('00cc5e000001', '3601', 'preferred');
  b = await sipPhone('00cc5e000002', '3602', 'preferred');
  c = await sipPhone('00cc5e000003', '3603', 'required');
  sccp = await sccpCallPhone(t, 'SEP00CC5E000004', ['3604'], closers, { autoAnswer: true });
  t.node.calls.dialPlan.refresh();
  await eventually(() =>
    ['3601', '3602', '3603'].every((dn) => t.node.calls.dialPlan.view().isDirectoryNumber(dn)),
  );
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

/** An SDP receiving at 127.0.0.1:`port` in PCMU, with `crypto` lines; RTP/SAVP unless `transport` says. */
function srtpSdp(port: number, crypto: string[], transport = 'RTP/SAVP'): string {
  return phoneSdp(port, { pts: [0, 101] })
    .replace('RTP/AVP', transport)
    .concat(crypto.map((line) => `${line}\r\n`).join(''));
}

const sdpOf = (m: SipMessage) => {
  const result = parseSdp(m.body.toString('utf8'));
  if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
  return result.sdp.media;
};

async function cdrs(count: number): Promise<Cdr[]> {
  return eventually(async () => {
    await t.node.statusWriter.flush();
    const list = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return list.length >= count ? list : null;
  });
}

it('two SIP phones offering SDES get each other’s key under their own tag; the call is SRTP phone to phone, in Active Calls and the CDR', async () => {
  const ad = a.invite('3602', srtpSdp(20_000, [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]));
  const offer = await b.request('INVITE');
  b.respond(offer, 180, 'Ringing', 'b1');
  // B's delayed offer: its preferred suite first, under tags of its own.
  b.respond(
    offer,
    200,
    'OK',
    'b1',
    srtpSdp(30_000, [
      `a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`,
      `a=crypto:6 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`,
    ]),
  );
  // The ACK answers B's offer with A's key in the suite A offered, under B's tag 6.
  const ack = await b.request('ACK');
  expect(ack.body.toString()).toContain('m=audio 20000 RTP/SAVP 0 101');
  expect(ack.body.toString()).toContain(`a=crypto:6 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}\r\n`);
  const ok = await a.response('INVITE', 200);
  expect(ok.body.toString()).toContain('m=audio 30000 RTP/SAVP 0 101');
  expect(ok.body.toString()).toContain(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}\r\n`);
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad);
  const live = await eventually(async () => {
    const items = (await t.api.get<{ items: { encrypted: boolean }[] }>('/active-calls')).body.items;
    return items.length === 1 ? items[0] : null;
  });
  expect(live.encrypted).toBe(true);

  // Hold and resume keep the keys: the held phone's a=inactive re-INVITE still carries the other's key.
  a.inDialog(
    ad,
    'INVITE',
    srtpSdp(20_000, [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]).replace('sendrecv', 'sendonly'),
  );
  const held = await a.response('INVITE', 200);
  expect(held.body.toString()).toContain(`inline:${KEY_B}`);
  a.ack(ad);
  const holdToB = await b.request('INVITE');
  expect(sdpOf(holdToB).direction).toBe('inactive');
  expect(holdToB.body.toString()).toContain(`AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`);
  b.respond(
    holdToB,
    200,
    'OK',
    'b1',
    srtpSdp(30_000, [`a=crypto:6 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`]).replace('sendrecv', 'inactive'),
  );
  await b.request('ACK');

  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  const bye = await b.request('BYE');
  b.respond(bye, 200, 'OK', 'b1');
  const [record] = await cdrs(1);
  expect(record).toMatchObject({ origDeviceName: 'SEP00CC5E000001', callSecuredStatus: 2 });
});

it('preferred falls back to RTP when the callee offers no key: the caller’s best-effort crypto is dropped, the CDR says not encrypted', async () => {
  const ad = a.invite(
    '3602',
    srtpSdp(20_000, [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`], 'RTP/AVP'),
  );
  const offer = await b.request('INVITE');
  b.respond(offer, 200, 'OK', 'b2', phoneSdp(30_000));
  const ack = await b.request('ACK');
  expect(ack.body.toString()).not.toContain('a=crypto');
  const ok = await a.response('INVITE', 200);
  expect(ok.body.toString()).toContain('m=audio 30000 RTP/AVP');
  expect(ok.body.toString()).not.toContain('a=crypto');
  SipCallPhone.confirmed(ad, ok);
  a.ack(ad);
  await eventually(() => t.node.calls.service.activeCalls === 1);
  a.inDialog(ad, 'BYE');
  await a.response('BYE', 200);
  const bye = await b.request('BYE');
  b.respond(bye, 200, 'OK', 'b2');
  const [record] = await cdrs(2);
  expect(record).toMatchObject({ callSecuredStatus: 0, origCause_value: 16 });
});

it('a caller that requires SRTP calling an SCCP phone gets 488 with the reason, the SCCP phone never rings, the CDR says why', async () => {
  c.invite('3604', srtpSdp(20_000, [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_C}`]));
  const refused = await c.response('INVITE', 488);
  expect(refused.header('warning')).toMatch(
    /^305 .*"Incompatible media format: SEP00CC5E000003 requires encrypted media \(MediaEncryption required\) and SEP00CC5E000004 is an SCCP phone/,
  );
  expect(sccp.calls.find((call) => call.state === CallStateCode.RingIn)).toBeUndefined();
  const [record] = await cdrs(3);
  expect(record).toMatchObject({
    origDeviceName: 'SEP00CC5E000003',
    destCause_value: 65,
    callSecuredStatus: 0,
    comment: expect.stringMatching(/^MediaEncryptionRefused=SEP00CC5E000003 requires encrypted media/),
  });
});

it('an SCCP phone calling a SIP phone that requires SRTP hears reorder and reads why', async () => {
  sccp.calls.dialEnbloc('3603');
  const call = await sccp.calls.waitFor((x) => x.prompt === 'Encryption required');
  expect(call.tone).not.toBeNull();
  sccp.calls.hangUp();
  await eventually(() => t.node.calls.service.activeCalls === 0);
  const [record] = await cdrs(4);
  expect(record).toMatchObject({ origDeviceName: 'SEP00CC5E000004', destCause_value: 65 });
});

it('an RTP/SAVP-only offer from a device whose encryption is off, and a malformed key, get 488 with the reason', async () => {
  policies.set('SEP00CC5E000001', 'off');
  try {
    a.invite('3602', srtpSdp(20_000, [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]));
    const off = await a.response('INVITE', 488);
    expect(off.header('warning')).toContain('offered only RTP/SAVP (SRTP) but its media encryption is off');
  } finally {
    policies.set('SEP00CC5E000001', 'preferred');
  }
  a.invite('3602', srtpSdp(20_000, ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=']));
  const malformed = await a.response('INVITE', 488);
  expect(malformed.header('warning')).toContain(
    'malformed a=crypto: key of tag 1 (AES_CM_128_HMAC_SHA1_80) is 5 bytes',
  );
  expect(t.node.calls.service.activeCalls).toBe(0);
});
