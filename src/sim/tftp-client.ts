/**
 * The phone's TFTP client: reads one file (RFC 1350 read request, octet mode), optionally with
 * blksize negotiation (RFC 2348). Uses the packet codec of the TFTP server.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { TftpErrorCode, decodePacket, encodePacket } from '../protocols/tftp/packets.js';

export interface TftpGetOptions {
  host: string;
  port: number;
  /** Source address to bind (the simulated phone's IP). */
  localAddress?: string;
  /** Wait before retransmitting, ms (default 1000). */
  timeoutMs?: number;
  /** Retransmissions before giving up (default 4). */
  retries?: number;
  /** Ask for this block size (RFC 2348); default none: plain 512-byte blocks. */
  blockSize?: number;
  /** Refuse files larger than this (default 64 MiB). */
  maxBytes?: number;
}

export type TftpFailure = 'not-found' | 'error' | 'timeout' | 'too-large';

/** A read that did not deliver the file; `kind` says why, the message says it to a person. */
export class TftpFetchError extends Error {
  constructor(
    readonly kind: TftpFailure,
    readonly file: string,
    message: string,
    readonly tftpCode?: number,
  ) {
    super(message);
  }
}

const MAX_BLOCK = 0xffff;

/** Reads `file` from the TFTP server; resolves with its bytes. */
export function tftpGet(file: string, options: TftpGetOptions): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const retries = options.retries ?? 4;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const where = `${options.host}:${options.port}`;
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
    const chunks: Buffer[] = [];
    let received = 0;
    let blockSize = 512;
    let expected = 1;
    let serverPort: number | null = null;
    let last: Buffer;
    let sentTo = options.port;
    let attempts = 0;
    let timer: NodeJS.Timeout | null = null;
    let done = false;

    let finalAck: Buffer | null = null;
    const finish = (error: Error | null, data?: Buffer) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      if (error) {
        socket.close();
        reject(error);
        return;
      }
      resolve(data as Buffer);
      // RFC 1350 §6: the host sending the final ACK is "encouraged to dally": a lost final ACK gets the last DATA again.
      setTimeout(() => socket.close(), Math.min(timeoutMs, 1000)).unref();
    };
    const transmit = (packet: Buffer, port: number) => {
      last = packet;
      sentTo = port;
      attempts = 0;
      socket.send(packet, port, options.host);
      arm();
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        // RFC 1350 §2: "If a packet gets lost in the network, the intended recipient will timeout and may retransmit his last packet".
        if (attempts >= retries) {
          finish(new TftpFetchError('timeout', file, `TFTP timeout reading ${file} from ${where}`));
          return;
        }
        attempts++;
        socket.send(last, sentTo, options.host);
        arm();
      }, timeoutMs);
    };

    socket.on('error', (error) =>
      finish(new TftpFetchError('error', file, `TFTP error reading ${file} from ${where}: ${error.message}`)),
    );
    socket.on('message', (datagram, rinfo) => {
      if (net.isIP(options.host) !== 0 && rinfo.address !== options.host) return;
      if (done) {
        if (finalAck && rinfo.port === serverPort) socket.send(finalAck, rinfo.port, rinfo.address);
        return;
      }
      // RFC 1350 §4: the server answers from a new port (its TID); the first answer fixes it.
      if (serverPort === null) serverPort = rinfo.port;
      if (rinfo.port !== serverPort) {
        // RFC 1350 §4: a packet from an unknown TID gets an error 5 and does not disturb the transfer.
        socket.send(
          encodePacket({
            type: 'error',
            code: TftpErrorCode.unknownTransferId,
            message: 'Unknown transfer ID',
          }),
          rinfo.port,
          rinfo.address,
        );
        return;
      }
      const decoded = decodePacket(datagram);
      if (!decoded.ok) return;
      const packet = decoded.packet;
      switch (packet.type) {
        case 'error': {
          const kind = packet.code === TftpErrorCode.fileNotFound ? 'not-found' : 'error';
          const text = kind === 'not-found' ? 'file not found' : `error ${packet.code} "${packet.message}"`;
          finish(new TftpFetchError(kind, file, `TFTP ${text}: ${file} on ${where}`, packet.code));
          return;
        }
        case 'oack': {
          // RFC 2347: the client acknowledges an OACK with ACK block 0.
          const granted = Number(packet.options.get('blksize') ?? '512');
          if (Number.isInteger(granted) && granted >= 8) blockSize = granted;
          transmit(encodePacket({ type: 'ack', block: 0 }), serverPort);
          return;
        }
        case 'data': {
          if (packet.block === ((expected - 1) & MAX_BLOCK)) {
            // A duplicate (our ACK was lost): acknowledge it again.
            socket.send(encodePacket({ type: 'ack', block: packet.block }), serverPort, options.host);
            return;
          }
          if (packet.block !== (expected & MAX_BLOCK)) return;
          received += packet.data.length;
          if (received > maxBytes) {
            finish(
              new TftpFetchError('too-large', file, `${file} on ${where} is larger than ${maxBytes} bytes`),
            );
            return;
          }
          chunks.push(Buffer.from(packet.data));
          const ack = encodePacket({ type: 'ack', block: packet.block });
          expected++;
          // RFC 1350 §6: "A data packet of less than 512 bytes signals termination of a transfer."
          if (packet.data.length < blockSize) {
            finalAck = ack;
            socket.send(ack, serverPort, options.host);
            finish(null, Buffer.concat(chunks));
            return;
          }
          transmit(ack, serverPort);
          return;
        }
        default:
          return;
      }
    });
    socket.bind({ address: options.localAddress, port: 0 }, () => {
      const requestOptions = new Map<string, string>();
      if (options.blockSize) requestOptions.set('blksize', String(options.blockSize));
      transmit(
        encodePacket({ type: 'rrq', fileName: file, mode: 'octet', options: requestOptions }),
        options.port,
      );
    });
  });
}
