/**
 * The server under abuse and failure: garbage datagrams, stray packets from a wrong port, repeated
 * requests, silent clients, a listener that throws, stop() mid-transfer, a port already taken.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TftpServer, bufferFile, decodePacket, encodePacket } from '../../src/protocols/tftp/index.js';
import type { TftpEvent, TftpFileSource, TftpPacket } from '../../src/protocols/tftp/index.js';
import { BIG_NAME, SMALL_NAME, startFixture } from './helpers/fixture.js';
import type { Fixture } from './helpers/fixture.js';
import { HOST, closeSocket, exchange, openSocket, sha256, tftpGet, waitFor } from './helpers/udp-client.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

const rrq = (fileName: string, options: Array<[string, string]> = []) =>
  encodePacket({ type: 'rrq', fileName, mode: 'octet', options: new Map(options) });

describe('garbage on the request port', () => {
  it('answers malformed datagrams with error 4 (or drops them) and keeps serving', async () => {
    fx = await startFixture();
    const garbage: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([1]),
      Buffer.from([0, 0]),
      Buffer.from([0, 99, 1, 2, 3]),
      Buffer.from([0, 1, 0x41, 0x42]), // RRQ without terminator
      Buffer.from([0, 1, 0x41, 0]), // RRQ without mode
      Buffer.from('\x00\x01file\x00binary\x00'), // unknown mode
      encodePacket({ type: 'data', block: 1, data: Buffer.from('hi') }),
      encodePacket({ type: 'ack', block: 7 }),
      encodePacket({ type: 'oack', options: new Map() }),
      encodePacket({ type: 'error', code: 0, message: 'late error' }),
    ];
    const noise: Buffer[] = [randomBytes(1200), randomBytes(60_000)];
    for (let i = 0; i < 300; i++) noise.push(randomBytes(1 + (i % 100)));
    const socket = await openSocket();
    const replies: Buffer[] = [];
    socket.on('message', (reply) => replies.push(reply));
    for (const datagram of garbage) socket.send(datagram, fx.port, HOST);
    await waitFor(() => replies.length >= garbage.length - 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Every one but the ERROR (RFC 1350 §7: errors are not answered) gets error 4, and is reported.
    const illegal = encodePacket({ type: 'error', code: 4, message: 'Illegal TFTP operation' });
    expect(replies).toEqual(Array.from({ length: garbage.length - 1 }, () => illegal));
    expect(fx.events.filter((e) => e.type === 'malformed')).toHaveLength(garbage.length - 1);
    // The first is written at once; the rest are folded into one line with their count (log-flood.test.ts).
    expect(
      fx.logs.filter(
        (l) => l.msg === 'TFTP malformed or unexpected datagram; answered "Illegal TFTP operation"',
      ),
    ).toHaveLength(1);

    for (const datagram of noise) socket.send(datagram, fx.port, HOST);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closeSocket(socket);

    const result = await tftpGet(fx.port, SMALL_NAME, { keepData: true });
    expect(result.ok && result.data?.equals(fx.files[SMALL_NAME])).toBe(true);
  });
});

/** Sends one UDP datagram from 127.0.0.1 port 0, which only a raw socket (root) can forge. */
function sendFromPortZero(port: number, payload: Buffer): Promise<void> {
  const script = [
    'import socket, struct, sys',
    'payload = bytes.fromhex(sys.argv[2])',
    's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)',
    "s.sendto(struct.pack('!HHHH', 0, int(sys.argv[1]), 8 + len(payload), 0) + payload, ('127.0.0.1', 0))",
  ].join('\n');
  return new Promise((resolve, reject) =>
    execFile('python3', ['-c', script, String(port), payload.toString('hex')], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

describe('source port 0', () => {
  // Forging a source port takes a raw socket: root, as in CI.
  it.skipIf(process.getuid?.() !== 0)(
    'an RRQ from port 0 is dropped: no transfer, nothing sent',
    async () => {
      fx = await startFixture();
      await sendFromPortZero(fx.port, rrq(BIG_NAME));
      await waitFor(() => fx!.logs.some((l) => String(l.msg).includes('source port 0 dropped')));
      expect(fx.events).toEqual([]);
      expect(fx.server.activeTransfers).toBe(0);
      // An ordinary request right after is served.
      expect((await tftpGet(fx.port, SMALL_NAME)).ok).toBe(true);
    },
  );
});

describe('transfer identifiers', () => {
  it('answers a packet from a wrong port with error 5 and finishes the real transfer', async () => {
    fx = await startFixture();
    const client = await openSocket();
    const stranger = await openSocket();
    const strangerReplies: Buffer[] = [];
    stranger.on('message', (reply) => strangerReplies.push(reply));
    const blocks: Buffer[] = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (datagram, rinfo) => {
        const block = datagram.readUInt16BE(2);
        if (block === 1) {
          // Before acknowledging, a stranger pokes the transfer port.
          stranger.send(encodePacket({ type: 'ack', block: 1 }), rinfo.port, HOST);
        }
        blocks.push(datagram.subarray(4));
        client.send(encodePacket({ type: 'ack', block }), rinfo.port, HOST);
        if (datagram.length - 4 < 512) resolve();
      });
    });
    client.send(rrq(SMALL_NAME), fx.port, HOST);
    await done;
    await waitFor(() => strangerReplies.length > 0);
    expect(strangerReplies[0]).toEqual(
      encodePacket({ type: 'error', code: 5, message: 'Unknown transfer ID' }),
    );
    expect(Buffer.concat(blocks).equals(fx.files[SMALL_NAME])).toBe(true);
    await waitFor(() => fx!.events.some((e) => e.type === 'read-completed'));
    await Promise.all([closeSocket(client), closeSocket(stranger)]);
  });

  it('a repeated RRQ from the same port does not start a second transfer', async () => {
    fx = await startFixture();
    const client = await openSocket();
    const ports = new Set<number>();
    client.on('message', (_datagram, rinfo) => ports.add(rinfo.port));
    client.send(rrq(SMALL_NAME), fx.port, HOST);
    client.send(rrq(SMALL_NAME), fx.port, HOST);
    client.send(rrq(SMALL_NAME), fx.port, HOST);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ports.size).toBe(1);
    expect(fx.events.filter((e) => e.type === 'read-started')).toHaveLength(1);
    await closeSocket(client);
  });
});

