import type { Logger } from 'pino';
import type { Device } from '../../../core/device.js';
import type { PhoneModel } from '../../../core/phone-models.js';
import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { DeviceConnection } from '../../../services/live-registry.js';
import type { FallbackTokens } from '../fallback-pacer.js';
import type { SccpRegistrations } from '../registrations.js';
import type { StationCalls } from '../station-calls.js';
import type { SessionState } from '../session-state.js';
import type { SccpWarningKind } from '../warnings.js';

/** What the phone said of itself in its Register: what the session speaks to it with. */
export interface AnnouncedPhone {
  /** The device name it claims, before the node accepted it. */
  name: string;
  model: PhoneModel | undefined;
  /** The protocol version agreed on (sccp.md §3.2). */
  agreedVersion: number;
}

/** A change of a session's state, with what the new state holds. */
export type SessionMove =
  | { to: 'registering'; phone: AnnouncedPhone }
  | { to: 'registered'; device: Device }
  | { to: 'closing' | 'closed' };

/**
 * One phone's SCCP connection as its message handlers see it: what they may read, and the few
 * things they may do. Handlers translate; the session owns the socket and the state.
 */
export interface StationSession extends DeviceConnection {
  readonly state: SessionState;
  readonly log: Logger;
  /** The node's registration service, in process or behind the SCCP worker IPC. */
  readonly registration: SccpRegistrations;
  /** The phone's calls: what its keys mean, and how the node's commands reach it. */
  readonly calls: StationCalls;
  readonly keepaliveSeconds: number;
  now(): Date;
  /** Set on Register. */
  readonly phone: AnnouncedPhone | null;
  /** The device the node accepted on this connection; null before. */
  readonly device: Device | null;
  /** Why the registration will end when the connection does. */
  readonly closeReason: UnregistrationReason;
  /** What this connection has already logged: a phone that repeats itself must not fill the log. */
  readonly logged: { alarms: number; secondRegister: boolean };
  /**
   * Logs a warning the peer can draw at will (folded with those of other connections); `what` names
   * this one in the folded line, after the peer's address.
   */
  warn(kind: SccpWarningKind, fields: Record<string, unknown>, message: string, what: string): void;
  /** Where the phone reached this node (ServerRes names it). */
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** The node's fallback tokens (RegisterTokenRequest before Register). */
  readonly tokens: FallbackTokens;
  /** The peer's IP address alone. */
  readonly peerIp: string;
  /**
   * Holds this not-yet-registered connection as a standby one (KeepAlive or a token request
   * before Register, cluster.md §1.3); false when a standby limit closed it instead.
   */
  holdAsStandby(device?: string): boolean;
  /** The one way a session changes state. */
  transition(move: SessionMove): void;
  /** Sends one message; `headerVersion` defaults to the one agreed at Register (sccp.md §1). */
  send(messageId: number, body: Buffer, headerVersion?: number): void;
  /** Closes our side after what was sent; a peer that does not close its own is cut off. */
  hangUp(reason?: UnregistrationReason): void;
  /** A message could not be handled: a bug in openucm; this connection alone pays for it. */
  failed(error: unknown, messageId?: number): void;
}

/** Handles one decoded message on a session. */
export type Handler<M> = (message: M, session: StationSession) => void;
