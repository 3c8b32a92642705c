/**
 * What a phone shows of a call (server → phone; calls.md §1.2): its state, who is on it, the
 * number dialled, prompts, and the call plane. Layouts from Wireshark's SkinnyProtocolOptimized.xml
 * as tshark 4.0.17 decodes them (checked in test/sccp-codec), matching chan-sccp's sccp_protocol.h
 * and FreeSWITCH's skinny_protocol.h. Static CallInfo (0x8F) and DisplayPromptStatus (0x112) only:
 * FreeSWITCH sends these to every model (calls.md §7 lesson 5).
 */
import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';
import { decodeU32Fields, encodeU32Fields } from './station-call.js';

/** CallState states (sccp.md §7). */
export const CallStateCode = {
  OffHook: 1,
  OnHook: 2,
  RingOut: 3,
  RingIn: 4,
  Connected: 5,
  Busy: 6,
  Congestion: 7,
  Hold: 8,
  Proceed: 12,
  RemoteMultiline: 13,
  InvalidNumber: 14,
} as const;

/** CallInfo callType: 1 inbound, 2 outbound, 3 forward. */
export const CallType = { Inbound: 1, Outbound: 2, Forward: 3 } as const;

/**
 * CallState (0x0111): u32 callState @0, u32 lineInstance @4, u32 callReference @8, u32 privacy @12,
 * u32 precedenceLevel @16 (4 = routine), u32 precedenceDomain @20.
 */
export interface CallState {
  type: 'CallState';
  callState: number;
  lineInstance: number;
  callReference: number;
  privacy: number;
  precedenceLevel: number;
  precedenceDomain: number;
}

export function decodeCallState(body: Buffer): CallState {
  const [callState, lineInstance, callReference, privacy, precedenceLevel, precedenceDomain] =
    decodeU32Fields(body, 6);
  return {
    type: 'CallState',
    callState,
    lineInstance,
    callReference,
    privacy,
    precedenceLevel,
    precedenceDomain,
  };
}
export function encodeCallState(
  msg: Pick<CallState, 'callState' | 'lineInstance' | 'callReference'> & Partial<CallState>,
): Buffer {
  return encodeU32Fields(
    msg.callState,
    msg.lineInstance,
    msg.callReference,
    msg.privacy ?? 0,
    msg.precedenceLevel ?? 4,
    msg.precedenceDomain ?? 0,
  );
}

/**
 * CallInfo (0x008F), 384 bytes: callingPartyName[40] @0, callingParty[24] @40, calledPartyName[40]
 * @64, calledParty[24] @104, u32 lineInstance @128, u32 callReference @132, u32 callType @136,
 * originalCalledPartyName[40] @140, originalCalledParty[24] @180, lastRedirectingPartyName[40] @204,
 * lastRedirectingParty[24] @244, u32 reasons @268 @272, voicemail boxes 4 × [24] @276, u32
 * callInstance @372, u32 callSecurityStatus @376, u32 partyPIRestrictionBits @380.
 */
export interface CallInfo {
  type: 'CallInfo';
  callingPartyName: string;
  callingParty: string;
  calledPartyName: string;
  calledParty: string;
  lineInstance: number;
  callReference: number;
  callType: number;
  originalCalledPartyName: string;
  originalCalledParty: string;
  lastRedirectingPartyName: string;
  lastRedirectingParty: string;
  /** Why the call left the original called party: CUCM's redirect reason (15 forward all, 1 busy, 2 no answer). */
  originalCdpnRedirectReason: number;
  lastRedirectingReason: number;
  callInstance: number;
}

const CALL_INFO_BYTES = 384;
const NAME = 40;
const NUMBER = 24;

export function decodeCallInfo(body: Buffer): CallInfo {
  const b = zeroFill(body, CALL_INFO_BYTES);
  return {
    type: 'CallInfo',
    callingPartyName: readFixedString(b, 0, NAME),
    callingParty: readFixedString(b, 40, NUMBER),
    calledPartyName: readFixedString(b, 64, NAME),
    calledParty: readFixedString(b, 104, NUMBER),
    lineInstance: b.readUInt32LE(128),
    callReference: b.readUInt32LE(132),
    callType: b.readUInt32LE(136),
    originalCalledPartyName: readFixedString(b, 140, NAME),
    originalCalledParty: readFixedString(b, 180, NUMBER),
    lastRedirectingPartyName: readFixedString(b, 204, NAME),
    lastRedirectingParty: readFixedString(b, 244, NUMBER),
    originalCdpnRedirectReason: b.readUInt32LE(268),
    lastRedirectingReason: b.readUInt32LE(272),
    callInstance: b.readUInt32LE(372),
  };
}

