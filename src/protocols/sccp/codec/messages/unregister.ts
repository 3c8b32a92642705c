import { decodeU32Body, encodeU32Body } from '../u32-body.js';

/** Reference §3.4: Unregister reasons. */
export const UnregisterReason = { Unknown: 0, PowerSave: 1 } as const;
/** Reference §3.4: UnregisterAck status (2 = refused because a call is active). */
export const UnregisterAckStatus = { Ok: 0, Error: 1, Nak: 2 } as const;

/** Unregister (0x0027, phone → server). */
export interface Unregister {
  type: 'Unregister';
  /** 0 unknown, 1 power-save; 0 when the body is empty, as on old phones. */
  reason: number;
}

/** UnregisterAck (0x0118, server → phone). */
export interface UnregisterAck {
  type: 'UnregisterAck';
  status: number;
}

// Reference §3.4: Unregister body u32 reason (may be empty on old phones).
export function decodeUnregister(body: Buffer): Unregister {
  return { type: 'Unregister', reason: decodeU32Body(body) };
}

export function encodeUnregister(msg: Omit<Unregister, 'type'>): Buffer {
  return encodeU32Body(msg.reason);
}

// Reference §3.4: UnregisterAck body u32 status.
export function decodeUnregisterAck(body: Buffer): UnregisterAck {
  return { type: 'UnregisterAck', status: decodeU32Body(body) };
}

export function encodeUnregisterAck(msg: Omit<UnregisterAck, 'type'>): Buffer {
  return encodeU32Body(msg.status);
}
