/**
 * TFTP packet codec: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR) and RFC 2347 (options, OACK).
 * Decoding never throws: a malformed datagram yields a typed {@link TftpDecodeError}.
 */

/** RFC 1350 §5: "TFTP supports five types of packets" (+ RFC 2347 OACK, opcode 6). */
export const TftpOpcode = { rrq: 1, wrq: 2, data: 3, ack: 4, error: 5, oack: 6 } as const;
export type TftpOpcode = (typeof TftpOpcode)[keyof typeof TftpOpcode];

/** RFC 1350 appendix "Error Codes" + RFC 2347 code 8. */
export const TftpErrorCode = {
  notDefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTransferId: 5,
  fileExists: 6,
  noSuchUser: 7,
  optionsRefused: 8,
} as const;
export type TftpErrorCode = (typeof TftpErrorCode)[keyof typeof TftpErrorCode];

/** RFC 1350 §5: modes are "netascii", "octet" or "mail", in any mix of upper and lower case. */
export type TftpMode = 'netascii' | 'octet' | 'mail';
const MODES: ReadonlySet<string> = new Set<TftpMode>(['netascii', 'octet', 'mail']);

/** Option names in lower case (RFC 2347: "case in-sensitive"), values as sent, in request order. */
export type TftpOptions = ReadonlyMap<string, string>;

export interface TftpRequestPacket {
  type: 'rrq' | 'wrq';
  /** As sent; may contain anything, including NUL (see decodePacket). Normalize before use. */
  fileName: string;
  mode: TftpMode;
  options: TftpOptions;
}
export interface TftpDataPacket {
  type: 'data';
  block: number;
  data: Buffer;
}
export interface TftpAckPacket {
  type: 'ack';
  block: number;
}
export interface TftpErrorPacket {
  type: 'error';
  code: number;
  message: string;
}
export interface TftpOackPacket {
  type: 'oack';
  options: TftpOptions;
}
export type TftpPacket =
  TftpRequestPacket | TftpDataPacket | TftpAckPacket | TftpErrorPacket | TftpOackPacket;

export type TftpDecodeErrorReason =
  'too-short' | 'unknown-opcode' | 'unterminated-field' | 'unknown-mode' | 'missing-mode';
export interface TftpDecodeError {
  reason: TftpDecodeErrorReason;
  /** One line for the operator's log. */
  detail: string;
}
export type TftpDecodeResult = { ok: true; packet: TftpPacket } | { ok: false; error: TftpDecodeError };

const MAX_BLOCK = 0xffff;

function header(opcode: TftpOpcode, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  buf.writeUInt16BE(opcode, 0);
  return buf;
}

function checkBlock(block: number): void {
  if (!Number.isInteger(block) || block < 0 || block > MAX_BLOCK) {
    throw new RangeError(`TFTP block number must be an integer in 0..65535, got ${block}`);
  }
}

/** Strings followed by a zero byte, the layout of every text field in TFTP. */
function zeroTerminated(fields: readonly string[], encoding: BufferEncoding): Buffer[] {
  const parts: Buffer[] = [];
  for (const field of fields) {
    parts.push(Buffer.from(field, encoding), Buffer.alloc(1));
  }
  return parts;
}

function optionFields(options: TftpOptions): string[] {
  const fields: string[] = [];
  for (const [name, value] of options) fields.push(name, value);
  return fields;
}

/** Encodes one packet. Throws RangeError only for programmer errors (a block number out of range). */
export function encodePacket(packet: TftpPacket): Buffer {
  switch (packet.type) {
    case 'rrq':
    case 'wrq': {
      const opcode = packet.type === 'rrq' ? TftpOpcode.rrq : TftpOpcode.wrq;
      const parts = [
        ...zeroTerminated([packet.fileName], 'utf8'),
        ...zeroTerminated([packet.mode, ...optionFields(packet.options)], 'ascii'),
      ];
      return Buffer.concat([header(opcode, 2), ...parts]);
    }
    case 'data': {
      checkBlock(packet.block);
      const buf = header(TftpOpcode.data, 4 + packet.data.length);
      buf.writeUInt16BE(packet.block, 2);
      packet.data.copy(buf, 4);
      return buf;
    }
    case 'ack': {
      checkBlock(packet.block);
      const buf = header(TftpOpcode.ack, 4);
      buf.writeUInt16BE(packet.block, 2);
      return buf;
    }
    case 'error': {
      const buf = header(TftpOpcode.error, 4);
      buf.writeUInt16BE(packet.code, 2);
      return Buffer.concat([buf, ...zeroTerminated([packet.message], 'utf8')]);
    }
    case 'oack':
      return Buffer.concat([
        header(TftpOpcode.oack, 2),
        ...zeroTerminated(optionFields(packet.options), 'ascii'),
      ]);
  }
}

