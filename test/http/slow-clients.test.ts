import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { basic, requestFrom } from './helpers/from-address.js';

/**
 * Debian's slowhttptest (slow headers, slow body, slow read) against the administration port,
 * from 127.0.0.1, while a script on 127.0.0.2 keeps using the API, an event stream stays open and
 * a SIP WebSocket keeps working: the node closes slow requests at their deadlines and caps the
 * connections one address holds.
 */

const run = promisify(execFile);
const ADMIN = basic('CCMAdministrator', ADMIN_PASSWORD);
const PER_ADDRESS = 100;

let t: TestNode;
let port: number;

beforeAll(async () => {
  t = await startTestNode({
    config: {
      httpHeadersTimeoutSeconds: 2,
      httpRequestTimeoutSeconds: 4,
      httpKeepAliveTimeoutSeconds: 2,
      httpMaxConnectionsPerAddress: PER_ADDRESS,
    },
  });
  port = t.node.ports.http;
});
afterAll(async () => {
  await t.destroy();
});

async function metric(name: string): Promise<number> {
  const text = await (
    await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: ADMIN } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Runs slowhttptest while a script on 127.0.0.2 reads the API every 300 ms; returns the tool's
 * final status, how long each API call took and the most administration connections the node
 * itself held at once (its gauge, read by the script: its own connection is one of them).
 */
async function attack(
  args: string[],
): Promise<{ exit: string; closed: number; connected: number; apiMs: number[]; mostOpen: number }> {
  const apiMs: number[] = [];
  let mostOpen = 0;
  let running = true;
  const script = (async () => {
    while (running) {
      const started = Date.now();
      const r = await requestFrom('127.0.0.2', port, {
        path: '/api/v1/nodes',
        headers: { authorization: ADMIN },
      });
      expect(r.status).toBe(200);
      apiMs.push(Date.now() - started);
      const metrics = await requestFrom('127.0.0.2', port, {
        path: '/metrics',
        headers: { authorization: ADMIN },
      });
      const open = /^openucm_http_open\{what="connections"\} (\d+)$/m.exec(metrics.body);
      mostOpen = Math.max(mostOpen, Number(open?.[1] ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  const { stdout } = await run('slowhttptest', [...args, '-r', '200', '-i', '1', '-p', '3'], {
    timeout: 60_000,
  });
  running = false;
  await script;
  // eslint-disable-next-line no-control-regex
  const plain = stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const last = (label: string) =>
    Number([...plain.matchAll(new RegExp(`${label}:\\s+(\\d+)`, 'g'))].at(-1)?.[1]);
  return {
    exit: /Exit status:\s*(.+)/.exec(plain)?.[1].trim() ?? plain,
    closed: last('closed'),
    connected: last('connected'),
    apiMs,
    mostOpen,
  };
}

describe('slow clients on the administration port', () => {
  it('closes slow headers (slowloris) at the headers deadline and caps one address, while the API answers', async () => {
    const before = await metric('openucm_limit_refusals_total{limit="httpMaxConnectionsPerAddress"}');
    const started = Date.now();
    const result = await attack([
      '-H',
      '-c',
      '150',
      '-l',
      '20',
      '-u',
      `http://127.0.0.1:${port}/api/v1/health`,
    ]);
    // The tool gave up before its 20 s: the node had closed every one of its connections.
    expect(result.exit).toBe('No open connections left');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.apiMs.length).toBeGreaterThan(0);
    expect(Math.max(...result.apiMs)).toBeLessThan(5000);
    const refused =
      (await metric('openucm_limit_refusals_total{limit="httpMaxConnectionsPerAddress"}')) - before;
    expect(refused).toBeGreaterThanOrEqual(150 - PER_ADDRESS);
  });

  it('closes a slow request body (R-U-Dead-Yet) at the request deadline, while the API answers', async () => {
    const started = Date.now();
    const result = await attack([
      '-B',
      '-c',
      '80',
      '-l',
      '20',
      '-s',
      '100000',
      '-f',
      'application/json',
      '-u',
      `http://127.0.0.1:${port}/api/v1/login`,
    ]);
    expect(result.exit).toBe('No open connections left');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(Math.max(...result.apiMs)).toBeLessThan(5000);
  });

  it('holds no more than its cap of slow readers from one address, while the API answers', async () => {
    const result = await attack([
      '-X',
      '-c',
      '150',
      '-l',
      '8',
      '-k',
      '3',
      '-n',
      '1',
      '-w',
      '1',
      '-y',
      '16',
      '-z',
      '5',
      '-u',
      `http://127.0.0.1:${port}/api/docs/static/swagger-ui-bundle.js`,
    ]);
    // The node's own count, not the tool's: on a busy machine the kernel completes handshakes the
    // node then closes at once, and the tool counts those as connected for a moment.
    expect(result.mostOpen).toBeGreaterThan(PER_ADDRESS / 2);
    expect(result.mostOpen).toBeLessThanOrEqual(PER_ADDRESS + 1);
    expect(result.apiMs.length).toBeGreaterThan(5);
    expect(Math.max(...result.apiMs)).toBeLessThan(5000);
    // Once the reader is gone, so are its connections.
    await eventually(async () => (await metric('openucm_http_open{what="connections"}')) <= 2);
  });

  it('keeps an event stream and a SIP WebSocket open past every request deadline', async () => {
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      headers: { authorization: ADMIN },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/sip`, ['sip']);
    await new Promise((resolve) => ws.once('open', resolve));
    const replies: string[] = [];
    ws.on('message', (data: Buffer) => replies.push(data.toString().split('\r\n')[0]));
    const options = (n: number) =>
      `OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKslow${n}\r\nFrom: <sip:a@x>;tag=1\r\n` +
      `To: <sip:b@x>\r\nCall-ID: slow${n}@x\r\nCSeq: ${n} OPTIONS\r\nMax-Forwards: 70\r\n\r\n`;
    ws.send(options(1));
    await eventually(() => replies.length === 1);
    // Longer than the headers, request and keep-alive deadlines together.
    await new Promise((resolve) => setTimeout(resolve, 9000));
    ws.send(options(2));
    await eventually(() => replies.length === 2);
    expect(replies).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    // The WebSocket is the SIP server's to bound: it no longer counts as an HTTP connection.
    expect(await metric('openucm_http_open{what="connections"}')).toBeLessThanOrEqual(2);
    await fetch(`http://127.0.0.1:${port}/api/v1/admin-settings`, {
      method: 'PATCH',
      headers: { authorization: ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ autoRegistrationWarningDays: 8 }),
    });
    let text = '';
    await eventually(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes('event: audit');
    });
    controller.abort();
    ws.close();
  });

  it('closes a connection over the per-address cap as it arrives, and serves other addresses', async () => {
    const sockets: net.Socket[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) {
      const s = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.3' });
      s.on('error', () => undefined);
      sockets.push(s);
      await new Promise((resolve) => s.once('connect', resolve));
    }
    await eventually(async () => (await metric('openucm_http_open{what="connections"}')) >= PER_ADDRESS);
    const over = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.3' });
    const closed = await new Promise<boolean>((resolve) => {
      over.on('error', () => undefined);
      over.on('close', () => resolve(true));
      over.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
      setTimeout(() => resolve(false), 5000);
    });
    for (const s of sockets) s.destroy();
    expect(closed).toBe(true);
    expect((await requestFrom('127.0.0.2', port, { path: '/api/v1/health' })).status).toBe(200);
  });
});
