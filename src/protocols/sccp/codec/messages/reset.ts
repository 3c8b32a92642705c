import { decodeU32Body, encodeU32Body } from '../u32-body.js';

/** Reference §3.15: Reset types (1 reboots; 2 is believed to re-register without reboot). */
export const ResetType = { Reset: 1, Restart: 2, ApplyConfig: 3 } as const;

/** Reset (0x009F, server → phone). */
export interface Reset {
  type: 'Reset';
  resetType: number;
}

// Reference §3.15: body u32 resetType.
export function decodeReset(body: Buffer): Reset {
  return { type: 'Reset', resetType: decodeU32Body(body) };
}

export function encodeReset(msg: Omit<Reset, 'type'>): Buffer {
  return encodeU32Body(msg.resetType);
}
