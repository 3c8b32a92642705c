import type { LimitSpec } from './limit.js';

/** Limits of firmware loads uploaded through the administration API (Device > Firmware Loads). */
export const firmwareLimits = {
  firmwareMaxFileBytes: {
    default: 256 * 1024 * 1024,
    min: 1,
    max: 4 * 1024 * 1024 * 1024,
    help: 'bytes one uploaded firmware file may have; a larger upload is refused (413) and the file of that name already stored is kept',
  },
} satisfies Record<string, LimitSpec>;
