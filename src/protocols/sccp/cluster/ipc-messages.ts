/**
 * Messages between the node's primary process and its SCCP worker processes (`--sccp-workers`).
 * Workers own the Skinny sockets; the primary owns the database and decides registrations.
 */
import type { LegCommand } from '../../../core/call/call-command.js';
import type { ForwardReply } from '../forward-all-key.js';
import type { Party } from '../../../core/call/call.js';
import type { DeviceProtocol } from '../../../core/device.js';
import type { LegEvent } from '../../../services/calls/call-ports.js';
import type { SccpCallDevice } from '../calls.js';
import type { RegistrationRequest, RegistrationResult } from '../../../core/registration.js';
import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { ResetType } from '../../../services/live-registry.js';
import type { SccpServerLimits } from '../server.js';
import type { RefusalCount } from './refusal-tally.js';
import type { TokenAnswer } from '../fallback-pacer.js';
import type { UnexpectedErrorReport } from '../../../runtime/process-guard.js';

/** What a worker is started with (environment variable OPENUCM_SCCP_WORKER, JSON). */
export interface WorkerSettings {
  host: string;
  port: number;
  keepaliveSeconds: number;
  nodeName: string;
  logLevel: string;
  /** 1-based worker number, for logs. */
  index: number;
  limits: SccpServerLimits;
  /** Phones this worker holds at most (its share of the node's), and what sets the node's number. */
  capacity: { phones: number; nodePhones: number; limitedBy: string };
}

export const WORKER_SETTINGS_ENV = 'OPENUCM_SCCP_WORKER';

/** A RegistrationRequest with the model named by its catalogue key (the primary looks it up). */
export type WireRegistrationRequest = Omit<RegistrationRequest, 'model'> & { model?: string };

export type WorkerToPrimary =
  | { type: 'listening'; port: number }
  | { type: 'register'; id: number; conn: number; request: WireRegistrationRequest }
  | {
      type: 'unregistered';
      conn: number;
      device: { name: string; protocol: DeviceProtocol; model: string };
      reason: UnregistrationReason;
    }
  | { type: 'log'; line: string }
  /** An error that escaped every handler in the worker, for the node's process guard. */
  | { type: 'unexpected-error'; report: UnexpectedErrorReport }
  /** Clients refused at limits, counted per limit and source: the primary counts them in /metrics and logs them. */
  | { type: 'refusals'; counts: RefusalCount[] }
  /** This worker is full (holds its share of the node's phones), or has room again. */
  | { type: 'capacity'; full: boolean; phones: number }
  | { type: 'stopped' }
  /** A RegisterTokenRequest: the primary's pacer answers (the pace is node-wide). */
  | { type: 'token-request'; id: number; device: string; address: string }
  /** Standby connections this worker holds now (sent when the number changes, at most once a second). */
  | { type: 'standby'; count: number }
  /** Calls (IpcCalls): a session's phone can place and receive calls, is gone, goes off-hook, sends an event. */
  | { type: 'call-attach'; conn: number; device: SccpCallDevice }
  | { type: 'call-detach'; conn: number }
  | {
      type: 'call-off-hook';
      conn: number;
      callReference: number;
      line: number;
      party: Party;
      /** NewCall, PickUp, GPickUp: a new call even while one rings (SccpCalls.offHook). */
      placesCall?: boolean;
    }
  | { type: 'call-event'; conn: number; callReference: number; event: LegEvent }
  /** CFwdAll on a line: a press (target absent) or the number entered. */
  | { type: 'call-forward-all'; conn: number; line: number; dn: string; target?: string }
  | { type: 'call-transfer'; conn: number; heldReference: number; consultReference: number }
  | { type: 'call-conference'; conn: number; heldReference: number; consultReference: number };

/** A leg command for the session `conn` names (conn is IpcCalls' number, not IpcRegistrations'). */
export interface CallsToWorker {
  type: 'leg-command';
  conn: number;
  callReference: number;
  line: number;
  command: LegCommand;
}

/** What the primary tells a worker's IpcRegistrations. */
export type RegistrationsToWorker =
  | { type: 'register-result'; id: number; result: RegistrationResult }
  | { type: 'register-failed'; id: number; message: string }
  | { type: 'reset'; conn: number; resetType: ResetType }
  | { type: 'close'; conn: number; reason: UnregistrationReason };

/** The node's answer to a CFwdAll of the session `conn` names. */
export interface ForwardReplyToWorker {
  type: 'forward-reply';
  conn: number;
  line: number;
  reply: ForwardReply;
}

export type PrimaryToWorker =
  | RegistrationsToWorker
  | CallsToWorker
  | ForwardReplyToWorker
  /** The pacer's answer to a worker's token-request. */
  | { type: 'token-answer'; id: number; answer: TokenAnswer }
  /** Stop listening while full: another worker has room. */
  | { type: 'pause' }
  /** Listen (and refuse) although full: every worker is full, and refusals must be seen and counted. */
  | { type: 'listen' }
  | { type: 'stop' };

/** What actually crosses the IPC channel: messages of one event-loop turn, in order. */
export interface IpcEnvelope<T> {
  batch: T[];
}
