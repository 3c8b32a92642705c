/**
 * Skinny inputs (sccp.md §1–§3): one case is what a phone sends on one connection: mostly a
 * Register, then the startup requests (sccp.md §5), each frame possibly made wrong: length field
 * too small, off by a few, huge or past the frame cap; odd header versions; ids of server-to-phone
 * messages or no message at all; bodies cut short, overlong or random; fields at their extremes.
 */
import { encodeMessageBody, MessageId } from '../../src/protocols/sccp/codec/index.js';
import type { SccpMessageInput } from '../../src/protocols/sccp/codec/index.js';
import { mutateBytes } from './byte-mutations.js';
import type { Random } from './random.js';

export interface SccpContext {
  /** Device names of SCCP phones configured on the node: their Register is accepted. */
  configuredNames: readonly string[];
}

/** u32 values at the edges: zero, one, sign bit, all ones, around the 4096-byte frame cap (sccp.md §1). */
const EDGE_U32 = [
  0, 1, 2, 3, 4, 5, 0x7f, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 4084, 4088, 4089, 65535,
];

const ODD_NAMES = [
  'SEPFA00000000000',
  'sepfa0000000001',
  'SEPZZZZZZZZZZZZ',
  '',
  'ATA00112233445501',
  'CIPCuser',
  '\xff'.repeat(16),
  'SEP0011223344A\xe4',
  'SEP../../etc/pw',
  'SEP%s%n%x%d',
  'SEP\0A0000000001',
  'SEP 0000000001',
];

function deviceName(rand: Random, ctx: SccpContext): string {
  const roll = rand.int(10);
  if (roll < 3 && ctx.configuredNames.length > 0) return rand.pick(ctx.configuredNames);
  if (roll < 8) return `SEPFA${rand.hex(10).toUpperCase()}`;
  return rand.pick(ODD_NAMES);
}

function register(rand: Random, ctx: SccpContext): SccpMessageInput {
  const odd = rand.chance(0.3);
  return {
    type: 'Register',
    deviceName: deviceName(rand, ctx),
    stationIpAddr: odd ? rand.pick(['0.0.0.0', '255.255.255.255', '127.0.0.1', '10.0.0.5']) : '127.0.0.1',
    deviceType: odd
      ? rand.pick([0, 7, 8, 115, 30018, 9999, 0xffffffff, rand.next()])
      : rand.pick([7, 8, 115]),
    instance: odd ? rand.pick(EDGE_U32) : 1,
    maxStreams: 5,
    protocolVersion: odd ? rand.pick([0, 3, 11, 17, 22, 23, 255]) : rand.pick([11, 17]),
    loadInfo: rand.chance(0.5)
      ? rand.pick(['P00308010200', 'SCCP41.8-5-3S', '', 'A'.repeat(40), '../../x', 'P0S3-8-12-00\xff'])
      : undefined,
    macAddress: rand.chance(0.2) ? rand.hex(12) : undefined,
    bodySize: odd ? rand.pick([0, 4, 16, 35, 36, 44, 48, 68, 124]) : rand.pick([68, 124]),
  };
}

/** CapabilitiesRes (sccp.md §3.6): capCount then 16-byte entries, N ≤ 18; the count may lie. */
function capabilities(rand: Random): SccpMessageInput {
  const entries = rand.pick([0, 1, 3, 18, 19, 100]);
  const count = rand.chance(0.7) ? entries : rand.pick(EDGE_U32);
  const body = Buffer.alloc(4 + 16 * entries);
  body.writeUInt32LE(count >>> 0, 0);
  for (let i = 0; i < entries; i++) {
    body.writeUInt32LE(rand.pick([2, 4, 11, 257, 0xffffffff]) >>> 0, 4 + 16 * i);
    body.writeUInt32LE(rand.pick([20, 40, 0, 0xffffffff]) >>> 0, 8 + 16 * i);
  }
  return { type: 'Unknown', messageId: MessageId.CapabilitiesRes, body };
}

