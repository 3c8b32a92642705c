/**
 * A read transfer on a UDP port of its own: the socket, the ReadTransfer it feeds, and the client's
 * transfer slot, held until the port is closed.
 */
import type { Logger } from 'pino';
import type { TftpFile, TftpPeer } from '../../services/file-source.js';
import type { NegotiatedOptions } from './options.js';
import { ReadTransfer } from './transfer.js';
import type { ReadTransferOptions, ReadTransferOutcome } from './transfer.js';
import { UdpEndpoint, bindUdp } from './udp.js';

export interface TransferPortOptions {
  host: string;
  peer: TftpPeer;
  /** The normalized name served. */
  file: string;
  /** The name as the client sent it (a repeat of the same RRQ is recognised by it). */
  requested: string;
  source: TftpFile;
  negotiated: NegotiatedOptions;
  timing: Pick<ReadTransferOptions, 'clock' | 'timeoutMs' | 'maxRetries' | 'firstPacketRetransmissions'>;
  log: Logger;
  /** The transfer ended by itself (not by close()). */
  onFinish(port: TransferPort, outcome: ReadTransferOutcome): void;
}

export class TransferPort {
  /** The slot this port holds was given back (see TftpServer.release). */
  released = false;

  private constructor(
    readonly transfer: ReadTransfer,
    private readonly endpoint: UdpEndpoint,
    readonly file: string,
    readonly requested: string,
    readonly address: string,
  ) {}

  /**
   * Binds a fresh port for the transfer (not started yet); null when none is free, with the file
   * closed and the reason logged.
   */
  static async open(options: TransferPortOptions): Promise<TransferPort | null> {
    const { peer, file, log } = options;
    let endpoint: UdpEndpoint;
    try {
      // RFC 1350 §4: each end "chooses a TID for itself" — a fresh port per transfer.
      const socket = await bindUdp(options.host, 0);
      endpoint = new UdpEndpoint(socket, (error, to) =>
        log.debug({ peer: to, file, err: error }, 'TFTP send failed'),
      );
    } catch (error) {
      await options.source.close().catch(() => undefined);
      log.error(
        { peer, file, err: error },
        'TFTP transfer not started: no free UDP port for it (too many open files? raise the descriptor limit)',
      );
      return null;
    }
    const transfer = new ReadTransfer({
      ...options.timing,
      peer,
      file: options.source,
      negotiated: options.negotiated,
      send: (packet, to) => endpoint.send(packet, to),
      onFinish: (outcome) => options.onFinish(port, outcome),
    });
    const port = new TransferPort(transfer, endpoint, file, options.requested, peer.address);
    endpoint.socket.on('message', (datagram, rinfo) => {
      if (transfer.receive(datagram, { address: rinfo.address, port: rinfo.port }) === 'wrong-tid') {
        log.debug({ peer: rinfo, file }, 'TFTP packet from an unknown transfer ID answered with error 5');
      }
    });
    endpoint.socket.on('error', (error) =>
      log.warn({ peer, file, err: error }, 'TFTP transfer socket error'),
    );
    return port;
  }

  /** Stops the transfer, closes its file and, once its last packet has left, its socket. */
  async close(): Promise<void> {
    await Promise.all([this.transfer.dispose(), this.endpoint.close()]);
  }
}