describe('clients starting over', () => {
  it('the same RRQ after DATA 1 was acknowledged starts a fresh transfer from a new port', async () => {
    fx = await startFixture();
    const client = await openSocket();
    const seen: Array<{ port: number; block: number }> = [];
    let next: (value: { port: number; block: number }) => void = () => undefined;
    client.on('message', (datagram, rinfo) => {
      const entry = { port: rinfo.port, block: datagram.readUInt16BE(2) };
      seen.push(entry);
      next(entry);
    });
    const receive = () => new Promise<{ port: number; block: number }>((resolve) => (next = resolve));
    let reply = receive();
    client.send(rrq(BIG_NAME), fx.port, HOST);
    const first = await reply;
    reply = receive();
    client.send(encodePacket({ type: 'ack', block: 1 }), first.port, HOST);
    expect(await reply).toEqual({ port: first.port, block: 2 });
    // The phone reboots its TFTP client but reuses its source port.
    reply = receive();
    client.send(rrq(BIG_NAME), fx.port, HOST);
    const restarted = await reply;
    expect(restarted.block).toBe(1);
    expect(restarted.port).not.toBe(first.port);
    await waitFor(() => fx!.server.activeTransfers === 1);
    expect(fx.events.filter((e) => e.type === 'read-started')).toHaveLength(2);
    await closeSocket(client);
  });
});

