/**
 * SipStreamFramer: cuts a TCP/TLS byte stream into SIP messages by Content-Length, reports
 * RFC 5626 keep-alives, and bounds what it buffers. Buffering is amortised linear however the
 * stream is chunked.
 */
import { type SipParseError, parseError } from './parse-error.js';
import { parseContentLength } from './header-values.js';
import { DEFAULT_LIMITS, type ParseOptions, type ParseResult, finishMessage } from './parser.js';
import { type ScannedHead, scanHead } from './scan.js';

export type FramerEvent =
  /** A complete message, valid or not (an invalid one may still be answerable, see SipParseError). */
  | { readonly type: 'message'; readonly result: ParseResult }
  /** RFC 5626 §3.5.1 "ping" (CRLFCRLF): answer with a single CRLF. */
  | { readonly type: 'ping' }
  /** A lone CRLF: the "pong" to a ping this side sent. */
  | { readonly type: 'pong' }
  /** The stream cannot be framed any more: close the connection. No events follow. */
  | { readonly type: 'error'; readonly error: SipParseError };

export interface FramerOptions extends ParseOptions {
  /** Most bytes held while waiting for a message to complete (default: maxMessageSize). */
  readonly maxBufferedBytes?: number;
}

const INITIAL_CAPACITY = 4096;
const SHRINK_ABOVE = 65536;
const CR = 0x0d;
const LF = 0x0a;

export class SipStreamFramer {
  #buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  #start = 0;
  #end = 0;
  /** Where the search for the end of the header section resumes. */
  #scanFrom = 0;
  /** Set once the header section of the current message is known. */
  #head: { readonly head: ScannedHead; readonly length: number } | undefined;
  #lastWasLoneCrlf = false;
  #failed = false;
  readonly #options: FramerOptions | undefined;
  readonly #maxMessage: number;
  readonly #maxBuffered: number;

  constructor(options?: FramerOptions) {
    this.#options = options;
    this.#maxMessage = options?.maxMessageSize ?? DEFAULT_LIMITS.maxMessageSize;
    this.#maxBuffered = options?.maxBufferedBytes ?? this.#maxMessage;
  }

