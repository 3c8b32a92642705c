/**
 * The read-only TFTP server: owns the listening socket (UDP 69 by default) and one ephemeral socket per
 * transfer, turns requests into ReadTransfers, and reports what happened as TftpEvents and log lines.
 */
import type { Socket } from 'node:dgram';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { TftpEvent } from './events.js';
import { normalizeRequestedName } from './file-name.js';
import type { TftpFile, TftpFileSource, TftpPeer } from './file-source.js';
import { DEFAULT_MAX_GRANTED_BLOCK_SIZE, checkMaxBlockSize, negotiateReadOptions } from './options.js';
import { TftpErrorCode, decodePacket, describePacket, encodePacket } from './packets.js';
import type { TftpRequestPacket } from './packets.js';
import { ReadTransfer } from './transfer.js';
import { reportTransferOutcome } from './transfer-report.js';
import { UdpEndpoint, bindUdp, closeUdp, listenError, sendUdp } from './udp.js';

export interface TftpServerOptions {
  /** Address to listen on; default 0.0.0.0. */
  host?: string;
  /** UDP port; 0 picks a free one. */
  port: number;
  files: TftpFileSource;
  logger: Logger;
  /** Largest blksize granted (RFC 2348 allows 8..65464); default 1468, which fits a 1500-byte MTU. */
  maxBlockSize?: number;
  onEvent?: (event: TftpEvent) => void;
  /** Retransmission timeout in ms when the client negotiates none; default 2000. */
  timeoutMs?: number;
  /** Retransmissions before a transfer is abandoned; default 5. */
  maxRetries?: number;
  clock?: Clock;
}

interface ActiveTransfer {
  transfer: ReadTransfer;
  endpoint: UdpEndpoint;
  file: string;
  requested: string;
}

export const FILE_NOT_FOUND_MESSAGE = 'File not found';
export const READ_ONLY_MESSAGE = 'Access violation: this TFTP server is read-only';

function peerKey(peer: TftpPeer): string {
  return `${peer.address}|${peer.port}`;
}

function errorPacket(code: number, message: string): Buffer {
  return encodePacket({ type: 'error', code, message });
}

export class TftpServer {
  private readonly host: string;
  private readonly maxBlockSize: number;
  private readonly log: Logger;
  private socket: Socket | null = null;
  private stopping = false;
  private readonly active = new Map<string, ActiveTransfer>();
  /** Request handling in progress (file being opened), so stop() can wait for it. */
  private readonly pending = new Set<Promise<void>>();
  /** Peers whose RRQ is being opened, with the name asked: a repeated RRQ meanwhile is a duplicate. */
  private readonly opening = new Map<string, string>();

  constructor(private readonly options: TftpServerOptions) {
    this.host = options.host ?? '0.0.0.0';
    this.maxBlockSize = checkMaxBlockSize(options.maxBlockSize ?? DEFAULT_MAX_GRANTED_BLOCK_SIZE);
    this.log = options.logger.child({ component: 'tftp' });
  }

  /** Number of transfers in progress. */
  get activeTransfers(): number {
    return this.active.size;
  }

  async start(): Promise<{ port: number; host: string }> {
    if (this.socket) throw new Error('TFTP server already started');
    let socket: Socket;
    try {
      socket = await bindUdp(this.host, this.options.port);
    } catch (error) {
      throw listenError(this.host, this.options.port, error);
    }
    this.socket = socket;
    this.stopping = false;
    socket.on('message', (datagram, rinfo) => this.track(this.onRequest(datagram, rinfo)));
    socket.on('error', (error) =>
      this.log.error({ err: error }, 'TFTP listening socket error; still serving'),
    );
    const address = socket.address();
    this.log.debug({ host: address.address, port: address.port }, 'TFTP server listening');
    return { port: address.port, host: address.address };
  }