describe('file source faults', () => {
  it('answers error 1 when the source throws, and says why in the event', async () => {
    const events: TftpEvent[] = [];
    const server = new TftpServer({
      host: '127.0.0.1',
      port: 0,
      files: {
        open: async () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      },
      logger: pino({ level: 'silent' }),
      onEvent: (event) => events.push(event),
    });
    const { port } = await server.start();
    try {
      expect(await tftpGet(port, 'SEPAAAABBBBCCCC.cnf.xml')).toMatchObject({ ok: false, code: 1 });
      expect(events).toMatchObject([
        { type: 'not-found', detail: 'could not open: EACCES: permission denied' },
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe('silent clients', () => {
  it('sends DATA 1 once more to a client that never acknowledges (maybe forged), then gives up silently', async () => {
    fx = await startFixture({ timeoutMs: 60, maxRetries: 2 });
    const replies = await exchange(fx.port, rrq(BIG_NAME), 600);
    expect(replies.map((r) => r.packet?.type)).toEqual(['data', 'data']);
    expect(replies.every((r) => r.packet?.type === 'data' && r.packet.block === 1)).toBe(true);
    expect(new Set(replies.map((r) => r.port)).size).toBe(1);
    const timedOut = fx.events.find((e) => e.type === 'timed-out');
    expect(timedOut).toMatchObject({
      file: BIG_NAME,
      bytes: 0,
      detail: expect.stringContaining('no ACK 1 after 1 retransmissions'),
    });
    expect(fx.server.activeTransfers).toBe(0);
  });

  it('retransmits the full budget to a client that acknowledged, then gives up', async () => {
    fx = await startFixture({ timeoutMs: 300, maxRetries: 2 });
    const client = await openSocket();
    const replies: TftpPacket[] = [];
    client.on('message', (datagram, rinfo) => {
      const decoded = decodePacket(datagram);
      if (!decoded.ok) return;
      replies.push(decoded.packet);
      // Acknowledges DATA 1 (every copy of it), then goes silent.
      if (decoded.packet.type === 'data' && decoded.packet.block === 1)
        client.send(encodePacket({ type: 'ack', block: 1 }), rinfo.port, HOST);
    });
    client.send(rrq(BIG_NAME), fx.port, HOST);
    // The ERROR is sent as the transfer ends: the event can be seen before the datagram arrives.
    await waitFor(
      () => fx!.events.some((e) => e.type === 'timed-out') && replies.some((p) => p.type === 'error'),
    );
    await closeSocket(client);
    const shown = replies.map((p) => (p.type === 'data' ? `data ${p.block}` : p.type));
    // DATA 2, then its two retransmissions, then the ERROR that tells the client it is over.
    expect(shown.filter((p) => p !== 'data 1')).toEqual(['data 2', 'data 2', 'data 2', 'error']);
  });

  it('a client that never answers the OACK times out too', async () => {
    fx = await startFixture({ timeoutMs: 60, maxRetries: 1 });
    const replies = await exchange(fx.port, rrq(SMALL_NAME, [['blksize', '1428']]), 400);
    expect(replies.map((r) => r.packet?.type)).toEqual(['oack', 'oack']);
    expect(fx.events.at(-1)).toMatchObject({ type: 'timed-out', file: SMALL_NAME });
  });
});

describe('lifecycle', () => {
  it('stop() closes transfers in progress and the listening port', async () => {
    fx = await startFixture();
    const client = await openSocket();
    const got = new Promise<number>((resolve) => client.once('message', (_d, rinfo) => resolve(rinfo.port)));
    client.send(rrq(BIG_NAME), fx.port, HOST); // never acknowledged
    await got;
    expect(fx.server.activeTransfers).toBe(1);
    await fx.server.stop();
    expect(fx.server.activeTransfers).toBe(0);
    const after = await exchange(fx.port, rrq(SMALL_NAME), 200);
    expect(after).toEqual([]);
    await closeSocket(client);
  });

  it('start() on a taken port rejects naming the address, the port and --tftp-port', async () => {
    fx = await startFixture();
    const second = new TftpServer({
      host: '127.0.0.1',
      port: fx.port,
      files: { open: async () => null },
      logger: pino({ level: 'silent' }),
    });
    await expect(second.start()).rejects.toThrow(
      new RegExp(`^cannot listen for TFTP on 127\\.0\\.0\\.1:${fx.port} \\(EADDRINUSE\\): .*--tftp-port`),
    );
    await second.stop();
  });

  it('rejects a maxBlockSize outside RFC 2348', () => {
    expect(
      () =>
        new TftpServer({
          port: 0,
          files: { open: async () => null },
          logger: pino({ level: 'silent' }),
          maxBlockSize: 70_000,
        }),
    ).toThrow(/maxBlockSize/);
  });
});

describe('generated files and listeners', () => {
  it('serves in-memory files from a custom source, honours maxBlockSize, survives a throwing listener', async () => {
    const configs = new Map([
      ['SEP0011223344AA.cnf.xml', Buffer.from('<device><fullConfig>true</fullConfig></device>'.repeat(500))],
    ]);
    const source: TftpFileSource = {
      open: async (name) => {
        const data = configs.get(name);
        return data ? bufferFile(data) : null;
      },
    };
    const seen: TftpEvent[] = [];
    const server = new TftpServer({
      host: '127.0.0.1',
      port: 0,
      files: source,
      logger: pino({ level: 'silent' }),
      maxBlockSize: 1024,
      onEvent: (event) => {
        seen.push(event);
        throw new Error('listener bug');
      },
    });
    const { port, host } = await server.start();
    expect(host).toBe('127.0.0.1');
    try {
      const result = await tftpGet(port, '/SEP0011223344AA.cnf.xml', { blksize: 1468, tsize: true });
      const size = configs.get('SEP0011223344AA.cnf.xml')!.length;
      expect(result).toMatchObject({
        ok: true,
        oack: new Map([
          ['tsize', String(size)],
          ['blksize', '1024'],
        ]),
      });
      expect(result.ok && result.sha256).toBe(sha256(configs.get('SEP0011223344AA.cnf.xml')!));
      await waitFor(() => seen.some((e) => e.type === 'read-completed'));
      expect(seen.map((e) => e.type)).toEqual(['read-started', 'read-completed']);
      expect(seen[1]).toMatchObject({
        file: 'SEP0011223344AA.cnf.xml',
        bytes: size,
        peer: { address: '127.0.0.1' },
      });
    } finally {
      await server.stop();
    }
  });
});
