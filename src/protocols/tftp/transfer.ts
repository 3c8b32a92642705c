/**
 * One read transfer (RRQ) as an explicit state machine. It owns no socket: the server feeds it the
 * datagrams that arrive on the transfer's own port and gives it a `send` function, so that unit tests
 * drive it with plain buffers and a fake clock.
 */
import { BlockReader } from './block-reader.js';
import { systemClock } from './clock.js';
import type { Clock, TimerHandle } from './clock.js';
import type { TftpFile, TftpPeer } from '../../services/file-source.js';
import type { NegotiatedOptions } from './options.js';
import { TftpErrorCode, TftpOpcode, decodePacket, encodePacket } from './packets.js';

/** RFC 1350 leaves timeouts to the implementation; 2 s is tftp-hpa's and atftp's default too. */
export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_RETRIES = 5;
/**
 * Until the client acknowledges something its address may be forged (UDP): the first packet goes out
 * once more at most and the transfer then ends without an ERROR, so a forged RRQ makes its victim
 * receive two packets, not seven. A real client on a lossy link still gets its file: clients repeat
 * their RRQ when nothing arrives; the transfer answers a repeat within the same budget, and once it has
 * given up the repeat starts a new one. Once the client has acknowledged, the full budget applies.
 */
export const DEFAULT_FIRST_PACKET_RETRANSMISSIONS = 1;

export type ReadTransferState =
  | 'idle'
  /** OACK sent, waiting for ACK 0. */
  | 'awaiting-oack-ack'
  /** Fetching the next block from the file. */
  | 'reading'
  /** DATA sent, waiting for its ACK. */
  | 'awaiting-ack'
  | 'completed'
  | 'failed';

export type ReadTransferOutcome =
  | { kind: 'completed'; bytes: number; blocks: number; durationMs: number }
  | { kind: 'timed-out'; bytes: number; waitingFor: string; retransmissions: number }
  | { kind: 'peer-error'; bytes: number; code: number; message: string; duringNegotiation: boolean }
  | { kind: 'read-failed'; bytes: number; error: Error };

export type ReceiveResult = 'handled' | 'wrong-tid' | 'ignored';

export interface ReadTransferOptions {
  peer: TftpPeer;
  file: TftpFile;
  negotiated: NegotiatedOptions;
  /** Sends one datagram from this transfer's port. Must not throw. */
  send: (packet: Buffer, to: TftpPeer) => void;
  /** Called once when the transfer ends by itself (not after dispose()). */
  onFinish: (outcome: ReadTransferOutcome) => void;
  clock?: Clock;
  /** Retransmission timeout when the client did not negotiate one. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Retransmissions of the first packet while the client has acknowledged nothing (see the default). */
  firstPacketRetransmissions?: number;
  readAheadBytes?: number;
}

type TransferInput =
  | { type: 'start' }
  | { type: 'ack'; block: number }
  | { type: 'peer-error'; code: number; message: string }
  | { type: 'block-read'; index: number; data: Buffer }
  | { type: 'read-failed'; error: Error }
  | { type: 'timeout' };

/** RFC 1350 §5: the block number is two bytes; we wrap to 0 after 65535 like tftp-hpa, atftp and curl. */
function wireBlock(index: number): number {
  return index & 0xffff;
}

function samePeer(a: TftpPeer, b: TftpPeer): boolean {
  return a.port === b.port && a.address === b.address;
}

