/**
 * Skinny framing: the 12-byte header and a reader that reassembles frames from TCP chunks.
 *
 * Reference §1: u32 LE length (= 4 + body length; counts neither itself nor the version
 * field), u32 LE headerVersion, u32 LE messageId, then the body. Whole frame = length + 8.
 */

/** One Skinny frame as read from (or about to be written to) the wire. */
export interface SccpFrame {
  /** Header version: 0 ("Basic") or the protocol version (0x0A, 0x0B, 0x0F, 0x10…0x16). */
  headerVersion: number;
  /** Message id (see {@link MessageId}). */
  messageId: number;
  /**
   * Message body, including any zero padding the sender added. When produced by
   * {@link SccpFrameReader} this is a view into the pushed chunk (or into a buffer the reader
   * assembled): it aliases that memory, so copy it before mutating the chunk or keeping it
   * beyond the chunk's lifetime.
   */
  body: Buffer;
}

/** Bytes before the body: length, headerVersion, messageId. */
export const HEADER_BYTES = 12;
/** Bytes that `length` does not count: the length field itself and the version field. */
const UNCOUNTED_BYTES = 8;
/** Default cap on one whole frame, header included (reference §1 recommendation). */
export const DEFAULT_MAX_FRAME_BYTES = 4096;

// Reference §1 (Wireshark heuristic): only these header versions are dissected as Skinny.
const WIRESHARK_HEADER_VERSIONS: ReadonlySet<number> = new Set([
  0x00, 0x0a, 0x0b, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
]);

/** True for the header versions phones and Wireshark accept (0, 0x0A, 0x0B, 0x0F, 0x10…0x16). */
export function isValidHeaderVersion(version: number): boolean {
  return WIRESHARK_HEADER_VERSIONS.has(version);
}

/**
 * Encode one frame. `length` = 4 + padded body length.
 *
 * Like chan-sccp (reference §1, "Padding"), the body is padded with zeros up to a multiple of
 * 4 bytes and the pad is counted in `length`; empty bodies give `length = 4`.
 * Throws a RangeError for a header version outside the set Wireshark and phones accept
 * (reference §1: "Never send other version values").
 */
export function encodeFrame(messageId: number, body: Buffer, headerVersion = 0): Buffer {
  if (!isValidHeaderVersion(headerVersion)) {
    throw new RangeError(`invalid SCCP header version 0x${headerVersion.toString(16)}`);
  }
  const paddedBodyLength = (body.length + 3) & ~3;
  const frame = Buffer.alloc(HEADER_BYTES + paddedBodyLength);
  frame.writeUInt32LE(4 + paddedBodyLength, 0);
  frame.writeUInt32LE(headerVersion, 4);
  frame.writeUInt32LE(messageId >>> 0, 8);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/** Why a byte stream cannot be framed; the session closes that connection. */
export type SccpFramingErrorCode = 'length-too-small' | 'frame-too-large';

/** Thrown by {@link SccpFrameReader.push} when the stream is not valid Skinny framing. */
export class SccpFramingError extends Error {
  override readonly name = 'SccpFramingError';
  constructor(
    readonly code: SccpFramingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link SccpFrameReader}. */
export interface SccpFrameReaderOptions {
  /** Largest whole frame accepted, header included. Default 4096 (reference §1). */
  maxFrameBytes?: number;
}

/**
 * Reassembles Skinny frames from TCP chunks.
 *
 * Each `push` returns the frames completed by that chunk, in order. A chunk that holds
 * several frames is split without copying (bodies are views into the chunk); a frame split
 * over several chunks is copied once, when its last byte arrives. Pending bytes are kept as a
 * list of chunks, so a stream of tiny chunks costs linear, not quadratic, time.
 *
 * Reference §1 receiving rules: reject `length < 4`; close above the frame cap. After a
 * {@link SccpFramingError} the reader is poisoned: every later `push` throws the same error.
 */
export class SccpFrameReader {
  private readonly maxFrameBytes: number;
  /** Chunks (or chunk tails) received but not yet framed. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame at the head of `pending`, once its header is known. */
  private pendingFrameBytes: number | undefined;
  private failure: SccpFramingError | undefined;

  constructor(opts: SccpFrameReaderOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes received that do not yet form a whole frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Feed one chunk; returns the frames it completes. Throws {@link SccpFramingError}. */
  push(chunk: Buffer): SccpFrame[] {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return [];
    if (this.pendingBytes === 0) return this.split(chunk);

    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingFrameBytes === undefined) {
      if (this.pendingBytes < UNCOUNTED_BYTES) return [];
      this.pendingFrameBytes = this.frameBytes(this.peekLength());
    }
    if (this.pendingBytes < this.pendingFrameBytes) return [];

    const joined = Buffer.concat(this.pending, this.pendingBytes);
    this.clearPending();
    return this.split(joined);
  }

  /** Split a buffer that starts at a frame boundary; keep the incomplete tail (as a view). */
  private split(buf: Buffer): SccpFrame[] {
    const frames: SccpFrame[] = [];
    let offset = 0;
    while (buf.length - offset >= UNCOUNTED_BYTES) {
      const total = this.frameBytes(buf.readUInt32LE(offset));
      if (buf.length - offset < total) {
        this.pendingFrameBytes = total;
        break;
      }
      frames.push({
        headerVersion: buf.readUInt32LE(offset + 4),
        messageId: buf.readUInt32LE(offset + 8),
        body: buf.subarray(offset + HEADER_BYTES, offset + total),
      });
      offset += total;
    }
    if (offset < buf.length) {
      this.pending.push(buf.subarray(offset));
      this.pendingBytes = buf.length - offset;
    }
    return frames;
  }

  /** Validate the length field; return the whole frame size. */
  private frameBytes(length: number): number {
    if (length < 4) {
      this.fail('length-too-small', `SCCP length field ${length} < 4`);
    }
    const total = length + UNCOUNTED_BYTES;
    if (total > this.maxFrameBytes) {
      this.fail('frame-too-large', `SCCP frame of ${total} bytes exceeds the cap of ${this.maxFrameBytes}`);
    }
    return total;
  }

  /** Read the u32 LE length at the start of `pending`, which may span chunks. */
  private peekLength(): number {
    const bytes = Buffer.alloc(4);
    let filled = 0;
    for (const part of this.pending) {
      filled += part.copy(bytes, filled, 0, Math.min(part.length, 4 - filled));
      if (filled === 4) break;
    }
    return bytes.readUInt32LE(0);
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingFrameBytes = undefined;
  }

  private fail(code: SccpFramingErrorCode, message: string): never {
    this.clearPending();
    this.failure = new SccpFramingError(code, message);
    throw this.failure;
  }
}
