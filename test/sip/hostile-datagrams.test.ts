/**
 * Datagrams whose Via sends the response nowhere a socket can send to (port 0, the issue's
 * one-packet crash), odd address forms and a response too big for UDP, against a node started
 * as an operator starts it (a child process, with the process guard): the node keeps running,
 * no error escapes a handler, and a phone still registers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../support/node.js';
import type { ChildNode } from '../support/child-node.js';
import { startChildNode } from '../support/child-node.js';
import { UdpPeer, options, register } from './helpers/raw-client.js';

let node: ChildNode;

beforeAll(async () => {
  node = await startChildNode(['--log-level', 'debug']);
  expect(
    (await node.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' })).status,
  ).toBe(200);
}, 60_000);

afterAll(async () => {
  await node?.stop();
});

/** A request from `via` (the whole via-parm) with `method`. */
function request(method: string, via: string, n: number, extra: string[] = []): string {
  return [
    `${method} sip:127.0.0.1 SIP/2.0`,
    `Via: ${via}`,
    `From: <sip:SEP00DA7A000001@127.0.0.1>;tag=h${n}`,
    'To: <sip:SEP00DA7A000001@127.0.0.1>',
    `Call-ID: hostile-${n}@1.2.3.4`,
    `CSeq: 1 ${method}`,
    'Max-Forwards: 70',
    'Contact: <sip:SEP00DA7A000001@1.2.3.4:5060>',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

it('keeps serving after REGISTERs, OPTIONS, INVITEs and refused requests whose Via names port 0', async () => {
  const attacker = await new UdpPeer().open();
  const vias = [
    // The datagram: no rport, so the response goes to the sent-by port, 0.
    'SIP/2.0/UDP 1.2.3.4:0;branch=z9hG4bKx',
    'SIP/2.0/UDP [::1]:0;branch=z9hG4bKv6',
    'SIP/2.0/UDP [::ffff:1.2.3.4]:0;branch=z9hG4bKmapped',
    'SIP/2.0/UDP 1.2.3.4:0;branch=z9hG4bKmaddr;maddr=255.255.255.255;received=0.0.0.0',
    'SIP/2.0/UDP 1.2.3.4:0;branch=z9hG4bKttl;ttl=255;rport=0',
    'SIP/2.0/UDP host.invalid:0;branch=z9hG4bKname',
    'SIP/2.0/UDP 1.2.3.4:65535;branch=z9hG4bKhigh',
  ];
  let n = 0;
  for (const via of vias) {
    for (const method of ['REGISTER', 'OPTIONS', 'INVITE', 'BYE', 'FOO']) {
      attacker.send(request(method, `${via}${++n}`, n), node.ports.sip);
    }
    // Refused by the parser (CSeq method mismatch) and answered statelessly on the same Via.
    attacker.send(
      request('OPTIONS', `${via}${++n}`, n).replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'),
      node.ports.sip,
    );
  }
  // A response too big for one datagram (the Vias are echoed, and a To tag and Server added): the send
  // fails later, in the kernel. The request itself just fits (65,507 bytes of UDP payload over IPv4).
  const big = (pad: number) =>
    request('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${attacker.port};branch=z9hG4bKbig;rport`, 999, [
      `Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK${'v'.repeat(pad)}`,
    ]);
  attacker.send(big(65_480 - big(0).length), node.ports.sip);
  // The INVITEs' 405 is retransmitted on Timer G (0.5 s, 1.5 s …) to the same nowhere.
  await new Promise((r) => setTimeout(r, 2000));
  expect(node.alive()).toBe(true);
  expect(node.unexpected()).toEqual([]);
  expect(await node.metric('openucm_unexpected_errors_total')).toBe(0);
  await eventually(() => node.logs.some((l) => String(l.msg).startsWith('could not send SIP to 127.0.0.1')));

  // A phone registers as if nothing had happened.
  const phone = await new UdpPeer().open();
  expect(await phone.exchange(register(phone.port, 1, { mac: '00da7a000002' }), node.ports.sip)).toMatch(
    /^SIP\/2\.0 200 OK/,
  );
  expect(await phone.exchange(options(phone.port, 1), node.ports.sip)).toMatch(/^SIP\/2\.0 200 OK/);
  expect((await node.api.get<{ status: string }>('/phones/SEP00DA7A000002')).body.status).toBe('registered');
  attacker.close();
  phone.close();
}, 60_000);