  /** Bytes received and not yet returned as part of an event. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /** True after an 'error' event; the connection should be closed. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Feed bytes in; returns the events they complete, in order. */
  push(chunk: Buffer): FramerEvent[] {
    if (this.#failed) return [];
    this.#append(chunk);
    const events: FramerEvent[] = [];
    for (;;) {
      const ev = this.#next();
      if (ev === undefined) break;
      events.push(ev);
      if (ev.type === 'error') {
        this.#failed = true;
        this.#buf = Buffer.alloc(0);
        this.#start = this.#end = 0;
        break;
      }
    }
    if (!this.#failed && this.bufferedBytes > this.#maxBuffered) {
      this.#failed = true;
      events.push({
        type: 'error',
        error: parseError(
          'buffer-overflow',
          `more than ${this.#maxBuffered} octets buffered without a complete message`,
        ),
      });
    }
    return events;
  }

  #append(chunk: Buffer): void {
    const needed = this.#end - this.#start + chunk.length;
    if (this.#end + chunk.length > this.#buf.length) {
      const target =
        needed <= this.#buf.length / 2
          ? this.#buf
          : Buffer.allocUnsafe(Math.max(needed, this.#buf.length * 2));
      // Buffer#copy handles overlapping regions, so compacting in place is safe.
      this.#buf.copy(target, 0, this.#start, this.#end);
      this.#buf = target;
      this.#scanFrom -= this.#start;
      this.#end -= this.#start;
      this.#start = 0;
    }
    chunk.copy(this.#buf, this.#end);
    this.#end += chunk.length;
  }

  #consume(n: number): void {
    this.#start += n;
    this.#scanFrom = this.#start;
    this.#head = undefined;
    if (this.#start === this.#end) {
      this.#start = this.#end = this.#scanFrom = 0;
      if (this.#buf.length > SHRINK_ABOVE) this.#buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
    }
  }

  #next(): FramerEvent | undefined {
    for (;;) {
      const avail = this.#end - this.#start;
      if (avail === 0) return undefined;
      const first = this.#buf[this.#start];
      if (this.#head === undefined && (first === CR || first === LF)) {
        const ev = this.#keepalive(avail);
        if (ev === 'skip') continue;
        return ev;
      }
      this.#lastWasLoneCrlf = false;
      if (this.#head === undefined) {
        const headEnd = this.#findHeadEnd();
        if (headEnd < 0) return undefined;
        const framed = this.#frame(headEnd);
        if ('type' in framed) return framed;
        this.#head = framed;
      }
      if (avail < this.#head.length) return undefined;
      // Copy out: the message outlives this buffer, which is reused. Offsets in the scanned
      // head are relative to the message start, so they hold for the copy too.
      const bytes = Buffer.from(this.#buf.subarray(this.#start, this.#start + this.#head.length));
      const head = this.#head.head;
      this.#consume(this.#head.length);
      return { type: 'message', result: finishMessage(bytes, head, 'stream', this.#options) };
    }
  }

  /**
   * CRLFs between messages. RFC 5626 §3.5.1: "the client periodically sends a double-CRLF (the "ping")
   * then waits to receive a single CRLF (the "pong")".
   */
  #keepalive(avail: number): FramerEvent | 'skip' | undefined {
    const buf = this.#buf;
    const s = this.#start;
    if (buf[s] === LF || (avail >= 2 && buf[s + 1] !== LF)) {
      // A stray LF or CR: RFC 3261 §7.5 has receivers ignore line ends before a start line.
      this.#consume(1);
      return 'skip';
    }
    if (avail < 2) return undefined;
    if (avail >= 4 && buf[s + 2] === CR && buf[s + 3] === LF) {
      this.#consume(4);
      this.#lastWasLoneCrlf = false;
      return { type: 'ping' };
    }
    if (avail === 3 && buf[s + 2] === CR) return undefined;
    this.#consume(2);
    // A lone CRLF right after one reported as a pong completes a ping split across two reads.
    if (this.#lastWasLoneCrlf) {
      this.#lastWasLoneCrlf = false;
      return { type: 'ping' };
    }
    this.#lastWasLoneCrlf = this.#end === this.#start;
    return { type: 'pong' };
  }

  /** Offset (absolute) just past the empty line ending the header section, or -1. */
  #findHeadEnd(): number {
    // Search a view that ends at #end: the bytes past it are stale, and searching them would
    // make every push cost the buffer's capacity.
    const buf = this.#buf.subarray(0, this.#end);
    let p = Math.max(this.#scanFrom, this.#start);
    for (;;) {
      const lf = buf.indexOf(LF, p);
      if (lf < 0) {
        this.#scanFrom = this.#end;
        return -1;
      }
      if (lf + 1 < this.#end && buf[lf + 1] === LF) return lf + 2;
      if (lf + 2 < this.#end && buf[lf + 1] === CR && buf[lf + 2] === LF) return lf + 3;
      if (lf + 2 >= this.#end) {
        this.#scanFrom = lf;
        return -1;
      }
      p = lf + 1;
    }
  }

  /** The scanned head and full length of the message whose head ends at `headEnd`, or a fatal event. */
  #frame(headEnd: number): { readonly head: ScannedHead; readonly length: number } | FramerEvent {
    const s = this.#start;
    const headLength = headEnd - s;
    if (headLength > this.#maxMessage) {
      return {
        type: 'error',
        error: parseError('message-too-large', `header section over ${this.#maxMessage} octets`),
      };
    }
    const head = scanHead(
      this.#buf.subarray(s, headEnd),
      this.#options?.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    );
    if (head.kind === 'error') return { type: 'error', error: head.error };
    if (head.kind !== 'head')
      return { type: 'error', error: parseError('bad-header-line', 'unterminated header section') };
    const rows = head.index.get('content-length');
    if (rows === undefined) {
      // RFC 3261 §18.3: "The Content-Length header field MUST be used with stream oriented transports."
      return {
        type: 'error',
        error: parseError('missing-content-length', 'no Content-Length on a stream', 'content-length'),
      };
    }
    if (rows.length > 1) {
      return {
        type: 'error',
        error: parseError('duplicate-header', 'more than one Content-Length', 'content-length'),
      };
    }
    const f = head.fields[rows[0]];
    const cl = parseContentLength(this.#buf.toString('latin1', s + f.start, s + f.end));
    if (!cl.ok)
      return {
        type: 'error',
        error: parseError('invalid-header', `invalid Content-Length: ${cl.error}`, 'content-length'),
      };
    if (headLength + cl.value > this.#maxMessage) {
      return {
        type: 'error',
        error: parseError('message-too-large', `message of ${headLength + cl.value} octets`),
      };
    }
    return { head, length: headLength + cl.value };
  }
}
