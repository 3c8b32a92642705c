/**
 * The read-only TFTP server: owns the listening socket (UDP 69 by default) and one ephemeral socket per
 * transfer, turns requests into ReadTransfers, and reports what happened as TftpEvents and log lines.
 */
import type { Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { provisioningLimits } from '../../limits/tftp.js';
import type { FoldedWarnings } from '../../services/folded-warning.js';
import { AddressSlots } from '../address-slots.js';
import { systemClock } from './clock.js';
import type { TftpEvent } from './events.js';
import { MAX_NAME_LENGTH, nameForLog, normalizeRequestedName } from './file-name.js';
import type { TftpFile, TftpPeer } from '../../services/file-source.js';
import {
  DEFAULT_MAX_GRANTED_BLOCK_SIZE,
  checkMaxBlockSize,
  negotiateReadOptions,
  optionsForLog,
} from './options.js';
import { TftpErrorCode, decodePacket, describePacket } from './packets.js';
import type { TftpRequestPacket } from './packets.js';
import { BUSY_MESSAGES, ErrorAnswers, FILE_NOT_FOUND_MESSAGE, READ_ONLY_MESSAGE } from './replies.js';
import type { SlotRefusal } from './replies.js';
import type { TftpServerOptions } from './server-options.js';
import { reportTransferOutcome } from './transfer-report.js';
import { TransferPort } from './transfer-port.js';
import { bindUdp, closeUdp, listenError } from './udp.js';
import { tftpExample, tftpWarnings } from './warnings.js';
import type { TftpWarningKind } from './warnings.js';

export type { TftpServerOptions } from './server-options.js';

function peerKey(peer: TftpPeer): string {
  return `${peer.address}|${peer.port}`;
}

export class TftpServer {
  private readonly host: string;
  private readonly maxBlockSize: number;
  private readonly log: Logger;
  private socket: Socket | null = null;
  private stopping = false;
  private readonly active = new Map<string, TransferPort>();
  /** Request handling in progress (file being opened), so stop() can wait for it. */
  private readonly pending = new Set<Promise<void>>();
  /** Peers whose RRQ is being opened, with the name asked: a repeated RRQ meanwhile is a duplicate. */
  private readonly opening = new Map<string, string>();
  private readonly slots: AddressSlots<SlotRefusal>;
  private readonly maxTimeoutSeconds: number;
  private readonly answers: ErrorAnswers;
  private readonly warnings: FoldedWarnings<TftpWarningKind>;

  constructor(private readonly options: TftpServerOptions) {
    this.host = options.host ?? '0.0.0.0';
    this.maxBlockSize = checkMaxBlockSize(options.maxBlockSize ?? DEFAULT_MAX_GRANTED_BLOCK_SIZE);
    this.log = options.logger.child({ component: 'tftp' });
    this.slots = new AddressSlots<SlotRefusal>({
      total: {
        max: options.maxTransfers ?? provisioningLimits.tftpMaxTransfers.default,
        limit: 'tftpMaxTransfers',
      },
      perAddress: {
        max: options.maxTransfersPerAddress ?? provisioningLimits.tftpMaxTransfersPerAddress.default,
        limit: 'tftpMaxTransfersPerAddress',
      },
    });
    this.maxTimeoutSeconds = options.maxTimeoutSeconds ?? provisioningLimits.tftpMaxTimeoutSeconds.default;
    const clock = options.clock ?? systemClock;
    this.answers = new ErrorAnswers({
      host: this.host,
      requestPort: () => this.socket,
      perSecond: options.errorRepliesPerSecond ?? provisioningLimits.tftpErrorRepliesPerAddress.default,
      now: () => clock.now(),
      limits: options.limits,
    });
    this.warnings = tftpWarnings(this.log, () => clock.now());
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
    this.warnings.flush();
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
    // RFC 768, source port: "If not used, a value of zero is inserted" — there is nowhere to answer.
    if (peer.port === 0) {
      this.log.debug({ peer }, 'TFTP datagram from source port 0 dropped: no port to answer to');
      return;
    }
    const decoded = decodePacket(datagram);
    if (!decoded.ok) {
      this.malformed(peer, `${decoded.error.detail} (${datagram.length} bytes)`);
      return;
    }
    const packet = decoded.packet;
    switch (packet.type) {
      case 'rrq':
        return this.onReadRequest(packet, peer);
      case 'wrq':
        return this.onWriteRequest(packet, peer);
      case 'error':
        // RFC 1350 §7: an ERROR "will not be retransmitted or acknowledged"; late ones from ended transfers land here.
        this.log.debug(
          { peer, packet: describePacket(packet).slice(0, 200) },
          'TFTP error packet on the request port ignored',
        );
        return;
      default:
        this.malformed(peer, `${describePacket(packet)} sent to the request port, which only takes RRQ/WRQ`);
        return;
    }
  }

  private async onWriteRequest(request: TftpRequestPacket, peer: TftpPeer): Promise<void> {
    const file = nameForLog(request.fileName);
    // The refusal binds a socket of its own for a moment: it holds a slot like any request.
    if (!this.takeSlot(peer, file)) return;
    try {
      await this.refuse(peer, TftpErrorCode.accessViolation, READ_ONLY_MESSAGE, () => {
        this.warnings.warn(
          'refusedWrite',
          { peer, file },
          'TFTP write refused: this server is read-only (put files in the TFTP directory or use the admin UI)',
          tftpExample(peer, file),
          peer.address,
        );
        this.emit({ type: 'refused-write', file, peer, detail: READ_ONLY_MESSAGE });
      });
    } finally {
      this.slots.release(peer.address);
    }
  }

  private async onReadRequest(request: TftpRequestPacket, peer: TftpPeer): Promise<void> {
    const requested = request.fileName;
    if (this.stopping) return;
    const key = peerKey(peer);
    const current = this.active.get(key);
    if (this.opening.get(key) === requested) {
      this.log.debug({ peer, file: nameForLog(requested) }, 'TFTP duplicate read request ignored');
      return;
    }
    if (current?.requested === requested && !current.transfer.hasProgressed) {
      // The client repeated its RRQ because our first answer was slow or lost: the transfer resends it
      // (within the budget of a client that has acknowledged nothing). Once DATA 1 was acknowledged,
      // the same RRQ means the client started over: serve it afresh.
      const resent = current.transfer.requestRepeated();
      this.log.debug(
        { peer, file: nameForLog(requested), resent },
        'TFTP repeated read request: answered by the transfer in progress',
      );
      return;
    }
    if (!this.takeSlot(peer, nameForLog(requested))) return;
    this.opening.set(key, requested);
    let handedOver = false;
    try {
      handedOver = await this.answerReadRequest(request, peer);
    } finally {
      if (this.opening.get(key) === requested) this.opening.delete(key);
      if (!handedOver) this.slots.release(peer.address);
    }
  }

  /**
   * Takes a transfer slot for `peer`, or answers "Server busy" (error 0) from the request port, which
   * costs no socket, and reports the refusal.
   */
  private takeSlot(peer: TftpPeer, file: string): boolean {
    const refusal = this.slots.take(peer.address);
    if (refusal === null) return true;
    const detail =
      refusal === 'tftpMaxTransfersPerAddress'
        ? `${this.slots.heldBy(peer.address)} transfers from this address are already in progress (--tftp-max-transfers-per-address; raise it if many phones share this address behind NAT)`
        : `${this.slots.held} transfers are already in progress (--tftp-max-transfers)`;
    this.options.limits?.reached(
      refusal,
      { address: peer.address },
      `TFTP request for ${JSON.stringify(file)} from ${peer.address} refused with "Server busy": ${detail}; the phone retries later`,
    );
    if (this.answers.allowed(peer)) {
      this.emit({ type: 'refused-busy', file, peer, detail });
      this.answers.fromRequestPort(peer, TftpErrorCode.notDefined, BUSY_MESSAGES[refusal]);
    }
    return false;
  }

  /** Answers one read request; true when a transfer took over the request's slot. */
  private async answerReadRequest(request: TftpRequestPacket, peer: TftpPeer): Promise<boolean> {
    const requested = request.fileName;
    // netascii is served byte for byte, like octet: phones ask octet, our files are generated with the line
    // ends phones expect, and converting would make the size differ from the tsize we announce.
    if (request.mode === 'mail') {
      const detail = 'mail mode requested (obsolete, RFC 1350); only octet and netascii are served';
      await this.refuse(
        peer,
        TftpErrorCode.illegalOperation,
        'Illegal TFTP operation: mail mode is not supported',
        () => this.reportMalformed(peer, detail),
      );
      return false;
    }

    const name = normalizeRequestedName(requested);
    if (name === null) {
      const file = nameForLog(requested);
      const detail = `name refused: it contains "..", a NUL byte, a drive or UNC prefix, is empty or longer than ${MAX_NAME_LENGTH} characters`;
      await this.refuse(peer, TftpErrorCode.fileNotFound, FILE_NOT_FOUND_MESSAGE, () => {
        this.warnings.warn(
          'refusedName',
          { peer, file },
          `TFTP read refused, ${detail}; answered "File not found"`,
          tftpExample(peer, file),
          peer.address,
        );
        this.emit({ type: 'refused-name', file, peer, detail });
      });
      return false;
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
      await this.refuse(peer, TftpErrorCode.fileNotFound, FILE_NOT_FOUND_MESSAGE, () => undefined);
      return false;
    }
    if (file === null) {
      await this.refuse(peer, TftpErrorCode.fileNotFound, FILE_NOT_FOUND_MESSAGE, () => {
        // Phones routinely ask for optional files (CTL/ITL, per-MAC configs): info, not warn.
        this.log.info({ peer, file: name }, 'TFTP file not found; answered error 1 "File not found"');
        this.emit({ type: 'not-found', file: name, peer });
      });
      return false;
    }
    if (this.stopping) {
      await file.close().catch(() => undefined);
      return false;
    }
    return this.startTransfer(request, name, file, peer);
  }

  private async startTransfer(
    request: TftpRequestPacket,
    name: string,
    file: TftpFile,
    peer: TftpPeer,
  ): Promise<boolean> {
    const negotiated = negotiateReadOptions(
      request.options,
      file.size,
      this.maxBlockSize,
      this.maxTimeoutSeconds,
    );
    const key = peerKey(peer);
    const { clock, timeoutMs, maxRetries, firstPacketRetransmissions } = this.options;
    const port = await TransferPort.open({
      host: this.host,
      peer,
      file: name,
      requested: request.fileName,
      source: file,
      negotiated,
      timing: { clock, timeoutMs, maxRetries, firstPacketRetransmissions },
      log: this.log,
      onFinish: (finished, outcome) => {
        reportTransferOutcome(this.log, this.warnings, (event) => this.emit(event), name, peer, outcome);
        if (this.active.get(key) === finished) this.active.delete(key);
        void this.release(finished);
      },
    });
    if (port === null) return false;
    if (this.stopping) {
      await port.close();
      return false;
    }
    if (negotiated.refusedTimeoutSeconds !== undefined) {
      this.options.limits?.reached(
        'tftpMaxTimeoutSeconds',
        { address: peer.address },
        `TFTP client ${peer.address} asked for a ${negotiated.refusedTimeoutSeconds} s retransmission timeout for ${JSON.stringify(name)}; the option was left out (--tftp-max-timeout-seconds is ${this.maxTimeoutSeconds}) and the transfer goes on with the server's timeout`,
      );
    }
    const previous = this.active.get(key);
    if (previous) {
      // Same client port, a new request: the client gave up on the old transfer.
      this.active.delete(key);
      void this.release(previous);
    }
    this.active.set(key, port);
    this.log.info(
      {
        peer,
        file: name,
        bytes: file.size,
        mode: request.mode,
        requestedOptions: optionsForLog(request.options),
        blockSize: negotiated.blockSize,
        oack: negotiated.oack ? Object.fromEntries(negotiated.oack) : null,
      },
      'TFTP read started',
    );
    this.emit({ type: 'read-started', file: name, peer, bytes: file.size });
    port.transfer.start();
    return true;
  }

  /** Ends a transfer's socket and file, and gives its slot back (once). */
  private async release(port: TransferPort): Promise<void> {
    if (!port.released) {
      port.released = true;
      this.slots.release(port.address);
    }
    await port.close();
  }

  /** Answers a malformed datagram from the request port; beyond the address's budget, only counts it. */
  private malformed(peer: TftpPeer, detail: string): void {
    if (!this.answers.allowed(peer)) return;
    this.reportMalformed(peer, detail);
    this.answers.fromRequestPort(peer, TftpErrorCode.illegalOperation, 'Illegal TFTP operation');
  }

  private reportMalformed(peer: TftpPeer, detail: string): void {
    this.warnings.warn(
      'malformed',
      { peer, detail },
      'TFTP malformed or unexpected datagram; answered "Illegal TFTP operation"',
      tftpExample(peer, detail),
      peer.address,
    );
    this.emit({ type: 'malformed', peer, detail });
  }

  /**
   * Refuses a request with an ERROR from a port of its own (RFC 1350 §4). Within the address's
   * budget of error answers, `report` logs it and the answer goes; beyond it (a flood, or a forged
   * source aimed at a victim) it is only counted.
   */
  private async refuse(peer: TftpPeer, code: number, message: string, report: () => void): Promise<void> {
    if (!this.answers.allowed(peer)) return;
    report();
    await this.answers.fromNewPort(peer, code, message);
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
