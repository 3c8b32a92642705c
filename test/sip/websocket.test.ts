/** SIP over WebSocket (RFC 7118) from Node: JsSIP itself (with `ws` as its W3C WebSocket) registers at /sip. */
import JsSIP from 'jssip';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;

beforeAll(async () => {
  // JsSIP expects the browser's WebSocket; `ws` implements the same interface.
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = WebSocket;
  JsSIP.debug.disable();
  t = await startTestNode({ config: { sipWebSocketOrigins: 'https://softphone.example.com' } });
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

/** Opens a WebSocket to /sip with `headers`; resolves with 101 once open, or the HTTP status of the refusal. */
function upgrade(
  port: number,
  headers: Record<string, string> = {},
  opened: WebSocket[] = [],
): Promise<{ status: number; retryAfter?: string; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/sip`, ['sip'], { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }),
      );
    });
    ws.on('open', () => {
      opened.push(ws);
      resolve({ status: 101 });
    });
    ws.on('error', () => undefined);
  });
}

it("refuses, before the upgrade, pages of origins that are neither the node's own nor configured", async () => {
  const port = t.node.ports.http;
  const opened: WebSocket[] = [];
  try {
    const foreign = await upgrade(port, { origin: 'https://evil.example' }, opened);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('sipWebSocketOrigins');
    expect((await upgrade(port, { origin: 'null' }, opened)).status).toBe(403);
    // The node's own page on another port is another origin.
    expect((await upgrade(port, { origin: `http://127.0.0.1:${port + 1}` }, opened)).status).toBe(403);
    expect(t.node.limits.totals().get('sipWebSocketOrigins')).toBe(3);
    // The node's own origins, the configured one, and a client that is no browser (no Origin).
    expect((await upgrade(port, { origin: `http://127.0.0.1:${port}` }, opened)).status).toBe(101);
    expect((await upgrade(port, { origin: `http://localhost:${port}` }, opened)).status).toBe(101);
    expect((await upgrade(port, { origin: 'https://SoftPhone.example.com' }, opened)).status).toBe(101);
    expect((await upgrade(port, {}, opened)).status).toBe(101);
  } finally {
    for (const ws of opened) ws.close();
  }
});

describe('limits', () => {
  let n: TestNode;

  beforeAll(async () => {
    n = await startTestNode({
      config: {
        sipMaxWebSocketConnections: 3,
        sipMaxConnectionsPerAddress: 2,
        sipFirstMessageTimeoutSeconds: 1,
      },
    });
  });

  afterAll(async () => {
    await n.destroy();
  });

  it('refuses a connection over the per-address cap (TCP and WebSocket together) or the total with 503', async () => {
    const opened: WebSocket[] = [];
    const tcp = net.connect({ port: n.node.ports.sip!, host: '127.0.0.1' });
    tcp.on('error', () => undefined);
    try {
      await new Promise((r) => tcp.once('connect', r));
      tcp.write(
        'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKt1\r\nFrom: <sip:a@x>;tag=1\r\n' +
          'To: <sip:b@x>\r\nCall-ID: t1@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      );
      const port = n.node.ports.http;
      expect((await upgrade(port, {}, opened)).status).toBe(101);
      // 127.0.0.1 now holds one TCP and one WebSocket connection: its share.
      const third = await upgrade(port, {}, opened);
      expect(third).toMatchObject({ status: 503, retryAfter: '30' });
      expect(n.node.limits.totals().get('sipMaxConnectionsPerAddress')).toBe(1);
      const local = (a: string) => upgradeFrom(port, a, opened);
      expect(await local('127.0.0.2')).toBe(101);
      expect(await local('127.0.0.3')).toBe(101);
      // Three WebSockets in all: the total.
      expect(await local('127.0.0.4')).toBe(503);
      expect(n.node.limits.totals().get('sipMaxWebSocketConnections')).toBe(1);
    } finally {
      tcp.destroy();
      for (const ws of opened) ws.close();
    }
  });

  it('closes a WebSocket that sends no SIP message in time', async () => {
    // The connections of the test before are released as they close.
    const opened: WebSocket[] = [];
    await eventually(async () => (await upgradeFrom(n.node.ports.http, '127.0.0.5', opened)) === 101);
    const ws = opened[0];
    const closed = await new Promise<boolean>((resolve) => {
      ws.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 5000);
    });
    expect(closed).toBe(true);
    expect(n.node.limits.totals().get('sipFirstMessageTimeoutSeconds')).toBe(1);
  });
});

/** The status of an upgrade from `localAddress`. */
async function upgradeFrom(port: number, localAddress: string, opened: WebSocket[]): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/sip`, ['sip'], { localAddress });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      opened.push(ws);
      resolve(101);
    });
    ws.on('error', () => undefined);
  });
}
