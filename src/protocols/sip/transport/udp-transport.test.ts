import dgram from 'node:dgram';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { ParseResult } from '../parser.js';
import { parseViaParm } from '../via.js';
import type { SipFlow } from './flow.js';
import { responsePort } from './flow.js';
import { SendFailures } from './send-failures.js';
import { UdpTransport } from './udp-transport.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function transport(): Promise<{ udp: UdpTransport; failures: SendFailures; received: SipFlow[] }> {
  const failures = new SendFailures(pino({ level: 'silent' }));
  const received: SipFlow[] = [];
  const udp = new UdpTransport({
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    failures,
    sink: { message: (_r: ParseResult, flow: SipFlow) => received.push(flow), flowClosed: () => undefined },
  });
  await udp.start();
  stops.push(() => udp.stop());
  return { udp, failures, received };
}

function via(text: string) {
  const v = parseViaParm(text);
  if (!v.ok) throw new Error(v.error);
  return v.value;
}

it('answers a Via with port 0 at 5060, like a Via without a port (RFC 3261 §18.2.2)', () => {
  expect(responsePort(via('SIP/2.0/UDP 1.2.3.4:0;branch=z9hG4bKx'))).toBe(5060);
  expect(responsePort(via('SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx'))).toBe(5060);
  expect(responsePort(via('SIP/2.0/UDP 1.2.3.4:5062;branch=z9hG4bKx'))).toBe(5062);
  expect(responsePort(via('SIP/2.0/UDP 1.2.3.4:0;branch=z9hG4bKx;rport'))).toBeUndefined();
});

it('counts a send to port 0 or through a stopped socket as failed instead of throwing', async () => {
  const { udp, failures } = await transport();
  expect(udp.flowTo('127.0.0.1', 0).send(Buffer.from('x'))).toBe(false);
  expect(udp.flowTo('127.0.0.1', 5062).respond(Buffer.from('x'), 0)).toBe(false);
  expect(udp.flowTo('127.0.0.1', 70_000).send(Buffer.from('x'))).toBe(false);
  await udp.stop();
  expect(udp.flowTo('127.0.0.1', 5062).send(Buffer.from('x'))).toBe(false);
  expect(failures.totals().UDP).toBe(4);
});

it('counts a datagram the kernel refuses (too big) when it says so', async () => {
  const { udp, failures } = await transport();
  const peer = dgram.createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  stops.push(() => new Promise((r) => peer.close(() => r())));
  expect(udp.flowTo('127.0.0.1', peer.address().port).send(Buffer.alloc(70_000))).toBe(true);
  for (let i = 0; i < 100 && failures.totals().UDP === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(failures.totals().UDP).toBe(1);
});
