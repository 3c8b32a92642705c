import type { LimitSpec } from './limit.js';

/** Limits of provisioning: TFTP (UDP 69) and HTTP (TCP 6970). */
export const provisioningLimits = {
  tftpMaxTransfers: {
    default: 2000,
    min: 1,
    max: 100_000,
    help: 'TFTP transfers in progress at once in all',
  },
  tftpMaxTransfersPerAddress: {
    default: 20,
    min: 1,
    max: 100_000,
    help: 'TFTP transfers in progress at once from one source address',
  },
  tftpMaxTimeoutSeconds: {
    default: 5,
    min: 1,
    max: 255,
    help: 'largest retransmission timeout a TFTP client may ask for with the RFC 2349 timeout option',
  },
} satisfies Record<string, LimitSpec>;
