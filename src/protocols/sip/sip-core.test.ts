import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './parser.js';
import { RegistrarHarness, registerText } from './registrar/registrar-harness.js';
import { SipCore } from './sip-core.js';
import { ClientTransactionTable } from './transaction/client-transactions.js';
import { ManualTimers } from './transaction/manual-timers.js';
import { ServerTransactionTable } from './transaction/server-transactions.js';
import { MemoryFlow } from './transport/memory-flow.js';

function setup() {
  const h = new RegistrarHarness();
  const timers = new ManualTimers();
  const core = new SipCore({
    transactions: new ServerTransactionTable({ host: timers }),
    clients: new ClientTransactionTable({ host: timers }),
    registrar: h.registrar,
    logger: pino({ level: 'silent' }),
    serverName: 'openucm/test',
  });
  const flow = new MemoryFlow('UDP');
  const deliver = (text: string) => core.message(parseMessage(Buffer.from(text)), flow);
  return { h, core, flow, deliver, timers };
}

function request(method: string, opts: { uri?: string; extra?: string[]; branch?: string } = {}): string {
  return [
    `${method} ${opts.uri ?? 'sip:127.0.0.1'} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5062;branch=${opts.branch ?? 'z9hG4bK1'};rport`,
    'From: <sip:a@127.0.0.1>;tag=1',
    'To: <sip:b@127.0.0.1>',
    'Call-ID: x@h',
    `CSeq: 1 ${method}`,
    'Max-Forwards: 70',
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('methods', () => {
  it('answers OPTIONS 200 with Allow, and stamps rport/received on the Via', () => {
    const { flow, deliver } = setup();
    deliver(request('OPTIONS'));
    const text = flow.sent[0].toString();
    expect(text).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(text).toContain(
      'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1;rport=5062;received=127.0.0.1\r\n',
    );
    expect(text).toContain('Allow: REGISTER, OPTIONS\r\n');
    expect(text).toMatch(/To: <sip:b@127\.0\.0\.1>;tag=[0-9a-f]{12}\r\n/);
  });

  it('answers methods without call control 405 with Allow, unknown ones 501', () => {
    const { flow, deliver } = setup();
    deliver(request('INVITE', { branch: 'z9hG4bKi' }));
    deliver(request('SUBSCRIBE', { branch: 'z9hG4bKs' }));
    deliver(request('FOOBAR', { branch: 'z9hG4bKf' }));
    expect(flow.startLines).toEqual([
      'SIP/2.0 405 Method Not Allowed',
      'SIP/2.0 405 Method Not Allowed',
      'SIP/2.0 501 Not Implemented',
    ]);
  });

  it('never answers an ACK, answers a CANCEL 481 or 200', () => {
    const { flow, deliver } = setup();
    deliver(request('ACK'));
    deliver(request('CANCEL', { branch: 'z9hG4bKnone' }));
    deliver(request('INVITE', { branch: 'z9hG4bKinv' }));
    deliver(request('CANCEL', { branch: 'z9hG4bKinv' }));
    expect(flow.startLines).toEqual([
      'SIP/2.0 481 Call/Transaction Does Not Exist',
      'SIP/2.0 405 Method Not Allowed',
      'SIP/2.0 200 OK',
    ]);
  });

  it('refuses an unknown Require with 420 + Unsupported, a tel: Request-URI with 416', () => {
    const { flow, deliver } = setup();
    deliver(request('OPTIONS', { extra: ['Require: foo, bar'], branch: 'z9hG4bKr' }));
    deliver(request('OPTIONS', { uri: 'tel:+15551234', branch: 'z9hG4bKt' }));
    expect(flow.startLines).toEqual(['SIP/2.0 420 Bad Extension', 'SIP/2.0 416 Unsupported URI Scheme']);
    expect(flow.sent[0].toString()).toContain('Unsupported: foo, bar\r\n');
  });
});

describe('bad input', () => {
  it('answers a malformed request with a usable Via with 400, drops what it cannot address', () => {
    const { flow, deliver } = setup();
    deliver(request('OPTIONS').replace('CSeq: 1 OPTIONS', 'CSeq: x OPTIONS'));
    deliver('garbage\r\n\r\n');
    deliver('SIP/2.0 200 OK\r\n\r\n');
    expect(flow.startLines).toEqual(['SIP/2.0 400 Invalid CSeq']);
  });

  it('answers a double-CRLF ping on a connection with a CRLF pong, ignores it on UDP', () => {
    const { core } = setup();
    const udp = new MemoryFlow('UDP');
    const tcp = new MemoryFlow('TCP');
    core.message(parseMessage(Buffer.from('\r\n\r\n')), udp);
    core.message(parseMessage(Buffer.from('\r\n\r\n')), tcp);
    expect(udp.sent).toEqual([]);
    expect(tcp.sent.map(String)).toEqual(['\r\n']);
  });
});

it('absorbs a retransmitted REGISTER while the registration is decided and resends the 200 afterwards', async () => {
  const { h, flow, deliver } = setup();
  const release = h.hold();
  const text = registerText({ cseq: 1 }).replace(/branch=[^\r]+/, 'branch=z9hG4bKreg');
  deliver(text);
  deliver(text);
  expect(flow.sent).toEqual([]);
  release();
  await new Promise((r) => setTimeout(r, 10));
  expect(flow.startLines).toEqual(['SIP/2.0 200 OK']);
  deliver(text);
  expect(flow.startLines).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  expect(flow.sent[1]).toBe(flow.sent[0]);
  expect(h.requests).toHaveLength(1);
});

it('answers once when the service fails after the reply went out, and serves the next REGISTER', async () => {
  const { h, flow, deliver } = setup();
  const settle = () => new Promise((r) => setTimeout(r, 10));
  deliver(registerText({ cseq: 1 }));
  await settle();
  // Removing the last binding answers 200, then tells the service, which fails: the registrar's error
  // handler answers again, into a transaction that already has its final response.
  h.onUnregistered = () => {
    throw new Error('database gone');
  };
  deliver(registerText({ cseq: 2, expires: 0 }));
  await settle();
  h.onUnregistered = () => undefined;
  deliver(registerText({ cseq: 3 }));
  await settle();
  expect(flow.startLines).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  expect(h.registrar.bindings.size).toBe(1);
});
