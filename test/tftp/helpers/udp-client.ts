/**
 * A small lock-step TFTP read client for tests: many of them run at once (the concurrency test), and it
 * can send what real clients cannot (a NUL in a name, raw datagrams).
 */
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { decodePacket, encodePacket } from '../../../src/protocols/tftp/index.js';
import type { TftpPacket } from '../../../src/protocols/tftp/index.js';

export const HOST = '127.0.0.1';

export interface GetOptions {
  blksize?: number;
  tsize?: boolean;
  /** Wait before resending our last packet, ms. */
  timeoutMs?: number;
  retries?: number;
  /** Keep the bytes (default: only their SHA-256, so 200 × 3 MB does not sit in memory). */
  keepData?: boolean;
  /** Source address (any of 127.0.0.0/8); default 127.0.0.1. */
  localAddress?: string;
}

export type GetResult =
  | {
      ok: true;
      bytes: number;
      sha256: string;
      data: Buffer | null;
      oack: Map<string, string> | null;
      serverPort: number;
    }
  | { ok: false; code: number; message: string; serverPort: number };

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function openSocket(localAddress = HOST): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, localAddress, () => resolve(socket));
  });
}

export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/** Reads `fileName` from the server at `port`. Rejects only when the server stops answering. */
export async function tftpGet(port: number, fileName: string, options: GetOptions = {}): Promise<GetResult> {
  const socket = await openSocket(options.localAddress);
  try {
    return await runGet(socket, port, fileName, options);
  } finally {
    await closeSocket(socket);
  }
}

function runGet(socket: Socket, port: number, fileName: string, options: GetOptions): Promise<GetResult> {
  const requested = new Map<string, string>();
  if (options.tsize) requested.set('tsize', '0');
  if (options.blksize !== undefined) requested.set('blksize', String(options.blksize));
  const timeoutMs = options.timeoutMs ?? 1000;
  const retries = options.retries ?? 5;

  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let blockSize = 512;
    let expected = 1;
    let bytes = 0;
    let serverPort = 0;
    let oack: Map<string, string> | null = null;
    let last = encodePacket({ type: 'rrq', fileName, mode: 'octet', options: requested });
    let lastTo = port;
    let attempts = 0;
    let timer: NodeJS.Timeout | undefined;

    const send = (packet: Buffer, to: number): void => {
      last = packet;
      lastTo = to;
      socket.send(packet, to, HOST);
      arm();
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (++attempts > retries) {
          socket.removeAllListeners('message');
          reject(
            new Error(
              `no answer for ${JSON.stringify(fileName)} after ${retries} retries (block ${expected})`,
            ),
          );
          return;
        }
        socket.send(last, lastTo, HOST);
        arm();
      }, timeoutMs);
    };
    const finish = (result: GetResult): void => {
      clearTimeout(timer);
      socket.removeAllListeners('message');
      resolve(result);
    };

    socket.on('message', (datagram, rinfo) => {
      if (serverPort === 0) serverPort = rinfo.port;
      if (rinfo.port !== serverPort) return;
      const decoded = decodePacket(datagram);
      if (!decoded.ok) return;
      const packet: TftpPacket = decoded.packet;
      attempts = 0;
      switch (packet.type) {
        case 'error':
          finish({ ok: false, code: packet.code, message: packet.message, serverPort });
          return;
        case 'oack':
          if (expected !== 1 || bytes !== 0) return;
          oack = new Map(packet.options);
          blockSize = Number(packet.options.get('blksize') ?? 512);
          send(encodePacket({ type: 'ack', block: 0 }), serverPort);
          return;
        case 'data': {
          if (packet.block === ((expected - 1) & 0xffff)) {
            // Our ACK was lost: say it again.
            send(encodePacket({ type: 'ack', block: packet.block }), serverPort);
            return;
          }
          if (packet.block !== (expected & 0xffff)) return;
          hash.update(packet.data);
          if (options.keepData) kept.push(Buffer.from(packet.data));
          bytes += packet.data.length;
          expected += 1;
          if (packet.data.length < blockSize) {
            const result: GetResult = {
              ok: true,
              bytes,
              sha256: hash.digest('hex'),
              data: options.keepData ? Buffer.concat(kept) : null,
              oack,
              serverPort,
            };
            clearTimeout(timer);
            // Resolve (and let the caller close the socket) only once the final ACK has left.
            socket.send(encodePacket({ type: 'ack', block: packet.block }), serverPort, HOST, () =>
              finish(result),
            );
          } else {
            socket.send(encodePacket({ type: 'ack', block: packet.block }), serverPort, HOST);
            last = encodePacket({ type: 'ack', block: packet.block });
            lastTo = serverPort;
            arm();
          }
          return;
        }
        default:
          return;
      }
    });
    send(last, port);
  });
}

/** Sends one datagram from a fresh port and collects what comes back within `waitMs`. */
export async function exchange(
  port: number,
  datagram: Buffer,
  waitMs = 300,
): Promise<Array<{ packet: TftpPacket | null; port: number }>> {
  const socket = await openSocket();
  const replies: Array<{ packet: TftpPacket | null; port: number }> = [];
  socket.on('message', (reply, rinfo) => {
    const decoded = decodePacket(reply);
    replies.push({ packet: decoded.ok ? decoded.packet : null, port: rinfo.port });
  });
  socket.send(datagram, port, HOST);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  await closeSocket(socket);
  return replies;
}

/** Polls `condition` until true; the server may still be reading the last ACKs when clients are done. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
