/**
 * What a phone sends to place, answer and end calls (calls.md §1.2, "Phone → server"). Layouts
 * from Wireshark's SkinnyProtocolOptimized.xml as tshark 4.0.17 decodes them, matching chan-sccp's
 * sccp_protocol.h and FreeSWITCH's skinny_protocol.h; checked with tshark in test/sccp-codec.
 */
import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';

/** KeypadButton button codes that are not digits (calls.md §1.2). */
export const KeypadKey = { Star: 0x0e, Pound: 0x0f } as const;

/** OffHook (0x0006) / OnHook (0x0007): u32 lineInstance @0, u32 callReference @4; often 0 or absent. */
export interface OffHook {
  type: 'OffHook';
  lineInstance: number;
  callReference: number;
}
export interface OnHook {
  type: 'OnHook';
  lineInstance: number;
  callReference: number;
}

/** KeypadButton (0x0003): u32 button @0, u32 lineInstance @4, u32 callReference @8 (last two optional). */
export interface KeypadButton {
  type: 'KeypadButton';
  button: number;
  lineInstance: number;
  callReference: number;
}

/** EnblocCall (0x0004): char[24] calledParty @0, u32 lineInstance @24 (V18+: char[25], line @25 — not sent by 79x0). */
export interface EnblocCall {
  type: 'EnblocCall';
  calledParty: string;
  lineInstance: number;
}

/** Stimulus (0x0005): u32 stimulus @0 (button code, sccp.md §3.7), u32 instance @4, u32 callReference @8, u32 status @12. */
export interface Stimulus {
  type: 'Stimulus';
  stimulus: number;
  stimulusInstance: number;
  callReference: number;
  stimulusStatus: number;
}

/** SoftKeyEvent (0x0026): u32 softKeyEvent @0, u32 lineInstance @4, u32 callReference @8. */
export interface SoftKeyEventMessage {
  type: 'SoftKeyEvent';
  softKeyEvent: number;
  lineInstance: number;
  callReference: number;
}

function u32s(body: Buffer, count: number): number[] {
  const b = zeroFill(body, count * 4);
  return Array.from({ length: count }, (_, i) => b.readUInt32LE(i * 4));
}

function encodeU32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

export function decodeOffHook(body: Buffer): OffHook {
  const [lineInstance, callReference] = u32s(body, 2);
  return { type: 'OffHook', lineInstance, callReference };
}
export function encodeOffHook(msg: Omit<OffHook, 'type'>): Buffer {
  return encodeU32s(msg.lineInstance, msg.callReference);
}
export function decodeOnHook(body: Buffer): OnHook {
  const [lineInstance, callReference] = u32s(body, 2);
  return { type: 'OnHook', lineInstance, callReference };
}
export function encodeOnHook(msg: Omit<OnHook, 'type'>): Buffer {
  return encodeU32s(msg.lineInstance, msg.callReference);
}

export function decodeKeypadButton(body: Buffer): KeypadButton {
  const [button, lineInstance, callReference] = u32s(body, 3);
  return { type: 'KeypadButton', button, lineInstance, callReference };
}
export function encodeKeypadButton(msg: Omit<KeypadButton, 'type'>): Buffer {
  return encodeU32s(msg.button, msg.lineInstance, msg.callReference);
}

const ENBLOC_NUMBER = 24;
export function decodeEnblocCall(body: Buffer): EnblocCall {
  const b = zeroFill(body, ENBLOC_NUMBER + 4);
  return {
    type: 'EnblocCall',
    calledParty: readFixedString(b, 0, ENBLOC_NUMBER),
    lineInstance: b.readUInt32LE(ENBLOC_NUMBER),
  };
}
export function encodeEnblocCall(msg: Omit<EnblocCall, 'type'>): Buffer {
  const b = Buffer.alloc(ENBLOC_NUMBER + 4);
  writeFixedString(b, 0, ENBLOC_NUMBER, msg.calledParty);
  b.writeUInt32LE(msg.lineInstance >>> 0, ENBLOC_NUMBER);
  return b;
}

export function decodeStimulus(body: Buffer): Stimulus {
  const [stimulus, stimulusInstance, callReference, stimulusStatus] = u32s(body, 4);
  return { type: 'Stimulus', stimulus, stimulusInstance, callReference, stimulusStatus };
}
export function encodeStimulus(msg: Omit<Stimulus, 'type'>): Buffer {
  return encodeU32s(msg.stimulus, msg.stimulusInstance, msg.callReference, msg.stimulusStatus);
}

export function decodeSoftKeyEvent(body: Buffer): SoftKeyEventMessage {
  const [softKeyEvent, lineInstance, callReference] = u32s(body, 3);
  return { type: 'SoftKeyEvent', softKeyEvent, lineInstance, callReference };
}
export function encodeSoftKeyEvent(msg: Omit<SoftKeyEventMessage, 'type'>): Buffer {
  return encodeU32s(msg.softKeyEvent, msg.lineInstance, msg.callReference);
}

/** The u32 helpers, for the server → phone call messages. */
export { u32s as decodeU32Fields, encodeU32s as encodeU32Fields };
