/**
 * TFTP inputs (RFC 1350, RFC 2347–2349, RFC 7440): read requests for the files a Cisco phone asks
 * for (provisioning.md), with odd modes and options, names that try to leave the served files,
 * and every other opcode sent to the request port; plus the fuzzer's answers to the DATA and OACK
 * that a transfer sends back (right ACKs, wrong blocks, errors, garbage).
 */
import { mutateBytes } from './byte-mutations.js';
import type { Random } from './random.js';

export interface TftpContext {
  /** Device names configured on the node (their SEP<MAC>.cnf.xml exists). */
  configuredNames: readonly string[];
}

const MODES = [
  'octet',
  'octet',
  'netascii',
  'OCTET',
  'NetAscii',
  'mail',
  'binary',
  '',
  'octet\0x',
  'o'.repeat(300),
];

const OPTION_VALUES: Record<string, readonly string[]> = {
  blksize: ['1428', '512', '8', '7', '0', '65464', '65465', '-1', 'abc', '99999999999999999999', ''],
  tsize: ['0', '1', '4294967296', '-5', 'x', ''],
  timeout: ['1', '5', '0', '255', '256', '99999', '-1', '1.5', ''],
  windowsize: ['1', '16', '0', '65535', '65536', 'x'],
  multicast: ['', '1'],
  rollover: ['0', '1', '2'],
  'x-unknown': ['1', 'a'.repeat(500)],
};

function fileName(rand: Random, ctx: TftpContext): string {
  const mac = () => `FA${rand.hex(10).toUpperCase()}`;
  const configured = ctx.configuredNames.length > 0 ? rand.pick(ctx.configuredNames) : `SEP${mac()}`;
  return rand.pick([
    'XMLDefault.cnf.xml',
    'XMLDefault.cnf.xml',
    `${configured}.cnf.xml`,
    `SEP${mac()}.cnf.xml`,
    `CTLSEP${mac()}.tlv`,
    `ITLSEP${mac()}.tlv`,
    'OS79XX.TXT',
    'SIPDefault.cnf',
    `SIP${mac()}.cnf`,
    'RINGLIST.XML',
    'dialplan.xml',
    'P00308010200.bin',
    '../../../../etc/passwd',
    '/etc/passwd',
    'C:\\boot.ini',
    '\\\\server\\share\\x',
    '%2e%2e/%2e%2e/etc/passwd',
    'XMLDefault.cnf.xml/../XMLDefault.cnf.xml',
    'a'.repeat(rand.pick([255, 512, 2000])),
    '',
    '.',
    'xmldefault.CNF.XML',
    'XMLDefault.cnf.xml\0.jpg',
  ]);
}

/** RRQ (or WRQ): opcode, name NUL, mode NUL, then option/value pairs (RFC 2347). */
function request(rand: Random, ctx: TftpContext): Buffer {
  const opcode = rand.chance(0.95) ? 1 : 2;
  const parts = [fileName(rand, ctx), rand.chance(0.8) ? 'octet' : rand.pick(MODES)];
  const names = Object.keys(OPTION_VALUES);
  for (let k = rand.chance(0.6) ? rand.range(1, 4) : 0; k > 0; k--) {
    const name = rand.pick(names);
    parts.push(rand.chance(0.2) ? name.toUpperCase() : name, rand.pick(OPTION_VALUES[name]));
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(opcode);
  const body = Buffer.from(parts.map((p) => `${p}\0`).join(''), 'latin1');
  // Now and then the last NUL is missing (an unterminated field).
  return Buffer.concat([head, rand.chance(0.05) ? body.subarray(0, body.length - 1) : body]);
}

/** Any other packet sent to the request port: DATA, ACK, ERROR, OACK, unknown opcodes, runts. */
function otherPacket(rand: Random): Buffer {
  const opcode = rand.pick([0, 3, 4, 5, 6, 7, 0xffff]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(opcode);
  head.writeUInt16BE(rand.int(0x10000), 2);
  return rand.pick([
    Buffer.concat([head, rand.bytes(rand.pick([0, 1, 512, 1500]))]),
    Buffer.concat([head, Buffer.from('Some error\0')]),
    head.subarray(0, rand.int(4)),
    Buffer.alloc(0),
  ]);
}

/** One case: datagrams sent from one socket to the request port. */
export function tftpCase(rand: Random, ctx: TftpContext): Buffer[] {
  const first = rand.chance(0.85) ? request(rand, ctx) : otherPacket(rand);
  const input = rand.chance(0.3) ? mutateBytes(rand, first, request(rand, ctx)) : first;
  // A client that repeats its request, as phones do when the answer is slow.
  return rand.chance(0.1) ? [input, input] : [input];
}

/**
 * What the fuzzer answers to a packet a transfer sent it (DATA or OACK): mostly the right ACK so
 * transfers end, sometimes a wrong one, an ERROR, garbage, or nothing (the transfer times out).
 */
export function transferReply(rand: Random, packet: Buffer): Buffer | null {
  if (packet.length < 2) return null;
  const opcode = packet.readUInt16BE(0);
  if (opcode !== 3 && opcode !== 6) return null;
  const block = opcode === 3 && packet.length >= 4 ? packet.readUInt16BE(2) : 0;
  const ack = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(4, 0);
    b.writeUInt16BE(n & 0xffff, 2);
    return b;
  };
  return rand.weighted<Buffer | null>([
    [80, ack(block)],
    [4, ack(block + rand.pick([1, -1, 1000]))],
    [3, Buffer.from('\x00\x05\x00\x00client gave up\0', 'latin1')],
    [3, mutateBytes(rand, ack(block), packet.subarray(0, 16))],
    [2, Buffer.from('\x00\x01XMLDefault.cnf.xml\0octet\0', 'latin1')],
    [8, null],
  ]);
}