export function encodeCallInfo(
  msg: Omit<
    CallInfo,
    | 'type'
    | 'originalCalledPartyName'
    | 'originalCalledParty'
    | 'lastRedirectingPartyName'
    | 'lastRedirectingParty'
    | 'originalCdpnRedirectReason'
    | 'lastRedirectingReason'
    | 'callInstance'
  > &
    Partial<CallInfo>,
): Buffer {
  const b = Buffer.alloc(CALL_INFO_BYTES);
  writeFixedString(b, 0, NAME, msg.callingPartyName);
  writeFixedString(b, 40, NUMBER, msg.callingParty);
  writeFixedString(b, 64, NAME, msg.calledPartyName);
  writeFixedString(b, 104, NUMBER, msg.calledParty);
  b.writeUInt32LE(msg.lineInstance >>> 0, 128);
  b.writeUInt32LE(msg.callReference >>> 0, 132);
  b.writeUInt32LE(msg.callType >>> 0, 136);
  writeFixedString(b, 140, NAME, msg.originalCalledPartyName ?? msg.calledPartyName);
  writeFixedString(b, 180, NUMBER, msg.originalCalledParty ?? msg.calledParty);
  writeFixedString(b, 204, NAME, msg.lastRedirectingPartyName ?? '');
  writeFixedString(b, 244, NUMBER, msg.lastRedirectingParty ?? '');
  b.writeUInt32LE((msg.originalCdpnRedirectReason ?? 0) >>> 0, 268);
  b.writeUInt32LE((msg.lastRedirectingReason ?? 0) >>> 0, 272);
  b.writeUInt32LE((msg.callInstance ?? 1) >>> 0, 372);
  return b;
}

/** DialedNumber (0x011D): dialedNumber[24] @0, u32 lineInstance @24, u32 callReference @28 (V18+ char[25]: not used by 79x0). */
export interface DialedNumber {
  type: 'DialedNumber';
  dialedNumber: string;
  lineInstance: number;
  callReference: number;
}

export function decodeDialedNumber(body: Buffer): DialedNumber {
  const b = zeroFill(body, 32);
  return {
    type: 'DialedNumber',
    dialedNumber: readFixedString(b, 0, NUMBER),
    lineInstance: b.readUInt32LE(24),
    callReference: b.readUInt32LE(28),
  };
}
export function encodeDialedNumber(msg: Omit<DialedNumber, 'type'>): Buffer {
  const b = Buffer.alloc(32);
  writeFixedString(b, 0, NUMBER, msg.dialedNumber);
  b.writeUInt32LE(msg.lineInstance >>> 0, 24);
  b.writeUInt32LE(msg.callReference >>> 0, 28);
  return b;
}

/** DisplayPromptStatus (0x0112): u32 timeOutValue @0 (0 = stays), promptStatus[32] @4, u32 lineInstance @36, u32 callReference @40. */
export interface DisplayPromptStatus {
  type: 'DisplayPromptStatus';
  timeOutValue: number;
  /** Latin1; 0x80 + a label code is the phone's own localized label (calls.md §1.4). */
  promptStatus: string;
  lineInstance: number;
  callReference: number;
}

export function decodeDisplayPromptStatus(body: Buffer): DisplayPromptStatus {
  const b = zeroFill(body, 44);
  return {
    type: 'DisplayPromptStatus',
    timeOutValue: b.readUInt32LE(0),
    promptStatus: readFixedString(b, 4, 32),
    lineInstance: b.readUInt32LE(36),
    callReference: b.readUInt32LE(40),
  };
}
export function encodeDisplayPromptStatus(msg: Omit<DisplayPromptStatus, 'type'>): Buffer {
  const b = Buffer.alloc(44);
  b.writeUInt32LE(msg.timeOutValue >>> 0, 0);
  writeFixedString(b, 4, 32, msg.promptStatus);
  b.writeUInt32LE(msg.lineInstance >>> 0, 36);
  b.writeUInt32LE(msg.callReference >>> 0, 40);
  return b;
}

/** ClearPromptStatus (0x0113): u32 lineInstance @0, u32 callReference @4. */
export interface ClearPromptStatus {
  type: 'ClearPromptStatus';
  lineInstance: number;
  callReference: number;
}
export function decodeClearPromptStatus(body: Buffer): ClearPromptStatus {
  const [lineInstance, callReference] = decodeU32Fields(body, 2);
  return { type: 'ClearPromptStatus', lineInstance, callReference };
}
export function encodeClearPromptStatus(msg: Omit<ClearPromptStatus, 'type'>): Buffer {
  return encodeU32Fields(msg.lineInstance, msg.callReference);
}

/** ActivateCallPlane (0x0116): u32 lineInstance @0 (0 releases the focus). */
export interface ActivateCallPlane {
  type: 'ActivateCallPlane';
  lineInstance: number;
}
export function decodeActivateCallPlane(body: Buffer): ActivateCallPlane {
  const [lineInstance] = decodeU32Fields(body, 1);
  return { type: 'ActivateCallPlane', lineInstance };
}
export function encodeActivateCallPlane(msg: Omit<ActivateCallPlane, 'type'>): Buffer {
  return encodeU32Fields(msg.lineInstance);
}
