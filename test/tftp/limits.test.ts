/**
 * The TFTP server's bounds: transfers per source address and in all ("Server busy", error 0, as real
 * clients show it), the client's timeout option, and a lossy client that still gets its file while a
 * silent (possibly forged) one costs two packets.
 */
import type { Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePacket, encodePacket } from '../../src/protocols/tftp/index.js';
import type { TftpPacket } from '../../src/protocols/tftp/index.js';
import { LimitLog } from '../../src/services/limit-log.js';
import { BIG_NAME, SMALL_NAME, startFixture } from './helpers/fixture.js';
import type { Fixture } from './helpers/fixture.js';
import { runClient } from './helpers/run-client.js';
import { HOST, closeSocket, openSocket, sha256, tftpGet, waitFor } from './helpers/udp-client.js';

let fx: Fixture | undefined;
const held: Socket[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => closeSocket(s)));
  await fx?.stop();
  fx = undefined;
});

function limitLog() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log: new LimitLog(logger), lines };
}

const rrq = (fileName: string, options: Array<[string, string]> = []) =>
  encodePacket({ type: 'rrq', fileName, mode: 'octet', options: new Map(options) });

/** A client socket (closed after the test) and every packet it receives, decoded. */
async function listeningClient(): Promise<{ socket: Socket; packets: TftpPacket[] }> {
  const socket = await openSocket();
  held.push(socket);
  const packets: TftpPacket[] = [];
  socket.on('message', (datagram) => {
    const decoded = decodePacket(datagram);
    if (decoded.ok) packets.push(decoded.packet);
  });
  return { socket, packets };
}

/** A client at `address` that asks for the big file, gets DATA 1 and never acknowledges it. */
async function holdTransfer(port: number, address: string): Promise<void> {
  const socket = await openSocket(address);
  held.push(socket);
  const first = new Promise<TftpPacket | null>((resolve) =>
    socket.once('message', (datagram) => {
      const decoded = decodePacket(datagram);
      resolve(decoded.ok ? decoded.packet : null);
    }),
  );
  socket.send(rrq(BIG_NAME), port, HOST);
  expect(await first).toMatchObject({ type: 'data', block: 1 });
}

