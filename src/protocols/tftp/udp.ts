/**
 * UDP socket helpers for the TFTP server: bind with a clear failure, send without throwing, close once.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { TftpPeer } from '../../services/file-source.js';

/** Binds a UDP socket; rejects with the raw bind error (callers explain it). */
export function bindUdp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    const onError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** Sends a datagram; a failure (peer unreachable, socket closed) is reported, never thrown. */
export function sendUdp(
  socket: Socket,
  packet: Buffer,
  to: TftpPeer,
  onError: (error: Error) => void,
  onDone: () => void = () => undefined,
): void {
  try {
    socket.send(packet, to.port, to.address, (error) => {
      if (error) onError(error);
      onDone();
    });
  } catch (error) {
    // dgram throws synchronously (ERR_SOCKET_DGRAM_NOT_RUNNING) when the socket was closed meanwhile.
    onError(error instanceof Error ? error : new Error(String(error)));
    onDone();
  }
}

/**
 * A socket that remembers its sends in flight, so that closing it right after a final ERROR does not
 * cancel that ERROR on its way out.
 */
export class UdpEndpoint {
  private inflight = 0;
  private drained: Array<() => void> = [];
  private closing: Promise<void> | null = null;

  constructor(
    readonly socket: Socket,
    private readonly onSendError: (error: Error, to: TftpPeer) => void,
  ) {}

  send(packet: Buffer, to: TftpPeer): void {
    this.inflight += 1;
    sendUdp(
      this.socket,
      packet,
      to,
      (error) => this.onSendError(error, to),
      () => this.sent(),
    );
  }

  /** Waits for sends in flight, then closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.inflight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
      await closeUdp(this.socket);
    })();
    return this.closing;
  }

  private sent(): void {
    this.inflight -= 1;
    if (this.inflight === 0) for (const resolve of this.drained.splice(0)) resolve();
  }
}

/** Closes a socket; resolves when closed, also when it already was. */
export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed.
      resolve();
    }
  });
}

/** The error start() rejects with: names the address, the port, the cause and the flag to change it. */
export function listenError(host: string, port: number, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  let remedy: string;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      remedy =
        'choose another port with --tftp-port or run with the needed privilege (ports below 1024 need root or CAP_NET_BIND_SERVICE)';
      break;
    case 'EADDRINUSE':
      remedy =
        'another program already uses it (often tftpd-hpa): stop it, or choose another port with --tftp-port';
      break;
    case 'EADDRNOTAVAIL':
      remedy =
        'this machine has no such address: choose another with --bind, or another port with --tftp-port';
      break;
    default:
      remedy = 'choose another port with --tftp-port or another address with --bind';
  }
  return new Error(`cannot listen for TFTP on ${host}:${port} (${code}): ${remedy}`, { cause });
}
