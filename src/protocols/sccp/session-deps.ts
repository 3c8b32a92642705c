import type { Logger } from 'pino';
import type { FoldedWarnings } from '../../services/folded-warning.js';
import type { LimitReporter } from '../../services/limit-log.js';
import type { FallbackTokens } from './fallback-pacer.js';
import type { KeepaliveSupervisor } from './keepalive-supervisor.js';
import type { SccpCalls } from './calls.js';
import type { SccpRegistrations } from './registrations.js';
import type { StandbyConnections } from './standby-connections.js';
import type { SccpWarningKind } from './warnings.js';

/** What one connection may hold or take (README: Security and limits, SCCP). */
export interface SessionLimits {
  registerTimeoutSeconds: number;
  maxPendingFrames: number;
  maxQueuedBytes: number;
}

/** What a session is built from: the node's services it talks to, its limits, its clock. */
export interface SessionDeps {
  /** The node's registration service, in process or behind the SCCP worker IPC. */
  registration: SccpRegistrations;
  /** The node's calls, in process or behind the SCCP worker IPC. */
  calls: SccpCalls;
  /** Unregisters phones whose keepalives stop. */
  supervisor: KeepaliveSupervisor;
  /** Closes connections that send no Register in time (a sweeper with the register timeout). */
  registerDeadlines: KeepaliveSupervisor;
  /** Connections that KeepAlive or ask for a fallback token before Register (cluster.md §1.3). */
  standby: StandbyConnections;
  /** The node's fallback tokens (RegisterTokenRequest), paced node-wide. */
  tokens: FallbackTokens;
  limits: SessionLimits;
  /** Every refusal at a limit is reported here (counted and logged by the node). */
  reporter: LimitReporter;
  keepaliveSeconds: number;
  clock: () => Date;
  logger: Logger;
  /** The warnings a peer can draw at will, folded across this listener's connections. */
  warnings: FoldedWarnings<SccpWarningKind>;
  /** Called once when the socket has closed. */
  onClosed(): void;
}