export class ReadTransfer {
  private stateValue: ReadTransferState = 'idle';
  private readonly clock: Clock;
  private readonly reader: BlockReader;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly firstPacketRetransmissions: number;
  /** The client acknowledged one of our packets: it is at the address we send to, not a forged one. */
  private proven = false;
  /** 1-based index of the block being read or awaiting its ACK (not wrapped). */
  private blockIndex = 0;
  private lastPacket: Buffer | null = null;
  private retries = 0;
  private timer: TimerHandle | null = null;
  private readonly startedAt: number;
  private disposed = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: ReadTransferOptions) {
    this.clock = options.clock ?? systemClock;
    this.reader = new BlockReader(options.file, options.negotiated.blockSize, options.readAheadBytes);
    this.timeoutMs = options.negotiated.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.firstPacketRetransmissions = Math.min(
      this.maxRetries,
      options.firstPacketRetransmissions ?? DEFAULT_FIRST_PACKET_RETRANSMISSIONS,
    );
    this.startedAt = this.clock.now();
  }

  get state(): ReadTransferState {
    return this.stateValue;
  }

  get peer(): TftpPeer {
    return this.options.peer;
  }

  /** True once the client acknowledged DATA 1: a repeated RRQ after that means the client restarted. */
  get hasProgressed(): boolean {
    return this.blockIndex > 1 || this.stateValue === 'completed';
  }

  /** Bytes the client has acknowledged so far. */
  get bytesAcknowledged(): number {
    const acked = this.stateValue === 'completed' ? this.blockIndex : Math.max(0, this.blockIndex - 1);
    return Math.min(this.options.file.size, acked * this.options.negotiated.blockSize);
  }

  /** Sends the OACK, or DATA 1 when no option was accepted. */
  start(): void {
    this.transition({ type: 'start' });
  }

  /**
   * The client sent its RRQ again before acknowledging anything: it lost our first packet (or never
   * got it). Resends it within the first packet's budget; returns whether it did.
   */
  requestRepeated(): boolean {
    if (this.disposed || this.proven || !this.lastPacket) return false;
    if (this.stateValue !== 'awaiting-oack-ack' && this.stateValue !== 'awaiting-ack') return false;
    if (this.retries >= this.firstPacketRetransmissions) return false;
    this.retries += 1;
    this.options.send(this.lastPacket, this.options.peer);
    this.armTimer();
    return true;
  }

  /** Handles one datagram that arrived on this transfer's port. */
  receive(datagram: Buffer, from: TftpPeer): ReceiveResult {
    if (this.disposed) return 'ignored';
    if (!samePeer(from, this.options.peer)) {
      // RFC 1350 §7: an ERROR "will not be retransmitted or acknowledged" — so never answer a stray ERROR.
      if (datagram.length >= 2 && datagram.readUInt16BE(0) === TftpOpcode.error) return 'wrong-tid';
      // RFC 1350 §4: "An error packet should be sent to the source of the incorrect packet, while not disturbing the transfer."
      this.options.send(
        encodePacket({
          type: 'error',
          code: TftpErrorCode.unknownTransferId,
          message: 'Unknown transfer ID',
        }),
        from,
      );
      return 'wrong-tid';
    }
    const decoded = decodePacket(datagram);
    if (!decoded.ok) return 'ignored';
    const packet = decoded.packet;
    switch (packet.type) {
      case 'ack':
        this.transition({ type: 'ack', block: packet.block });
        return 'handled';
      case 'error':
        this.transition({ type: 'peer-error', code: packet.code, message: packet.message });
        return 'handled';
      default:
        // A reader only ever sends ACK or ERROR; anything else is noise we outlive via retransmission.
        return 'ignored';
    }
  }

  /** Stops timers and closes the file. Idempotent; never calls onFinish. */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      this.clearTimer();
      this.closing = this.options.file.close().catch(() => undefined);
    }
    return this.closing ?? Promise.resolve();
  }

  private transition(input: TransferInput): void {
    if (this.disposed) return;
    switch (this.stateValue) {
      case 'idle':
        if (input.type !== 'start') return;
        if (this.options.negotiated.oack) {
          this.stateValue = 'awaiting-oack-ack';
          this.sendAndArm(encodePacket({ type: 'oack', options: this.options.negotiated.oack }));
        } else {
          this.readBlock(1);
        }
        return;

      case 'awaiting-oack-ack':
        switch (input.type) {
          case 'ack':
            // RFC 2347: "an ACK (with the data block number set to 0) is sent by the client to confirm the values in the server's OACK".
            if (input.block === 0) {
              this.proven = true;
              this.clearTimer();
              this.readBlock(1);
            }
            return;
          case 'timeout':
            this.retransmitOrGiveUp('ACK 0 (acknowledging our OACK)');
            return;
          case 'peer-error':
            this.fail({
              kind: 'peer-error',
              bytes: 0,
              code: input.code,
              message: input.message,
              duringNegotiation: true,
            });
            return;
          default:
            return;
        }

      case 'reading':
        switch (input.type) {
          case 'block-read': {
            if (input.index !== this.blockIndex) return;
            const expected = this.reader.blockLength(input.index);
            if (input.data.length !== expected) {
              const error = new Error(
                `file shrank while being sent: block ${input.index} has ${input.data.length} of ${expected} bytes`,
              );
              this.abortWithReadError(error);
              return;
            }
            this.stateValue = 'awaiting-ack';
            this.sendAndArm(encodePacket({ type: 'data', block: wireBlock(input.index), data: input.data }));
            return;
          }
          case 'read-failed':
            this.abortWithReadError(input.error);
            return;
          case 'peer-error':
            this.fail(this.peerError(input.code, input.message));
            return;
          default:
            // Duplicate ACKs of the block already acknowledged: nothing to do (no Sorcerer's Apprentice).
            return;
        }

      case 'awaiting-ack':
        switch (input.type) {
          case 'ack':
            // RFC 1123 §4.2.3.1: the sender "must never resend the current DATA packet on receipt of a duplicate ACK".
            if (input.block !== wireBlock(this.blockIndex)) return;
            this.proven = true;
            this.clearTimer();
            if (this.blockIndex === this.reader.blockCount) {
              this.stateValue = 'completed';
              this.lastPacket = null;
              this.options.onFinish({
                kind: 'completed',
                bytes: this.options.file.size,
                blocks: this.blockIndex,
                durationMs: this.clock.now() - this.startedAt,
              });
            } else {
              this.readBlock(this.blockIndex + 1);
            }
            return;
          case 'timeout':
            this.retransmitOrGiveUp(`ACK ${wireBlock(this.blockIndex)}`);
            return;
          case 'peer-error':
            this.fail(this.peerError(input.code, input.message));
            return;
          default:
            return;
        }

      case 'completed':
      case 'failed':
        return;
    }
  }

  private readBlock(index: number): void {
    this.stateValue = 'reading';
    this.blockIndex = index;
    this.reader.read(index).then(
      (data) => this.transition({ type: 'block-read', index, data }),
      (error: unknown) =>
        this.transition({
          type: 'read-failed',
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  private sendAndArm(packet: Buffer): void {
    this.lastPacket = packet;
    this.retries = 0;
    this.options.send(packet, this.options.peer);
    this.armTimer();
  }

  private retransmitOrGiveUp(waitingFor: string): void {
    const budget = this.proven ? this.maxRetries : this.firstPacketRetransmissions;
    if (this.retries >= budget || !this.lastPacket) {
      // Silent towards a client that never acknowledged: a real one that lost everything repeats its RRQ
      // and starts afresh (an ERROR would make it give up), and a forged one's victim gets nothing more.
      if (this.proven) this.sendError(TftpErrorCode.notDefined, `Timed out waiting for ${waitingFor}`);
      this.fail({
        kind: 'timed-out',
        bytes: this.bytesAcknowledged,
        waitingFor,
        retransmissions: this.retries,
      });
      return;
    }
    this.retries += 1;
    this.options.send(this.lastPacket, this.options.peer);
    this.armTimer();
  }

  private abortWithReadError(error: Error): void {
    this.sendError(TftpErrorCode.notDefined, 'Server could not read the file');
    this.fail({ kind: 'read-failed', bytes: this.bytesAcknowledged, error });
  }

  private peerError(code: number, message: string): ReadTransferOutcome {
    return { kind: 'peer-error', bytes: this.bytesAcknowledged, code, message, duringNegotiation: false };
  }

  private sendError(code: number, message: string): void {
    this.options.send(encodePacket({ type: 'error', code, message }), this.options.peer);
  }

  private fail(outcome: ReadTransferOutcome): void {
    this.stateValue = 'failed';
    this.clearTimer();
    this.lastPacket = null;
    this.options.onFinish(outcome);
  }

  private armTimer(): void {
    this.clearTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.transition({ type: 'timeout' });
    }, this.timeoutMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