/** The startup requests a 7940 sends after RegisterAck (sccp.md §5), with fields at edges now and then. */
function startupMessage(rand: Random): SccpMessageInput {
  const n = () => (rand.chance(0.3) ? rand.pick(EDGE_U32) : rand.range(0, 6));
  const choices: (() => SccpMessageInput)[] = [
    () => ({ type: 'KeepAlive' }),
    () => ({ type: 'IpPort', rtpMediaPort: rand.chance(0.3) ? rand.pick(EDGE_U32) : 20000 }),
    () => capabilities(rand),
    () => ({ type: 'ButtonTemplateReq' }),
    () => ({ type: 'SoftKeyTemplateReq' }),
    () => ({ type: 'SoftKeySetReq' }),
    () => ({ type: 'LineStatReq', lineNumber: n() }),
    () => ({ type: 'SpeedDialStatReq', speedDialNumber: n() }),
    () => ({ type: 'ForwardStatReq', lineNumber: n() }),
    () => ({ type: 'FeatureStatReq', featureIndex: n(), featureCapabilities: n() }),
    () => ({ type: 'RegisterAvailableLines', maxNumOfAvailLines: n() }),
    () => ({ type: 'TimeDateReq' }),
    () => ({ type: 'ConfigStatReq' }),
    () => ({ type: 'ServerReq' }),
    () => ({ type: 'HeadsetStatus', mode: n() }),
    () => ({
      type: 'Alarm',
      severity: n(),
      text: rand.pick(['Name=SEP001122334455 Load=P00308010200 Last=Reset-Reset', 'A'.repeat(79), '%s%n']),
      parm1: n(),
      parm2: n(),
    }),
    () => ({ type: 'Unregister', reason: rand.pick([0, 1, 0xffffffff]) }),
    () => ({
      type: 'Unknown',
      messageId: rand.pick([0x0003, 0x0005, 0x0006, 0x0007, 0x0026, 0x0033, 0x1234, 0xffff]),
      body: rand.bytes(rand.int(16)),
    }),
    // Server-to-phone messages sent to the server.
    () => ({ type: 'RegisterReject', text: 'x' }),
    () => ({ type: 'Reset', resetType: 1 }),
    () => ({ type: 'KeepAliveAck' }),
  ];
  return rand.pick(choices)();
}

const SERVER_IDS = Object.values(MessageId);
const ODD_HEADER_VERSIONS = [0x0c, 0x0d, 0x0e, 0x17, 0xff, 0x80000000, 0xffffffff, 1];

/** Header + body, the length field right or made wrong. */
function frame(rand: Random, message: SccpMessageInput): Buffer {
  const id = message.type === 'Unknown' ? message.messageId : MessageId[message.type];
  let body = encodeMessageBody(message);
  // A device name that fills its char[16] with no NUL (the encoder always keeps one).
  if (message.type === 'Register' && body.length >= 16 && rand.chance(0.1))
    body.write(`SEP${rand.hex(13).toUpperCase()}`, 0, 16, 'latin1');
  let messageId = id;
  let headerVersion = rand.chance(0.8) ? 0 : rand.pick([0x0b, 0x11, 0x16]);
  let length = 4 + body.length;
  const corrupt = rand.chance(0.35);
  if (corrupt) {
    switch (rand.int(6)) {
      case 0:
        length = rand.pick(EDGE_U32);
        break;
      case 1:
        length += rand.pick([-4, -3, -1, 1, 3, 4, 100, 4000]);
        break;
      case 2:
        headerVersion = rand.pick(ODD_HEADER_VERSIONS);
        break;
      case 3:
        messageId = rand.chance(0.5) ? rand.pick(SERVER_IDS) : rand.next();
        break;
      case 4:
        body = body.subarray(0, rand.int(body.length + 1));
        length = 4 + body.length;
        break;
      default:
        body = Buffer.concat([body, rand.bytes(rand.pick([1, 4, 100, 2000, 4100]))]);
        length = 4 + body.length;
        break;
    }
  }
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32LE(length >>> 0, 0);
  out.writeUInt32LE(headerVersion >>> 0, 4);
  out.writeUInt32LE(messageId >>> 0, 8);
  body.copy(out, 12);
  return out;
}

/** One connection's frames, each an input. */
export function sccpCase(rand: Random, ctx: SccpContext): Buffer[] {
  const frames: Buffer[] = [];
  if (rand.chance(0.85)) frames.push(frame(rand, register(rand, ctx)));
  for (let k = rand.range(0, 12); k > 0; k--) {
    frames.push(frame(rand, rand.chance(0.05) ? register(rand, ctx) : startupMessage(rand)));
  }
  if (frames.length === 0) frames.push(rand.bytes(rand.range(1, 64)));
  // Now and then a frame mangled without regard to its structure.
  if (rand.chance(0.25)) {
    const i = rand.int(frames.length);
    frames[i] = mutateBytes(rand, frames[i], frames[rand.int(frames.length)]);
  }
  return frames;
}