/** Splits a run of zero-terminated strings; `rest` is an unterminated tail ('' when none). */
function splitFields(body: Buffer, encoding: BufferEncoding): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let start = 0;
  for (;;) {
    const end = body.indexOf(0, start);
    if (end < 0) break;
    fields.push(body.toString(encoding, start, end));
    start = end + 1;
  }
  return { fields, rest: body.toString(encoding, start) };
}

/** RFC 2347: "opt1 0 value1 0 ... optN 0 valueN 0"; names are case-insensitive. An unpaired tail is ignored. */
function parseOptions(fields: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toLowerCase();
    // The first occurrence wins: a repeated option is a client bug, not a reason to refuse.
    if (name !== '' && !options.has(name)) options.set(name, fields[i + 1]);
  }
  return options;
}

function failure(reason: TftpDecodeErrorReason, detail: string): TftpDecodeResult {
  return { ok: false, error: { reason, detail } };
}

function decodeRequest(type: 'rrq' | 'wrq', body: Buffer): TftpDecodeResult {
  // latin1 maps every byte to one char, so field boundaries survive; the name is re-read as UTF-8 below.
  const { fields } = splitFields(body, 'latin1');
  if (fields.length === 0)
    return failure('unterminated-field', 'request without a zero-terminated file name');
  if (fields.length === 1) return failure('missing-mode', 'request without a transfer mode');
  // RFC 1350 §5: "Filename ... terminated by a zero byte", then the mode. A name that itself contains
  // NUL shifts the mode right: take the first mode-looking field after the name, so the server sees the
  // NUL in the name (and refuses it as "File not found") instead of an unknown mode.
  let modeIndex = 1;
  while (modeIndex < fields.length && !MODES.has(fields[modeIndex].toLowerCase())) modeIndex++;
  if (modeIndex === fields.length) {
    return failure('unknown-mode', `unknown transfer mode ${JSON.stringify(fields[1].slice(0, 32))}`);
  }
  const nameBytes = Buffer.from(fields.slice(0, modeIndex).join('\0'), 'latin1');
  return {
    ok: true,
    packet: {
      type,
      fileName: nameBytes.toString('utf8'),
      mode: fields[modeIndex].toLowerCase() as TftpMode,
      options: parseOptions(fields.slice(modeIndex + 1)),
    },
  };
}

/** Decodes one datagram. Never throws. */
export function decodePacket(datagram: Buffer): TftpDecodeResult {
  if (datagram.length < 2) return failure('too-short', `datagram of ${datagram.length} byte(s)`);
  const opcode = datagram.readUInt16BE(0);
  const body = datagram.subarray(2);
  switch (opcode) {
    case TftpOpcode.rrq:
      return decodeRequest('rrq', body);
    case TftpOpcode.wrq:
      return decodeRequest('wrq', body);
    case TftpOpcode.data:
      if (body.length < 2) return failure('too-short', 'DATA without a block number');
      return { ok: true, packet: { type: 'data', block: body.readUInt16BE(0), data: body.subarray(2) } };
    case TftpOpcode.ack:
      if (body.length < 2) return failure('too-short', 'ACK without a block number');
      return { ok: true, packet: { type: 'ack', block: body.readUInt16BE(0) } };
    case TftpOpcode.error: {
      if (body.length < 2) return failure('too-short', 'ERROR without an error code');
      // Be lenient with an unterminated message: it only ends up in a log line.
      const { fields, rest } = splitFields(body.subarray(2), 'utf8');
      return { ok: true, packet: { type: 'error', code: body.readUInt16BE(0), message: fields[0] ?? rest } };
    }
    case TftpOpcode.oack:
      return { ok: true, packet: { type: 'oack', options: parseOptions(splitFields(body, 'ascii').fields) } };
    default:
      return failure('unknown-opcode', `unknown opcode ${opcode}`);
  }
}

/** Human name of an opcode for logs. */
export function describePacket(packet: TftpPacket): string {
  switch (packet.type) {
    case 'rrq':
    case 'wrq':
      return `${packet.type.toUpperCase()} ${JSON.stringify(packet.fileName)}`;
    case 'data':
      return `DATA block ${packet.block}`;
    case 'ack':
      return `ACK block ${packet.block}`;
    case 'error':
      return `ERROR ${packet.code} ${JSON.stringify(packet.message)}`;
    case 'oack':
      return 'OACK';
  }
}