  /** Closes the listening socket and every transfer; resolves once all sockets and files are closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    const socket = this.socket;
    this.socket = null;
    if (socket) await closeUdp(socket);
    await Promise.all([...this.pending]);
    const entries = [...this.active.values()];
    this.active.clear();
    await Promise.all(entries.map((entry) => this.release(entry)));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.log.error({ err: error }, 'TFTP request handling failed'),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async onRequest(datagram: Buffer, rinfo: { address: string; port: number }): Promise<void> {
    const peer: TftpPeer = { address: rinfo.address, port: rinfo.port };
    const decoded = decodePacket(datagram);
    if (!decoded.ok) {
      this.malformed(peer, `${decoded.error.detail} (${datagram.length} bytes)`, true);
      return;
    }
    const packet = decoded.packet;
    switch (packet.type) {
      case 'rrq':
        return this.onReadRequest(packet, peer);
      case 'wrq':
        this.log.warn(
          { peer, file: packet.fileName },
          'TFTP write refused: this server is read-only (put files in the TFTP directory or use the admin UI)',
        );
        this.emit({ type: 'refused-write', file: packet.fileName, peer, detail: READ_ONLY_MESSAGE });
        await this.replyFromNewPort(errorPacket(TftpErrorCode.accessViolation, READ_ONLY_MESSAGE), peer);
        return;
      case 'error':
        // RFC 1350 §7: an ERROR "will not be retransmitted or acknowledged"; late ones from ended transfers land here.
        this.log.debug(
          { peer, packet: describePacket(packet) },
          'TFTP error packet on the request port ignored',
        );
        return;
      default:
        this.malformed(
          peer,
          `${describePacket(packet)} sent to the request port, which only takes RRQ/WRQ`,
          true,
        );
        return;
    }
  }

  private async onReadRequest(request: TftpRequestPacket, peer: TftpPeer): Promise<void> {
    const requested = request.fileName;
    if (this.stopping) return;
    const key = peerKey(peer);
    const current = this.active.get(key);
    if (
      this.opening.get(key) === requested ||
      (current?.requested === requested && !current.transfer.hasProgressed)
    ) {
      // The client repeated its RRQ because our first answer was slow or lost; the transfer retransmits it.
      // (Once DATA 1 was acknowledged, the same RRQ means the client started over: serve it afresh.)
      this.log.debug({ peer, file: requested }, 'TFTP duplicate read request ignored');
      return;
    }
    this.opening.set(key, requested);
    try {
      await this.answerReadRequest(request, peer);
    } finally {
      if (this.opening.get(key) === requested) this.opening.delete(key);
    }
  }

  private async answerReadRequest(request: TftpRequestPacket, peer: TftpPeer): Promise<void> {
    const requested = request.fileName;
    // netascii is served byte for byte, like octet: phones ask octet, our files are generated with the line
    // ends phones expect, and converting would make the size differ from the tsize we announce.
    if (request.mode === 'mail') {
      this.malformed(
        peer,
        'mail mode requested (obsolete, RFC 1350); only octet and netascii are served',
        false,
      );
      await this.replyFromNewPort(
        errorPacket(TftpErrorCode.illegalOperation, 'Illegal TFTP operation: mail mode is not supported'),
        peer,
      );
      return;
    }

    const name = normalizeRequestedName(requested);
    if (name === null) {
      const detail = 'name refused: it contains "..", a NUL byte, a drive or UNC prefix, or is empty';
      this.log.warn({ peer, file: requested }, `TFTP read refused, ${detail}; answered "File not found"`);
      this.emit({ type: 'refused-name', file: requested, peer, detail });
      await this.replyFromNewPort(errorPacket(TftpErrorCode.fileNotFound, FILE_NOT_FOUND_MESSAGE), peer);
      return;
    }

    let file: TftpFile | null;
    try {
      file = await this.options.files.open(name, peer);
    } catch (error) {
      // Phones stop their config hunt on any code but 1 (CSCee31047), so a fault still answers "File not found".
      const detail = `could not open: ${error instanceof Error ? error.message : String(error)}`;
      this.log.error(
        { peer, file: name, err: error },
        'TFTP file could not be opened (check its permissions and the TFTP directory); answered "File not found"',
      );
      this.emit({ type: 'not-found', file: name, peer, detail });
      await this.replyFromNewPort(errorPacket(TftpErrorCode.fileNotFound, FILE_NOT_FOUND_MESSAGE), peer);
      return;
    }
    if (file === null) {
      // Phones routinely ask for optional files (CTL/ITL, per-MAC configs): info, not warn.
      this.log.info({ peer, file: name }, 'TFTP file not found; answered error 1 "File not found"');
      this.emit({ type: 'not-found', file: name, peer });
      await this.replyFromNewPort(errorPacket(TftpErrorCode.fileNotFound, FILE_NOT_FOUND_MESSAGE), peer);
      return;
    }
    if (this.stopping) {
      await file.close().catch(() => undefined);
      return;
    }
    await this.startTransfer(request, name, file, peer);
  }

  private async startTransfer(
    request: TftpRequestPacket,
    name: string,
    file: TftpFile,
    peer: TftpPeer,
  ): Promise<void> {
    let socket: Socket;
    try {
      // RFC 1350 §4: each end "chooses a TID for itself" — a fresh port per transfer.
      socket = await bindUdp(this.host, 0);
    } catch (error) {
      await file.close().catch(() => undefined);
      this.log.error(
        { peer, file: name, err: error },
        'TFTP transfer not started: no free UDP port for it (too many open files? raise the descriptor limit)',
      );
      return;
    }
    if (this.stopping) {
      await Promise.all([closeUdp(socket), file.close().catch(() => undefined)]);
      return;
    }

    const negotiated = negotiateReadOptions(request.options, file.size, this.maxBlockSize);
    const key = peerKey(peer);
    const endpoint = new UdpEndpoint(socket, (error, to) =>
      this.log.debug({ peer: to, file: name, err: error }, 'TFTP send failed'),
    );
    const transfer = new ReadTransfer({
      peer,
      file,
      negotiated,
      clock: this.options.clock,
      timeoutMs: this.options.timeoutMs,
      maxRetries: this.options.maxRetries,
      send: (packet, to) => endpoint.send(packet, to),
      onFinish: (outcome) => {
        reportTransferOutcome(this.log, (event) => this.emit(event), name, peer, outcome);
        if (this.active.get(key)?.transfer === transfer) this.active.delete(key);
        void this.release(entry);
      },
    });
    const entry: ActiveTransfer = { transfer, endpoint, file: name, requested: request.fileName };
    const previous = this.active.get(key);
    if (previous) {
      // Same client port, a new request: the client gave up on the old transfer.
      this.active.delete(key);
      void this.release(previous);
    }
    this.active.set(key, entry);
    socket.on('message', (datagram, rinfo) => {
      const result = transfer.receive(datagram, { address: rinfo.address, port: rinfo.port });
      if (result === 'wrong-tid') {
        this.log.debug(
          { peer: rinfo, file: name },
          'TFTP packet from an unknown transfer ID answered with error 5',
        );
      }
    });
    socket.on('error', (error) =>
      this.log.warn({ peer, file: name, err: error }, 'TFTP transfer socket error'),
    );

    this.log.info(
      {
        peer,
        file: name,
        bytes: file.size,
        mode: request.mode,
        requestedOptions: Object.fromEntries(request.options),
        blockSize: negotiated.blockSize,
        oack: negotiated.oack ? Object.fromEntries(negotiated.oack) : null,
      },
      'TFTP read started',
    );
    this.emit({ type: 'read-started', file: name, peer, bytes: file.size });
    transfer.start();
  }

  private async release(entry: ActiveTransfer): Promise<void> {
    await Promise.all([entry.transfer.dispose(), entry.endpoint.close()]);
  }

  private malformed(peer: TftpPeer, detail: string, reply: boolean): void {
    this.log.warn(
      { peer, detail },
      'TFTP malformed or unexpected datagram; answered "Illegal TFTP operation"',
    );
    this.emit({ type: 'malformed', peer, detail });
    if (reply && this.socket) {
      const socket = this.socket;
      sendUdp(
        socket,
        errorPacket(TftpErrorCode.illegalOperation, 'Illegal TFTP operation'),
        peer,
        () => undefined,
      );
    }
  }

  /** Answers a request from a fresh port, as a transfer would (RFC 1350 §4), falling back to port 69. */
  private async replyFromNewPort(packet: Buffer, peer: TftpPeer): Promise<void> {
    let socket: Socket;
    try {
      socket = await bindUdp(this.host, 0);
    } catch {
      if (this.socket) sendUdp(this.socket, packet, peer, () => undefined);
      return;
    }
    const endpoint = new UdpEndpoint(socket, () => undefined);
    endpoint.send(packet, peer);
    await endpoint.close();
  }

  private emit(event: TftpEvent): void {
    if (!this.options.onEvent) return;
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.log.error({ err: error, event: event.type }, 'TFTP event listener threw; the server carries on');
    }
  }
}
