/**
 * `npm run bench:sip-tls [-- --connections N --concurrency C --key ec|rsa --json]`: a storm of
 * reconnecting phones against the SIP TLS listener. C clients at a time open a TLS connection
 * (TLS 1.2+, verifying the node's certificate), send one OPTIONS, wait for nothing more and close;
 * N connections in all. Reports handshakes per second and the CPU per handshake. The listener and
 * the clients share this process (one event loop), so the figure is a lower bound for the listener.
 *
 * Loopback only; the certificate is made with openssl for the run (P-256 or RSA 2048).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { defaultSipLimits } from '../../src/limits/sip.js';
import { ConnectionLimits } from '../../src/protocols/sip/transport/connection-limits.js';
import { SendFailures } from '../../src/protocols/sip/transport/send-failures.js';
import { TlsTransport } from '../../src/protocols/sip/transport/tls-transport.js';
import { LimitLog } from '../../src/services/limit-log.js';
import { writeBenchReport } from '../report.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    key: { type: 'string', default: 'ec' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.connections);
const C = Number(values.concurrency);

function certificate(kind: string): { key: string; cert: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-tls-'));
  const keyArgs =
    kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  execFileSync(
    'openssl',
    ['req', '-x509', ...keyArgs, '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`].concat([
      '-days',
      '1',
      '-subj',
      '/CN=openucm-bench',
    ]),
    { stdio: 'ignore' },
  );
  return {
    key: fs.readFileSync(`${dir}/key.pem`, 'utf8'),
    cert: fs.readFileSync(`${dir}/cert.pem`, 'utf8'),
    dir,
  };
}

const OPTIONS = Buffer.from(
  'OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKbench\r\n' +
    'From: <sip:bench@127.0.0.1>;tag=1\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: bench\r\nCSeq: 1 OPTIONS\r\n' +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
);

async function main(): Promise<void> {
  const identity = certificate(values.key ?? 'ec');
  const logger = pino({ level: 'silent' });
  const limits = new LimitLog(logger);
  let messages = 0;
  let ids = 0;
  const settings = { ...defaultSipLimits(), sipMaxConnectionsPerAddress: 0 };
  const transport = new TlsTransport({
    host: '127.0.0.1',
    identity: { current: () => identity, onChange: () => () => undefined },
    handshakeTimeoutMs: 10_000,
    maxHandshakesPerAddress: C + 10,
    sink: { message: () => void messages++, flowClosed: () => undefined },
    logger,
    failures: new SendFailures(logger),
    connections: new ConnectionLimits(settings, limits),
    reporter: limits,
    idleTimeoutMs: 60_000,
    firstMessageTimeoutMs: 30_000,
    maxQueuedBytes: 65_536,
    nextConnectionId: () => ++ids,
  });
  const port = await transport.start(0);
  let started = 0;
  let done = 0;
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        ca: identity.cert,
        checkServerIdentity: () => undefined,
      });
      socket.once('secureConnect', () => {
        socket.end(OPTIONS);
      });
      socket.once('error', () => {
        failed++;
        resolve();
      });
      socket.once('close', () => {
        done++;
        resolve();
      });
    });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (started < N) {
        started++;
        await one();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await transport.stop();
  fs.rmSync(identity.dir, { recursive: true, force: true });
  const rate = Math.round((done - failed) / seconds);
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench:sip-tls -- --connections ${N} --concurrency ${C} --key ${values.key}`,
    connections: N,
    concurrency: C,
    key: values.key,
    failed,
    sipMessages: messages,
    seconds: Number(seconds.toFixed(2)),
    handshakesPerSecond: rate,
    cpuMicrosPerHandshake: Math.round((cpu.user + cpu.system) / Math.max(1, done)),
  };
  const table = [
    '| key | connections | concurrency | handshakes/s | CPU µs per handshake (server and clients) | failed |',
    '|---|---|---|---|---|---|',
    `| ${values.key} | ${N} | ${C} | ${rate} | ${report.cpuMicrosPerHandshake} | ${failed} |`,
  ].join('\n');
  const notes =
    'Server and clients share this process and core: the rate is a lower bound for the listener alone. ' +
    'Each connection: TCP connect, TLS handshake (TLS 1.3 by default between Node peers), one OPTIONS, close.';
  const where = writeBenchReport({
    dir: path.resolve(import.meta.dirname, '..', 'results'),
    name: 'sip-tls',
    report,
    table,
    notes,
    json: values.json ?? false,
  });
  process.stderr.write(`report: ${where}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