describe('transfers per source address and in all', () => {
  it('answers a request over the per-address limit "Server busy" (error 0), serves other addresses', async () => {
    const { log, lines } = limitLog();
    fx = await startFixture({ maxTransfersPerAddress: 2, maxTransfers: 100, timeoutMs: 30_000, limits: log });
    await holdTransfer(fx.port, '127.0.0.1');
    await holdTransfer(fx.port, '127.0.0.1');

    const busy = 'Server busy: too many transfers from your address, retry later';
    expect(await tftpGet(fx.port, SMALL_NAME)).toMatchObject({ ok: false, code: 0, message: busy });
    // What real clients make of it: tftp-hpa and atftp print the text, curl fails (71: TFTP illegal operation).
    const hpa = await runClient(
      'tftp',
      ['-m', 'binary', HOST, String(fx.port), '-c', 'get', SMALL_NAME, join(fx.outDir, 'hpa')],
      fx.outDir,
    );
    expect(hpa.output).toContain(`Error code 0: ${busy}`);
    const atftp = await runClient(
      'atftp',
      ['-g', '-r', SMALL_NAME, '-l', join(fx.outDir, 'atftp'), HOST, String(fx.port)],
      fx.outDir,
    );
    expect(atftp.output).toContain(busy);
    expect(atftp.code).not.toBe(0);
    const curl = await runClient(
      'curl',
      ['-s', '-S', `tftp://${HOST}:${fx.port}/${SMALL_NAME}`, '-o', join(fx.outDir, 'curl')],
      fx.outDir,
    );
    expect(curl.code).toBe(71);

    // Another address is not held up by this one.
    const other = await tftpGet(fx.port, SMALL_NAME, { localAddress: '127.0.0.2', keepData: true });
    expect(other.ok && other.data?.equals(fx.files[SMALL_NAME])).toBe(true);

    // Each refusal is counted; the log says it once per address and interval, with the remedy.
    expect(log.totals().get('tftpMaxTransfersPerAddress')).toBe(4);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ limit: 'tftpMaxTransfersPerAddress', address: '127.0.0.1' });
    expect(lines[0].msg).toContain('2 transfers from this address are already in progress');
    expect(lines[0].msg).toContain('--tftp-max-transfers-per-address');
    expect(fx.events.filter((e) => e.type === 'refused-busy')).toHaveLength(4);
  });

  it('answers "Server busy" over the total limit, and serves again once transfers end', async () => {
    const { log } = limitLog();
    fx = await startFixture({ maxTransfersPerAddress: 10, maxTransfers: 3, timeoutMs: 200, limits: log });
    await holdTransfer(fx.port, '127.0.0.1');
    await holdTransfer(fx.port, '127.0.0.2');
    await holdTransfer(fx.port, '127.0.0.3');
    expect(await tftpGet(fx.port, SMALL_NAME, { localAddress: '127.0.0.4' })).toMatchObject({
      ok: false,
      code: 0,
      message: 'Server busy: too many transfers in progress, retry later',
    });
    expect(log.totals().get('tftpMaxTransfers')).toBe(1);
    // The silent transfers give up (DATA 1 twice): their slots are free again.
    await waitFor(() => fx!.server.activeTransfers === 0);
    const again = await tftpGet(fx.port, SMALL_NAME, { localAddress: '127.0.0.4' });
    expect(again.ok).toBe(true);
  });

  it('a refused write holds a slot only while it is answered', async () => {
    fx = await startFixture({ maxTransfersPerAddress: 1 });
    for (let i = 0; i < 3; i++) {
      const run = await runClient(
        'tftp',
        ['-m', 'binary', HOST, String(fx.port), '-c', 'put', '/etc/hostname', 'x.txt'],
        fx.outDir,
      );
      expect(run.output).toContain('Error code 2');
    }
    expect(fx.events.filter((e) => e.type === 'refused-busy')).toEqual([]);
  });
});

describe('error answers per source address', () => {
  it('a flood from one address draws at most the budget of answers; others are still answered', async () => {
    const { log } = limitLog();
    fx = await startFixture({ errorRepliesPerSecond: 20, limits: log });
    const flood = await openSocket();
    held.push(flood);
    let answers = 0;
    let answeredBytes = 0;
    flood.on('message', (d) => {
      answers++;
      answeredBytes += d.length;
    });
    // 2-byte datagrams that each draw a 27-byte "Illegal TFTP operation" when answered.
    const garbage = Buffer.from([0, 3]);
    const started = Date.now();
    for (let i = 0; i < 500; i++) {
      flood.send(garbage, fx.port, HOST);
      // In bursts the request port's receive buffer holds, so that every datagram is counted.
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => (log.totals().get('tftpErrorRepliesPerAddress') ?? 0) + answers >= 500);
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(answers).toBeLessThanOrEqual(20 * seconds);
    expect(answeredBytes).toBeLessThan(500 * garbage.length * 2);
    // A phone elsewhere is answered as usual.
    expect(await tftpGet(fx.port, 'missing.cnf', { localAddress: '127.0.0.2' })).toMatchObject({
      ok: false,
      code: 1,
    });
  });
});

