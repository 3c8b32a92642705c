/** What a TftpServer is built with: where it listens, what it serves, and its bounds. */
import type { Logger } from 'pino';
import type { LimitReporter } from '../../services/limit-log.js';
import type { Clock } from './clock.js';
import type { TftpEvent } from './events.js';
import type { TftpFileSource } from '../../services/file-source.js';

export interface TftpServerOptions {
  /** Address to listen on; default 0.0.0.0. */
  host?: string;
  /** UDP port; 0 picks a free one. */
  port: number;
  files: TftpFileSource;
  logger: Logger;
  /** Largest blksize granted (RFC 2348 allows 8..65464); default 1468, which fits a 1500-byte MTU. */
  maxBlockSize?: number;
  onEvent?: (event: TftpEvent) => void;
  /** Retransmission timeout in ms when the client negotiates none; default 2000. */
  timeoutMs?: number;
  /** Retransmissions before a transfer is abandoned; default 5. */
  maxRetries?: number;
  /** Retransmissions of the first packet to a client that has acknowledged nothing yet; default 1. */
  firstPacketRetransmissions?: number;
  /** Transfers in progress at once in all (requests being opened count too). */
  maxTransfers?: number;
  /** Transfers in progress at once from one source address. */
  maxTransfersPerAddress?: number;
  /** Largest RFC 2349 timeout a client may ask for; a larger one is left out of the OACK. */
  maxTimeoutSeconds?: number;
  /** Error answers (not found, busy, illegal…) one source address gets per second. */
  errorRepliesPerSecond?: number;
  /** Told of every refusal at a limit (counted and logged once per source per interval). */
  limits?: LimitReporter;
  clock?: Clock;
}
