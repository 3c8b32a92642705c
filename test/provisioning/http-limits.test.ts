/**
 * HTTP provisioning (TCP 6970) under slow and greedy clients, against a real node: Debian's
 * slowhttptest in its three modes while a phone's config fetch (curl, from another address) still
 * succeeds; a client that asks for a firmware file and never reads; connection limits; pipelining.
 * Afterwards the node's descriptors (sockets and file handles) are back where they were.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/limits/index.js';
import type { LimitName } from '../../src/limits/index.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

/** Larger than what the kernel buffers on loopback, so that a client that stops reading stalls the server. */
const FIRMWARE = 'SIP41.9-4-2SR3-1S.sbn';
const FIRMWARE_BYTES = 24 * 1024 * 1024;
/** For slowhttptest's slow read, whose tiny window stalls the server soon; its probe fetches it whole each second. */
const SMALL_FIRMWARE = 'SIP41.9-4-2SR3-1S.loads';
const SMALL_FIRMWARE_BYTES = 2 * 1024 * 1024;
/** Request and idle timeouts of the node under attack: long enough to fetch while the attack holds on. */
const TIMEOUT_SECONDS = 4;

let t: TestNode;
let port: number;
let out: string;
beforeAll(async () => {
  t = await startTestNode({
    config: {
      provisioningHttpRequestTimeoutSeconds: TIMEOUT_SECONDS,
      provisioningHttpIdleTimeoutSeconds: TIMEOUT_SECONDS,
    },
  });
  port = t.node.ports.provisioningHttp!;
  for (const [name, bytes] of [
    [FIRMWARE, FIRMWARE_BYTES],
    [SMALL_FIRMWARE, SMALL_FIRMWARE_BYTES],
  ] as const) {
    const file = path.join(t.database.dataDir, 'loads', name);
    fs.writeFileSync(file, '');
    fs.truncateSync(file, bytes);
  }
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-prov-http-'));
});
afterAll(async () => {
  await t.destroy();
  fs.rmSync(out, { recursive: true, force: true });
});

/** The node runs in this process: its descriptors are this process's. */
const openDescriptors = (): number => fs.readdirSync('/proc/self/fd').length;

/**
 * The descriptors open once the process is quiet: a node that has just started still closes files
 * and pipes of its start (worker threads, caches) for a moment, which would make a baseline taken
 * then too high for the attack ever to reach it.
 */
async function steadyDescriptors(): Promise<number> {
  let last = openDescriptors();
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = openDescriptors();
    if (now === last) return now;
    last = now;
  }
  return last;
}

function run(command: string, args: string[], timeoutMs = 120_000) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A phone's config fetch from its own address (not the attacker's). */
async function phoneFetch(from: string): Promise<{ code: number | null; body: string }> {
  const file = path.join(out, `fetch-${Math.random().toString(16).slice(2)}`);
  const result = await run(
    'curl',
    [
      '-s',
      '-S',
      '--max-time',
      '10',
      '--interface',
      from,
      `http://127.0.0.1:${port}/XMLDefault.cnf.xml`,
      '-o',
      file,
    ],
    20_000,
  );
  return { code: result.code, body: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '' };
}

const refusals = (limit: LimitName, node: TestNode = t): number => node.node.limits.totals().get(limit) ?? 0;

