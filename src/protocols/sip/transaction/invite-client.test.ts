import { expect, it } from 'vitest';
import type { SipResponse } from '../message.js';
import { parseMessage } from '../parser.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import { InviteClientTable } from './invite-client.js';
import type { InviteClientUser } from './invite-client.js';
import { ManualTimers } from './manual-timers.js';

function response(status: number, branch: string, method = 'INVITE'): SipResponse {
  const text =
    `SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch}\r\nFrom: <sip:a@h>;tag=1\r\n` +
    `To: <sip:b@h>;tag=2\r\nCall-ID: c1@h\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'response') throw new Error('bad fixture');
  return r.message;
}

const INVITE = Buffer.from('INVITE sip:b@h SIP/2.0\r\n\r\n');
const ACK = Buffer.from('ACK sip:b@h SIP/2.0\r\n\r\n');

function user(): InviteClientUser & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    provisional: (r) => seen.push(`1xx ${r.status}`),
    final: (r) => seen.push(`final ${r.status}`),
    failed: (why) => seen.push(`failed ${why}`),
  };
}

it('retransmits the INVITE over UDP on Timer A (doubling) until the first response (RFC 3261 §17.1.1.2)', () => {
  const timers = new ManualTimers();
  const table = new InviteClientTable({ host: timers });
  const flow = new MemoryFlow('UDP');
  const u = user();
  table.send('z9hG4bKi1', INVITE, flow, () => ACK, u);
  timers.advance(500 + 1000 + 2000);
  expect(flow.sent).toHaveLength(4);
  expect(table.receive(response(180, 'z9hG4bKi1'))).toBe(true);
  timers.advance(60_000);
  expect(flow.sent).toHaveLength(4);
  expect(u.seen).toEqual(['1xx 180']);
});

it('ACKs a non-2xx final response itself, once more for each retransmission, and tells the TU once', () => {
  const timers = new ManualTimers();
  const table = new InviteClientTable({ host: timers });
  const flow = new MemoryFlow('UDP');
  const u = user();
  table.send('z9hG4bKi2', INVITE, flow, () => ACK, u);
  table.receive(response(486, 'z9hG4bKi2'));
  table.receive(response(486, 'z9hG4bKi2'));
  expect(flow.sent.map((b) => b.toString().split(' ')[0])).toEqual(['INVITE', 'ACK', 'ACK']);
  expect(u.seen).toEqual(['final 486']);
  timers.advance(32_000);
  expect(table.size).toBe(0);
});

it('hands every 2xx to the TU (it ACKs them), and ignores a response to another method with the same branch', () => {
  const timers = new ManualTimers();
  const table = new InviteClientTable({ host: timers });
  const flow = new MemoryFlow('UDP');
  const u = user();
  table.send('z9hG4bKi3', INVITE, flow, () => ACK, u);
  expect(table.receive(response(200, 'z9hG4bKi3', 'CANCEL'))).toBe(false);
  table.receive(response(200, 'z9hG4bKi3'));
  table.receive(response(200, 'z9hG4bKi3'));
  expect(u.seen).toEqual(['final 200', 'final 200']);
  expect(flow.sent).toHaveLength(1);
});

it('gives up at Timer B without a response, and does not retransmit on TCP', () => {
  const timers = new ManualTimers();
  const table = new InviteClientTable({ host: timers });
  const flow = new MemoryFlow('TCP');
  const u = user();
  table.send('z9hG4bKi4', INVITE, flow, () => ACK, u);
  timers.advance(32_000);
  expect(u.seen).toEqual(['failed timeout']);
  expect(flow.sent).toHaveLength(1);
  expect(table.size).toBe(0);
});

it('forgets a transaction on request (a CANCELled INVITE that never got its final response)', () => {
  const timers = new ManualTimers();
  const table = new InviteClientTable({ host: timers });
  const flow = new MemoryFlow('UDP');
  const u = user();
  table.send('z9hG4bKi5', INVITE, flow, () => ACK, u);
  table.receive(response(180, 'z9hG4bKi5'));
  table.forget('z9hG4bKi5');
  expect(table.size).toBe(0);
  expect(table.receive(response(487, 'z9hG4bKi5'))).toBe(false);
});
