/**
 * The SIP TLS listener's own bounds over real sockets: a connection that never completes its
 * handshake is closed at the deadline, and one address may have only so many handshakes under way;
 * each refusal is counted where every limit is (LimitLog). A real TLS client is served SIP.
 */
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSipLimits } from '../../../limits/sip.js';
import { LimitLog } from '../../../services/limit-log.js';
import type { TestCertificate } from '../../../../test/support/tls-identity.js';
import { makeCertificate } from '../../../../test/support/tls-identity.js';
import type { SipFlow } from './flow.js';
import { ConnectionLimits } from './connection-limits.js';
import { SendFailures } from './send-failures.js';
import { TlsTransport } from './tls-transport.js';

let identity: TestCertificate;

beforeAll(() => {
  identity = makeCertificate('openucm-unit');
});
afterAll(() => fs.rmSync(identity.dir, { recursive: true, force: true }));

async function listener(options: { handshakeTimeoutMs: number; maxHandshakesPerAddress: number }) {
  const logger = pino({ level: 'silent' });
  const limits = new LimitLog(logger);
  const flows: SipFlow[] = [];
  let ids = 0;
  const transport = new TlsTransport({
    host: '127.0.0.1',
    identity: { current: () => identity, onChange: () => () => undefined },
    ...options,
    sink: { message: (_r, flow) => flows.push(flow), flowClosed: () => undefined },
    logger,
    failures: new SendFailures(logger),
    connections: new ConnectionLimits(defaultSipLimits(), limits),
    reporter: limits,
    idleTimeoutMs: 60_000,
    firstMessageTimeoutMs: 30_000,
    maxQueuedBytes: 65_536,
    nextConnectionId: () => ++ids,
  });
  const port = await transport.start(0);
  return { transport, port, limits, flows };
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

it('closes a connection that does not complete its handshake in time, and counts it', async () => {
  const { transport, port, limits } = await listener({ handshakeTimeoutMs: 300, maxHandshakesPerAddress: 8 });
  try {
    const silent = await connect(port);
    await closed(silent);
    await expect.poll(() => limits.totals().get('sipTlsHandshakeTimeoutSeconds')).toBe(1);
    await expect.poll(() => transport.connectionCount).toBe(0);
  } finally {
    await transport.stop();
  }
});

it('closes connections beyond the per-address handshake limit at once, counted; the slot comes back when one ends', async () => {
  const { transport, port, limits, flows } = await listener({
    handshakeTimeoutMs: 30_000,
    maxHandshakesPerAddress: 2,
  });
  try {
    const a = await connect(port);
    const b = await connect(port);
    await expect.poll(() => transport.connectionCount).toBe(2);
    const c = await connect(port);
    await closed(c);
    expect(limits.totals().get('sipMaxTlsHandshakesPerAddress')).toBe(1);
    a.destroy();
    await expect.poll(() => transport.connectionCount).toBe(1);
    // A real TLS client now gets a slot, completes its handshake (TLS 1.2+) and is served SIP.
    const client = tls.connect({
      host: '127.0.0.1',
      port,
      ca: identity.cert,
      checkServerIdentity: () => undefined,
    });
    await new Promise<void>((resolve) => client.once('secureConnect', () => resolve()));
    expect(['TLSv1.2', 'TLSv1.3']).toContain(client.getProtocol());
    client.write(
      'OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKa\r\n' +
        'From: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
    await expect.poll(() => flows.length).toBe(1);
    expect(flows[0]).toMatchObject({ transport: 'TLS', reliable: true });
    client.destroy();
    b.destroy();
  } finally {
    await transport.stop();
  }
});