describe('slowhttptest against 6970', () => {
  // holds: what the attack manages to hold of the node for a while (the per-address limit's worth
  // of connections), or nothing at all when the node answers before the slow part begins.
  it.each([
    { mode: 'slow headers', args: ['-H'], path: '/XMLDefault.cnf.xml', holds: true },
    { mode: 'slow body', args: ['-B'], path: '/XMLDefault.cnf.xml', holds: false },
    { mode: 'slow body (GET)', args: ['-B', '-t', 'GET'], path: '/XMLDefault.cnf.xml', holds: false },
    {
      mode: 'slow read',
      args: ['-X', '-k', '1', '-n', '1', '-w', '1', '-y', '32', '-z', '32'],
      path: `/${SMALL_FIRMWARE}`,
      holds: true,
    },
  ])(
    '$mode: a phone still gets its configuration; the node lets go before the attacker does',
    async (attack) => {
      const url = `http://127.0.0.1:${port}${attack.path}`;
      const before = await steadyDescriptors();
      // 60 connections at once from 127.0.0.1, kept up (as slowhttptest sees it) for 30 s.
      const child = spawn(
        'slowhttptest',
        [...attack.args, ...['-u', url, '-c', '60', '-r', '60', '-i', '1', '-l', '30', '-p', '3']],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      // The pipe from the attacker's output is this process's, not the node's.
      const baseline = before + 1;
      let report = '';
      child.stdout.on('data', (d: Buffer) => (report += d.toString()));
      const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let attackOver = false;
      void ended.then(() => (attackOver = true));
      try {
        const perAddress = defaultLimits().provisioningHttpMaxConnectionsPerAddress;
        if (attack.holds) await eventually(() => openDescriptors() >= baseline + perAddress);
        else await new Promise((resolve) => setTimeout(resolve, 1500));
        // While the attack holds every connection 127.0.0.1 may have, phones elsewhere are served.
        const during = await phoneFetch('127.0.0.2');
        expect(during.code).toBe(0);
        expect(during.body).toContain('<Default>');
        if (attack.holds) expect(openDescriptors()).toBeGreaterThanOrEqual(baseline + perAddress);
        else expect(openDescriptors()).toBeLessThan(baseline + 5);
        // The node's timeouts free every socket and file well before the attacker's 30 s are up.
        await eventually(() => openDescriptors() <= baseline, 20_000);
        // If the attack is over, it is because the node closed all it had, not because its time was up.
        if (attackOver) expect(report).toContain('No open connections left');
      } finally {
        child.kill();
        await ended;
      }
    },
  );

  it('the attacks were refused at the limits, and said so', () => {
    expect(refusals('provisioningHttpMaxConnectionsPerAddress')).toBeGreaterThan(0);
    expect(refusals('provisioningHttpRequestTimeoutSeconds')).toBeGreaterThan(0);
    expect(refusals('provisioningHttpIdleTimeoutSeconds')).toBeGreaterThan(0);
    const lines = t.logs.filter((l) => l.component === 'limits').map((l) => String(l.msg));
    expect(lines.some((m) => m.includes('--provisioning-http-max-connections-per-address'))).toBe(true);
  });
});

/** A raw connection from `from` that sends `request` and never reads. */
function stalledClient(from: string, request: string, to = port): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: to, localAddress: from }, () => {
      socket.pause();
      socket.write(request);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('greedy clients', () => {
  it('a client that asks for a large firmware file and never reads is cut off, its file closed', async () => {
    const baseline = openDescriptors();
    const before = refusals('provisioningHttpIdleTimeoutSeconds');
    const socket = await stalledClient('127.0.0.3', `GET /${FIRMWARE} HTTP/1.1\r\nHost: x\r\n\r\n`);
    // The client's socket, the node's and the open file are held while the response waits...
    await eventually(() => openDescriptors() >= baseline + 3);
    // ...until the idle timeout ends the node's two (the client's own socket is still open here).
    await eventually(() => openDescriptors() <= baseline + 1);
    expect(refusals('provisioningHttpIdleTimeoutSeconds')).toBe(before + 1);
    socket.destroy();
    await eventually(() => openDescriptors() <= baseline);
  });

  it('a connection pipelining more requests than it may queue is closed, holding one file at a time', async () => {
    const baseline = openDescriptors();
    const before = refusals('provisioningHttpMaxQueuedRequests');
    const socket = await stalledClient(
      '127.0.0.6',
      `GET /${FIRMWARE} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(200),
    );
    await eventually(() => refusals('provisioningHttpMaxQueuedRequests') === before + 1);
    // The node closed its side and the file it had opened for the first request.
    await eventually(() => openDescriptors() <= baseline + 1);
    socket.destroy();
    await eventually(() => openDescriptors() <= baseline);
  });
});

describe('connection limits', () => {
  it('a connection over the per-address or the total limit is answered 503; others are served', async () => {
    const node = await startTestNode({
      config: { provisioningHttpMaxConnectionsPerAddress: 5, provisioningHttpMaxConnections: 8 },
    });
    const to = node.node.ports.provisioningHttp!;
    /** What a new connection from `from` is told before it can send anything. */
    const answer = (from: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port: to, localAddress: from });
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('close', () => resolve(text));
        setTimeout(() => socket.destroy(), 1000);
      });
    const open = (from: string, count: number) =>
      Promise.all(Array.from({ length: count }, () => stalledClient(from, '', to)));
    try {
      const held = [...(await open('127.0.0.4', 5)), ...(await open('127.0.0.5', 3))];
      const perAddress = await answer('127.0.0.4');
      expect(perAddress).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(perAddress).toContain('Too many connections; retry later');
      expect(refusals('provisioningHttpMaxConnectionsPerAddress', node)).toBe(1);
      expect(await answer('127.0.0.6')).toMatch(/^HTTP\/1\.1 503 /);
      expect(refusals('provisioningHttpMaxConnections', node)).toBe(1);
      held.slice(5).forEach((s) => s.destroy());
      await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${to}/XMLDefault.cnf.xml`).catch(() => null);
        return response?.status === 200 ? true : (await response?.text(), false);
      });
      held.forEach((s) => s.destroy());
    } finally {
      await node.destroy();
    }
  });
});