describe('the client timeout option (RFC 2349)', () => {
  it('leaves a timeout above the limit out of the OACK and retransmits on the server timeout', async () => {
    const { log } = limitLog();
    fx = await startFixture({ maxTimeoutSeconds: 5, timeoutMs: 300, limits: log });
    const { socket, packets } = await listeningClient();
    socket.send(
      rrq(BIG_NAME, [
        ['timeout', '255'],
        ['tsize', '0'],
      ]),
      fx.port,
      HOST,
    );
    // Not 255 s: the OACK comes again after the server's own timeout, and the transfer is given up.
    await waitFor(() => fx!.events.some((e) => e.type === 'timed-out'), 10_000);
    expect(packets[0]).toEqual({
      type: 'oack',
      options: new Map([['tsize', String(fx.files[BIG_NAME].length)]]),
    });
    expect(packets.map((p) => p.type)).toEqual(['oack', 'oack']);
    expect(log.totals().get('tftpMaxTimeoutSeconds')).toBe(1);

    // A timeout within the limit is echoed, as RFC 2349 requires.
    const within = await tftpGet(fx.port, SMALL_NAME, { tsize: true });
    expect(within.ok).toBe(true);
    const socket2 = await openSocket();
    held.push(socket2);
    const reply = new Promise<TftpPacket | null>((resolve) =>
      socket2.once('message', (d) => {
        const decoded = decodePacket(d);
        resolve(decoded.ok ? decoded.packet : null);
      }),
    );
    socket2.send(rrq(SMALL_NAME, [['timeout', '5']]), fx.port, HOST);
    expect(await reply).toEqual({ type: 'oack', options: new Map([['timeout', '5']]) });
  });
});

/**
 * A UDP relay between a real client and the server that drops the first `drop` copies of DATA 1:
 * a lossy link. The client talks to the relay's port as if it were the server.
 */
async function lossyRelay(serverPort: number, drop: number) {
  const facingClient = await openSocket();
  const facingServer = await openSocket();
  let client: { address: string; port: number } | null = null;
  let transferPort = 0;
  let dropped = 0;
  let data1 = 0;
  facingClient.on('message', (datagram, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    const opcode = datagram.readUInt16BE(0);
    facingServer.send(datagram, opcode === 1 ? serverPort : transferPort, HOST);
  });
  facingServer.on('message', (datagram, rinfo) => {
    transferPort = rinfo.port;
    const decoded = decodePacket(datagram);
    if (decoded.ok && decoded.packet.type === 'data' && decoded.packet.block === 1) {
      data1++;
      if (dropped < drop) {
        dropped++;
        return;
      }
    }
    if (client) facingClient.send(datagram, client.port, client.address);
  });
  return {
    port: facingClient.address().port,
    copiesOfData1: () => data1,
    close: () => Promise.all([closeSocket(facingClient), closeSocket(facingServer)]),
  };
}

describe('a client that has acknowledged nothing (maybe forged)', () => {
  it('gets DATA 1 again at once for a repeated RRQ, and nothing for further repeats', async () => {
    fx = await startFixture({ timeoutMs: 30_000 });
    const { socket, packets } = await listeningClient();
    socket.send(rrq(BIG_NAME), fx.port, HOST);
    await waitFor(() => packets.length === 1);
    // Long before the server's 30 s timeout, the repeat brings DATA 1 back.
    socket.send(rrq(BIG_NAME), fx.port, HOST);
    await waitFor(() => packets.length === 2);
    for (let i = 0; i < 10; i++) socket.send(rrq(BIG_NAME), fx.port, HOST);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(packets.map((p) => (p.type === 'data' ? `data ${p.block}` : p.type))).toEqual([
      'data 1',
      'data 1',
    ]);
    expect(fx.events.filter((e) => e.type === 'read-started')).toHaveLength(1);
  });
});

describe('a real client on a lossy link', () => {
  it.each([1, 2])('tftp-hpa gets its file when the first %i copies of DATA 1 are lost', async (drop) => {
    fx = await startFixture({ timeoutMs: 500 });
    const relay = await lossyRelay(fx.port, drop);
    try {
      const out = join(fx.outDir, `lossy-${drop}`);
      // tftp-hpa repeats its RRQ when nothing comes back (every 5 s by default, gives up after 25 s).
      const run = await runClient(
        'tftp',
        ['-m', 'binary', HOST, String(relay.port), '-c', 'get', SMALL_NAME, out],
        fx.outDir,
        30_000,
      );
      expect(run.output).not.toMatch(/error|timed out/i);
      expect(sha256(await readFile(out))).toBe(sha256(fx.files[SMALL_NAME]));
      expect(relay.copiesOfData1()).toBeGreaterThan(drop);
    } finally {
      await relay.close();
    }
  });
});
