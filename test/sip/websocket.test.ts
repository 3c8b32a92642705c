/** SIP over WebSocket (RFC 7118) from Node: JsSIP itself (with `ws` as its W3C WebSocket) registers at /sip. */
import JsSIP from 'jssip';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;

beforeAll(async () => {
  // JsSIP expects the browser's WebSocket; `ws` implements the same interface.
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = WebSocket;
  JsSIP.debug.disable();
  t = await startTestNode();
});

afterAll(async () => {
  await t.destroy();
});

it('registers a JsSIP user agent over ws://…/sip and unregisters it when it stops', async () => {
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  const socket = new JsSIP.WebSocketInterface(`ws://127.0.0.1:${t.node.ports.http}/sip`);
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri: 'sip:SEP00AA55000001@127.0.0.1',
    register: true,
    register_expires: 300,
    user_agent: 'JsSIP (openucm test)',
  });
  try {
    const outcome = await new Promise<string>((resolve) => {
      ua.on('registered', () => resolve('registered'));
      ua.on('registrationFailed', (e: { cause?: string }) => resolve(`failed: ${e.cause}`));
      ua.start();
    });
    expect(outcome).toBe('registered');
    await t.node.statusWriter.flush();
    const phone = await t.api.get<{ status: string; model: string }>('/phones/SEP00AA55000001');
    expect(phone.body).toMatchObject({ status: 'registered', model: 'ThirdPartySIP' });
  } finally {
    ua.stop();
  }
  await eventually(async () => {
    await t.node.statusWriter.flush();
    return (await t.api.get<{ status: string }>('/phones/SEP00AA55000001')).body.status === 'unregistered';
  });
});

it('refuses a WebSocket without the sip subprotocol, and a plain GET', async () => {
  const url = `ws://127.0.0.1:${t.node.ports.http}/sip`;
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(url, ['chat']);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => undefined);
  });
  expect(status).toBe(400);
  const plain = await fetch(`http://127.0.0.1:${t.node.ports.http}/sip`);
  expect(plain.status).toBe(426);
});

it('answers OPTIONS and malformed messages on the WebSocket', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${t.node.ports.http}/sip`, ['sip']);
  await new Promise((resolve) => ws.once('open', resolve));
  expect(ws.protocol).toBe('sip');
  const replies: string[] = [];
  ws.on('message', (data: Buffer) => replies.push(data.toString()));
  ws.send(
    'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bKws1\r\nFrom: <sip:a@x>;tag=1\r\n' +
      'To: <sip:b@x>\r\nCall-ID: ws1@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n',
  );
  ws.send('this is not SIP');
  ws.send(
    'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bKws2\r\nFrom: <sip:a@x>;tag=1\r\n' +
      'To: <sip:b@x>\r\nCall-ID: ws2@x\r\nCSeq: one OPTIONS\r\n\r\n',
  );
  await eventually(() => replies.length === 2);
  expect(replies.map((r) => r.split('\r\n')[0])).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 400 Invalid CSeq']);
  expect(replies[0]).toContain('Via: SIP/2.0/WS abc.invalid;branch=z9hG4bKws1;received=127.0.0.1');
  ws.close();
});
