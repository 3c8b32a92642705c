/**
 * --sip-max-call-dialogs over real sockets: with the SIP adapter holding as many dialogs as it may,
 * one more INVITE is answered 503 with Retry-After, logged for the operator and counted; the calls
 * already up are untouched, and a new call goes through once dialogs end.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { SipRequest } from '../../src/protocols/sip/message.js';
import type { PhoneDialog } from '../support/sip-call-phone.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

let t: TestNode;
let a: SipCallPhone;
let b: SipCallPhone;

beforeAll(async () => {
  t = await startTestNode({ config: { sipMaxCallDialogs: 10, callMaxPerDevice: 20 } });
  // Five calls on each line: both lines may hold six (max calls and busy trigger, the most CUCM allows).
  const six = { maxCalls: 6, busyTrigger: 6 };
  await addSipDevice(t.node, 'SEP00CA11000031', ['3031'], false, six);
  await addSipDevice(t.node, 'SEP00CA11000032', ['3032'], false, six);
  a = await new SipCallPhone('00ca11000031', '3031', t.node.ports.sip!).open();
  b = await new SipCallPhone('00ca11000032', '3032', t.node.ports.sip!).open();
  expect((await a.register()).status).toBe(200);
  expect((await b.register()).status).toBe(200);
});

const rung = new Set<string>();
/** The callee rings for the next new call offered to it (retransmissions of earlier INVITEs are skipped). */
async function ring(): Promise<void> {
  const invite = (await b.next(
    (m) => m.kind === 'request' && m.method === 'INVITE' && !rung.has(m.callId),
    'a new INVITE',
  )) as SipRequest;
  rung.add(invite.callId);
  b.respond(invite, 180, 'Ringing', `b${rung.size}`);
}

afterAll(async () => {
  a.close();
  b.close();
  await t.destroy();
});

it('answers 503 with Retry-After beyond --sip-max-call-dialogs, logs it, and takes calls again once dialogs end', async () => {
  // Five calls ringing: two dialogs each (the caller's INVITE, the node's INVITE to the callee).
  const ringing: PhoneDialog[] = [];
  for (let i = 0; i < 5; i++) {
    ringing.push(a.invite('3032', phoneSdp(20_000 + 2 * i)));
    await ring();
  }
  a.invite('3032', phoneSdp(21_000));
  const refused = await a.response('INVITE', 503);
  expect(refused.header('retry-after')).toBe('30');
  expect(t.logs.some((l) => String(l.msg).includes('--sip-max-call-dialogs'))).toBe(true);
  expect(t.node.calls.service.activeCalls).toBe(5);

  // One caller gives up: its two dialogs end, and the next call rings.
  a.cancel(ringing[0]);
  await a.response('INVITE', 487);
  const cancel = await b.request('CANCEL');
  b.respond(cancel, 200, 'OK', 'b');
  await eventually(() => t.node.calls.service.activeCalls === 4);
  a.invite('3032', phoneSdp(22_000));
  await ring();
  expect(t.node.calls.service.activeCalls).toBe(5);
});
