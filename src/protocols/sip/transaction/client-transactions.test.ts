import { expect, it } from 'vitest';
import type { SipResponse } from '../message.js';
import { parseMessage } from '../parser.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import { ClientTransactionTable } from './client-transactions.js';
import { ManualTimers } from './manual-timers.js';

function response(status: number, branch: string): SipResponse {
  const text =
    `SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch}\r\nFrom: <sip:a@h>;tag=1\r\n` +
    'To: <sip:b@h>;tag=2\r\nCall-ID: n1@h\r\nCSeq: 101 NOTIFY\r\nContent-Length: 0\r\n\r\n';
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'response') throw new Error('bad fixture');
  return r.message;
}

const NOTIFY = Buffer.from('NOTIFY sip:x SIP/2.0\r\n\r\n');

it('retransmits a NOTIFY over UDP on Timer E until the final response (RFC 3261 §17.1.2.2)', async () => {
  const timers = new ManualTimers();
  const table = new ClientTransactionTable({ host: timers });
  const flow = new MemoryFlow('UDP');
  const outcome = table.send('z9hG4bKn1', NOTIFY, flow);
  timers.advance(500 + 1000 + 2000);
  expect(flow.sent).toHaveLength(4);
  expect(table.receive(response(100, 'z9hG4bKn1'))).toBe(true);
  expect(table.receive(response(200, 'z9hG4bKother'))).toBe(false);
  table.receive(response(200, 'z9hG4bKn1'));
  expect((await outcome).kind).toBe('response');
  timers.advance(10_000);
  expect(flow.sent).toHaveLength(4);
});

it('gives up at Timer F, and does not retransmit on TCP', async () => {
  const timers = new ManualTimers();
  const table = new ClientTransactionTable({ host: timers });
  const flow = new MemoryFlow('TCP');
  const outcome = table.send('z9hG4bKn2', NOTIFY, flow);
  timers.advance(32_000);
  expect(await outcome).toEqual({ kind: 'timeout' });
  expect(flow.sent).toHaveLength(1);
  expect(table.size).toBe(0);
});
