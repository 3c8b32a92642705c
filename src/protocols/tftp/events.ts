/**
 * What the TFTP server reports to the rest of openucm (the provisioning layer records which files each
 * phone fetched). Every event carries the peer; the optional fields are present where they mean something.
 */
import type { TftpPeer } from '../../services/file-source.js';

interface TftpEventFields {
  /** The client that asked. */
  peer: TftpPeer;
  /** The normalized file name (for 'refused-name': the name as requested). */
  file?: string;
  /** File size for 'read-started'/'read-completed'; bytes acknowledged by the client for failures. */
  bytes?: number;
  /** One line for a human: why, and what to do about it when anything. */
  detail?: string;
}

export type TftpEvent = TftpEventFields &
  (
    | { type: 'read-started'; file: string; bytes: number }
    | { type: 'read-completed'; file: string; bytes: number }
    | { type: 'not-found'; file: string }
    | { type: 'refused-write'; file: string; detail: string }
    | { type: 'refused-name'; file: string; detail: string }
    /** Over a transfer limit: answered "Server busy" (error 0). */
    | { type: 'refused-busy'; file: string; detail: string }
    | { type: 'timed-out'; file: string; bytes: number; detail: string }
    /** The client sent an ERROR mid-transfer, or the file could not be read. */
    | { type: 'aborted'; file: string; bytes: number; detail: string }
    | { type: 'malformed'; detail: string }
  );

export type TftpEventType = TftpEvent['type'];
