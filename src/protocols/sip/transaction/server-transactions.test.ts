import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../message.js';
import { parseMessage } from '../parser.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import { ServerTransactionTable } from './server-transactions.js';
import { ManualTimers } from './manual-timers.js';

function request(method: string, branch = 'z9hG4bKabc', via = '127.0.0.1:5062'): SipRequest {
  const text =
    `${method} sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP ${via};branch=${branch}\r\n` +
    'From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\nCall-ID: c1@h\r\n' +
    `CSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('bad fixture');
  return r.message;
}

const OK = Buffer.from('SIP/2.0 200 OK\r\n\r\n');
const NOT_ALLOWED = Buffer.from('SIP/2.0 405 Method Not Allowed\r\n\r\n');

describe('non-INVITE server transactions (RFC 3261 §17.2.2)', () => {
  it('absorbs a retransmission while the TU decides, then resends the final response until Timer J', () => {
    const timers = new ManualTimers();
    const table = new ServerTransactionTable({ host: timers });
    const flow = new MemoryFlow('UDP');
    const tx = table.receive(request('REGISTER'), flow);
    expect(tx).toBeDefined();
    // Trying: the retransmission is discarded.
    expect(table.receive(request('REGISTER'), flow)).toBeUndefined();
    expect(flow.sent).toHaveLength(0);
    tx!.respond(200, OK);
    expect(flow.sent).toEqual([OK]);
    // Completed: each retransmission gets the same response again.
    timers.advance(500);
    expect(table.receive(request('REGISTER'), flow)).toBeUndefined();
    expect(flow.sent).toEqual([OK, OK]);
    // Timer J = 64·T1 = 32 s: afterwards the same branch is a new transaction.
    timers.advance(31_400);
    expect(table.receive(request('REGISTER'), flow)).toBeUndefined();
    timers.advance(200);
    expect(table.receive(request('REGISTER'), flow)).toBeDefined();
  });

  it('keeps nothing after the final response on a reliable transport (Timer J = 0)', () => {
    const table = new ServerTransactionTable({ host: new ManualTimers() });
    const flow = new MemoryFlow('TCP');
    table.receive(request('OPTIONS'), flow)!.respond(200, OK);
    expect(table.size).toBe(0);
  });

  it('tells transactions apart by branch, sent-by and method', () => {
    const table = new ServerTransactionTable({ host: new ManualTimers() });
    const flow = new MemoryFlow();
    expect(table.receive(request('REGISTER', 'z9hG4bK1'), flow)).toBeDefined();
    expect(table.receive(request('REGISTER', 'z9hG4bK2'), flow)).toBeDefined();
    expect(table.receive(request('REGISTER', 'z9hG4bK1', '127.0.0.2:5062'), flow)).toBeDefined();
    expect(table.receive(request('OPTIONS', 'z9hG4bK1'), flow)).toBeDefined();
    expect(table.size).toBe(4);
  });

  it('matches RFC 2543 requests (no magic cookie) on Call-ID, CSeq, tags and Via', () => {
    const table = new ServerTransactionTable({ host: new ManualTimers() });
    const flow = new MemoryFlow();
    const tx = table.receive(request('REGISTER', 'old-style-1'), flow);
    tx!.respond(200, OK);
    expect(table.receive(request('REGISTER', 'old-style-1'), flow)).toBeUndefined();
    expect(flow.sent).toHaveLength(2);
  });

  it('forgets the oldest completed INVITE transactions too, and says each time it has to', () => {
    let evictions = 0;
    const timers = new ManualTimers();
    const table = new ServerTransactionTable({ host: timers, maxEntries: 3, onEvict: () => evictions++ });
    const flow = new MemoryFlow();
    for (const b of ['z9hG4bKi1', 'z9hG4bKi2', 'z9hG4bKi3', 'z9hG4bKi4', 'z9hG4bKi5'])
      table.receive(request('INVITE', b), flow)!.respond(405, NOT_ALLOWED);
    expect(table.size).toBe(3);
    expect(evictions).toBe(2);
    // The forgotten ones retransmit no more: only the three kept do, on Timer G.
    const sent = flow.sent.length;
    timers.advance(500);
    expect(flow.sent.length - sent).toBe(3);
  });

  it('forgets the oldest completed transactions beyond its size limit', () => {
    const table = new ServerTransactionTable({ host: new ManualTimers(), maxEntries: 2 });
    const flow = new MemoryFlow();
    for (const b of ['z9hG4bKa', 'z9hG4bKb', 'z9hG4bKc'])
      table.receive(request('OPTIONS', b), flow)!.respond(200, OK);
    expect(table.size).toBe(2);
    expect(table.receive(request('OPTIONS', 'z9hG4bKa'), flow)).toBeDefined();
  });
});

describe('INVITE server transactions (RFC 3261 §17.2.1)', () => {
  it('retransmits a final non-2xx response on Timer G until the ACK, then absorbs ACKs for Timer I', () => {
    const timers = new ManualTimers();
    const table = new ServerTransactionTable({ host: timers });
    const flow = new MemoryFlow('UDP');
    const tx = table.receive(request('INVITE'), flow)!;
    tx.respond(405, NOT_ALLOWED);
    expect(flow.sent).toHaveLength(1);
    timers.advance(500); // G = T1
    expect(flow.sent).toHaveLength(2);
    timers.advance(1000); // G = 2·T1
    expect(flow.sent).toHaveLength(3);
    expect(table.receive(request('ACK'), flow)).toBeUndefined();
    expect(tx.state).toBe('confirmed');
    timers.advance(4000);
    expect(flow.sent).toHaveLength(3);
    timers.advance(1000); // Timer I = T4
    expect(tx.state).toBe('terminated');
    expect(table.size).toBe(0);
  });

  it('gives up at Timer H when no ACK comes', () => {
    const timers = new ManualTimers();
    const table = new ServerTransactionTable({ host: timers });
    const flow = new MemoryFlow('UDP');
    const tx = table.receive(request('INVITE'), flow)!;
    tx.respond(405, NOT_ALLOWED);
    timers.advance(32_000);
    expect(tx.state).toBe('terminated');
    // The response, then G at 0.5, 1.5, 3.5 s and every T2 (4 s) after: 7.5 … 31.5 s — 11 copies before H at 32 s.
    expect(flow.sent.length).toBe(11);
  });

  it('resends the response to a retransmitted INVITE', () => {
    const table = new ServerTransactionTable({ host: new ManualTimers() });
    const flow = new MemoryFlow('TCP');
    table.receive(request('INVITE'), flow)!.respond(405, NOT_ALLOWED);
    expect(table.receive(request('INVITE'), flow)).toBeUndefined();
    expect(flow.sent).toHaveLength(2);
    expect(table.inviteFor(request('CANCEL'))).toBeDefined();
  });
});
