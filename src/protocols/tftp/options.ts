/**
 * Option negotiation for a read request: blksize (RFC 2348), tsize and timeout (RFC 2349).
 * Pure: given what the client asked for and the file size, decide what we grant.
 */
import type { TftpOptions } from './packets.js';

/** RFC 1350 §2: "data is relayed in blocks of 512 bytes" unless blksize is negotiated. */
export const DEFAULT_BLOCK_SIZE = 512;
/** RFC 2348: "Valid values range between 8 and 65464 octets, inclusive." */
export const MIN_BLOCK_SIZE = 8;
export const MAX_BLOCK_SIZE = 65464;
/** 1500-byte Ethernet MTU − 20 (IPv4) − 8 (UDP) − 4 (TFTP header): the largest block that never fragments. */
export const DEFAULT_MAX_GRANTED_BLOCK_SIZE = 1468;
/** RFC 2349: "Valid values range between 1 and 255 seconds inclusive." */
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 255;

export interface NegotiatedOptions {
  /** Bytes per DATA block. */
  blockSize: number;
  /** Retransmission timeout in ms when the client negotiated one, otherwise null (use the server default). */
  timeoutMs: number | null;
  /** Options to acknowledge in an OACK, in the client's order; null when no option was accepted (send DATA 1). */
  oack: TftpOptions | null;
  /** A valid timeout the client asked for that is above the server's limit, left out of the OACK. */
  refusedTimeoutSeconds?: number;
}

/** Strict non-negative decimal integer; "1e3", "0x10", "12abc" and "" are not numbers here. */
function parseCount(value: string): number | null {
  if (!/^\d{1,10}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * Validates an operator-chosen cap on the block size; throws with a message naming the rule.
 */
export function checkMaxBlockSize(maxBlockSize: number): number {
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < MIN_BLOCK_SIZE || maxBlockSize > MAX_BLOCK_SIZE) {
    throw new RangeError(
      `TFTP maxBlockSize must be an integer from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE} (RFC 2348), got ${maxBlockSize}`,
    );
  }
  return maxBlockSize;
}

/**
 * Decides the options of one read transfer. Unknown or invalid options are left out of the OACK, and so
 * is a timeout above `maxTimeoutSeconds`.
 */
export function negotiateReadOptions(
  requested: TftpOptions,
  fileSize: number,
  maxBlockSize: number = DEFAULT_MAX_GRANTED_BLOCK_SIZE,
  maxTimeoutSeconds: number = MAX_TIMEOUT_SECONDS,
): NegotiatedOptions {
  const oack = new Map<string, string>();
  let blockSize = DEFAULT_BLOCK_SIZE;
  let timeoutMs: number | null = null;
  let refusedTimeoutSeconds: number | undefined;

  for (const [name, value] of requested) {
    switch (name) {
      case 'blksize': {
        const wanted = parseCount(value);
        if (wanted === null || wanted < MIN_BLOCK_SIZE) break;
        // RFC 2348: the OACK value "must be less than or equal to the value specified by the client".
        blockSize = Math.min(wanted, MAX_BLOCK_SIZE, maxBlockSize);
        oack.set('blksize', String(blockSize));
        break;
      }
      case 'tsize': {
        if (parseCount(value) === null) break;
        // RFC 2349: "In Read Request packets, a size of "0" is specified ... and the size of the file ... is returned in the OACK."
        oack.set('tsize', String(fileSize));
        break;
      }
      case 'timeout': {
        const seconds = parseCount(value);
        if (seconds === null || seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS) break;
        // RFC 2349: "The specified timeout value must match the value specified by the client" — so a
        // value above our limit cannot be lowered in the OACK; it is refused by leaving it out (RFC 2347).
        if (seconds > maxTimeoutSeconds) {
          refusedTimeoutSeconds = seconds;
          break;
        }
        timeoutMs = seconds * 1000;
        oack.set('timeout', String(seconds));
        break;
      }
      default:
        // RFC 2347: "Options which the server does not support should be omitted from the OACK".
        break;
    }
  }

  const negotiated: NegotiatedOptions = { blockSize, timeoutMs, oack: oack.size > 0 ? oack : null };
  if (refusedTimeoutSeconds !== undefined) negotiated.refusedTimeoutSeconds = refusedTimeoutSeconds;
  return negotiated;
}

/** Options as a log line shows them: a datagram may carry thousands; the first few, values cut short. */
export function optionsForLog(options: TftpOptions): Record<string, string> {
  const shown: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of options) {
    if (++count > 8) {
      shown['…'] = `${options.size - 8} more`;
      break;
    }
    shown[name.slice(0, 32)] = value.slice(0, 32);
  }
  return shown;
}
