/**
 * Tones, lamps and the ringer (server → phone; calls.md §1.2, enums sccp.md §7). Layouts from
 * Wireshark's SkinnyProtocolOptimized.xml as tshark 4.0.17 decodes them (checked in
 * test/sccp-codec), matching chan-sccp's sccp_protocol.h.
 */
import { decodeU32Fields, encodeU32Fields } from './station-call.js';

/** StartTone tones (sccp.md §7). */
export const ToneCode = { Silence: 0x00, Dial: 0x21, Busy: 0x23, Ringback: 0x24, Reorder: 0x25 } as const;
/** SetLamp modes (sccp.md §7). */
export const LampMode = { Off: 1, On: 2, Wink: 3, Flash: 4, Blink: 5 } as const;
/** SetRinger modes and durations (sccp.md §7). */
export const RingMode = { Off: 1, Inside: 2, Outside: 3, FlashOnly: 5 } as const;
export const RingDuration = { Normal: 1, Single: 2 } as const;

/** StartTone (0x0082): u32 tone @0, u32 direction @4 (0 user), u32 lineInstance @8, u32 callReference @12. */
export interface StartTone {
  type: 'StartTone';
  tone: number;
  direction: number;
  lineInstance: number;
  callReference: number;
}

/** StopTone (0x0083): u32 lineInstance @0, u32 callReference @4, u32 tone @8 (from V11). */
export interface StopTone {
  type: 'StopTone';
  lineInstance: number;
  callReference: number;
  tone: number;
}

/** SetLamp (0x0086): u32 stimulus @0 (0x09 line), u32 stimulusInstance @4, u32 lampMode @8. */
export interface SetLamp {
  type: 'SetLamp';
  stimulus: number;
  stimulusInstance: number;
  lampMode: number;
}

/** SetRinger (0x0085): u32 ringMode @0, u32 ringDuration @4, u32 lineInstance @8, u32 callReference @12. */
export interface SetRinger {
  type: 'SetRinger';
  ringMode: number;
  ringDuration: number;
  lineInstance: number;
  callReference: number;
}

export function decodeStartTone(body: Buffer): StartTone {
  const [tone, direction, lineInstance, callReference] = decodeU32Fields(body, 4);
  return { type: 'StartTone', tone, direction, lineInstance, callReference };
}
export function encodeStartTone(msg: Omit<StartTone, 'type'>): Buffer {
  return encodeU32Fields(msg.tone, msg.direction, msg.lineInstance, msg.callReference);
}

export function decodeStopTone(body: Buffer): StopTone {
  const [lineInstance, callReference, tone] = decodeU32Fields(body, 3);
  return { type: 'StopTone', lineInstance, callReference, tone };
}
export function encodeStopTone(msg: Omit<StopTone, 'type'>): Buffer {
  return encodeU32Fields(msg.lineInstance, msg.callReference, msg.tone);
}

export function decodeSetLamp(body: Buffer): SetLamp {
  const [stimulus, stimulusInstance, lampMode] = decodeU32Fields(body, 3);
  return { type: 'SetLamp', stimulus, stimulusInstance, lampMode };
}
export function encodeSetLamp(msg: Omit<SetLamp, 'type'>): Buffer {
  return encodeU32Fields(msg.stimulus, msg.stimulusInstance, msg.lampMode);
}

export function decodeSetRinger(body: Buffer): SetRinger {
  const [ringMode, ringDuration, lineInstance, callReference] = decodeU32Fields(body, 4);
  return { type: 'SetRinger', ringMode, ringDuration, lineInstance, callReference };
}
export function encodeSetRinger(msg: Omit<SetRinger, 'type'>): Buffer {
  return encodeU32Fields(msg.ringMode, msg.ringDuration, msg.lineInstance, msg.callReference);
}
