import cluster from 'node:cluster';
import net from 'node:net';
import type { Logger } from 'pino';
import type { FoldedWarnings } from '../../services/folded-warning.js';
import type { LimitReporter } from '../../services/limit-log.js';
import { AddressSlots } from '../address-slots.js';
import type { FallbackTokens } from './fallback-pacer.js';
import { KeepaliveSupervisor } from './keepalive-supervisor.js';
import { StandbyConnections } from './standby-connections.js';
import type { SccpCalls } from './calls.js';
import type { SccpRegistrations } from './registrations.js';
import type { SessionLimits } from './session-deps.js';
import { SccpSession } from './session.js';
import { sccpWarnings } from './warnings.js';
import type { SccpWarningKind } from './warnings.js';

/** The per-connection and per-process bounds of one SCCP listener (README: Security and limits). */
export interface SccpServerLimits extends SessionLimits {
  maxConnectionsPerAddress: number;
  /** Standby connections (KeepAlive before Register) in this process, and from one address. */
  maxStandbyConnections: number;
  maxStandbyConnectionsPerAddress: number;
}

export interface SccpServerOptions {
  host: string;
  port: number;
  keepaliveSeconds: number;
  /** The in-process RegistrationService, or the IPC proxy in an SCCP worker process. */
  registration: SccpRegistrations;
  /** The node's calls: the SccpCallAdapter in process, IpcCalls in an SCCP worker. */
  calls: SccpCalls;
  /** The node's fallback pacer (RegisterTokenRequest), in process or behind the worker IPC. */
  tokens: FallbackTokens;
  logger: Logger;
  clock: () => Date;
  limits: SccpServerLimits;
  /** Refusals at a limit are reported here: the node's LimitLog, or its proxy in a worker. */
  reporter: LimitReporter;
  /**
   * Phones this process holds at most (a socket each, within its open-file limit), and for the
   * refusal message who holds them ("this node", "SCCP worker 2") and what sets the number.
   */
  capacity: { phones: number; holder: string; limitedBy: string };
  /**
   * In an SCCP worker: the server stops listening as soon as it is full, so that the kernel hands
   * new phones to the other workers, and says so here (and again when it has room and listens
   * again). When every worker is full the primary has them listen and refuse
   * ({@link listenAgain}), and later stop again ({@link pause}). Without it (the node's own
   * process) the server listens throughout, refuses at its capacity and logs when it fills.
   */
  onCapacity?(full: boolean, phones: number): void;
}

/** A full process reports room again once the phones it holds fall below this share of its capacity. */
const ROOM_AT = 0.95;
/** Listener errors (failed accepts) are logged at most this often. */
const LISTENER_ERROR_LOG_MS = 10_000;

/** The Skinny listener (TCP 2000): owns the socket and the sessions, nothing else. */
export class SccpServer {
  private readonly server = net.createServer({ noDelay: true, keepAlive: true });
  private readonly sessions = new Set<SccpSession>();
  private readonly supervisor: KeepaliveSupervisor;
  private readonly registerDeadlines: KeepaliveSupervisor;
  /** Connections that KeepAlive before Register: phones that keep this node as their backup. */
  readonly standby: StandbyConnections;
  /** The connections this process holds, in all and per source address. */
  private readonly admission: AddressSlots<'sccpMaxConnections' | 'sccpMaxConnectionsPerAddress'>;
  private full = false;
  private paused = false;
  private stopping = false;
  private port = 0;
  private lastListenerErrorAt = 0;
  private readonly warnings: FoldedWarnings<SccpWarningKind>;

  constructor(private readonly options: SccpServerOptions) {
    const now = () => options.clock().getTime();
    // Two intervals plus 5 s grace: one lost keepalive is tolerated (sccp.md §3.5: server policy).
    this.supervisor = new KeepaliveSupervisor(options.keepaliveSeconds * 2000 + 5000, now);
    this.registerDeadlines = new KeepaliveSupervisor(options.limits.registerTimeoutSeconds * 1000, now);
    this.admission = new AddressSlots({
      total: { max: options.capacity.phones, limit: 'sccpMaxConnections' },
      perAddress: { max: options.limits.maxConnectionsPerAddress, limit: 'sccpMaxConnectionsPerAddress' },
    });
    this.warnings = sccpWarnings(options.logger, now);
    this.standby = new StandbyConnections({
      keepaliveSeconds: options.keepaliveSeconds,
      max: options.limits.maxStandbyConnections,
      maxPerAddress: options.limits.maxStandbyConnectionsPerAddress,
      reporter: options.reporter,
      now,
    });
    this.server.on('connection', (socket) => this.accept(socket));
    this.server.on('error', (error) => this.onListenerError(error));
  }

  private accept(socket: net.Socket): void {
    const ip = socket.remoteAddress;
    // Gone before we saw it.
    if (!ip) {
      socket.destroy();
      return;
    }
    const refusal = this.admission.take(ip);
    if (refusal) {
      this.refuse(socket, ip, refusal);
      return;
    }
    const session = new SccpSession(socket, {
      registration: this.options.registration,
      calls: this.options.calls,
      supervisor: this.supervisor,
      registerDeadlines: this.registerDeadlines,
      standby: this.standby,
      tokens: this.options.tokens,
      limits: this.options.limits,
      reporter: this.options.reporter,
      keepaliveSeconds: this.options.keepaliveSeconds,
      clock: this.options.clock,
      logger: this.options.logger,
      warnings: this.warnings,
      onClosed: () => {
        this.sessions.delete(session);
        this.admission.release(ip);
        this.roomAgain();
      },
    });
    this.sessions.add(session);
    if (!this.full && this.admission.held >= this.options.capacity.phones) this.filledUp();
  }

  /** Closes a connection at a limit at once, and reports it (counted, logged). */
  private refuse(
    socket: net.Socket,
    ip: string,
    limit: 'sccpMaxConnections' | 'sccpMaxConnectionsPerAddress',
  ): void {
    const { capacity, limits } = this.options;
    const message =
      limit === 'sccpMaxConnections'
        ? `not accepting more SCCP connections: ${capacity.holder} holds ${this.admission.held} phones, its limit (${capacity.limitedBy}); refused a connection from ${ip}`
        : `refused an SCCP connection from ${ip}: that address holds ${this.admission.heldBy(ip)} connections, the most one address may (--sccp-max-connections-per-address ${limits.maxConnectionsPerAddress}); if many phones share it (NAT), raise the limit`;
    this.options.reporter.reached(limit, { address: ip }, message);
    socket.destroy();
  }

  private filledUp(): void {
    this.full = true;
    const { capacity, onCapacity } = this.options;
    if (onCapacity) {
      // At once, not on the primary's word: during a storm its answer can take a second, and each
      // phone the kernel hands this worker meanwhile would be refused although others have room.
      this.pause();
      onCapacity(true, this.admission.held);
      return;
    }
    this.options.logger.warn(
      { phones: this.admission.held },
      `not accepting more SCCP connections: ${capacity.holder} holds ${this.admission.held} phones, its limit (${capacity.limitedBy}); new phones are refused until some leave`,
    );
  }

  private roomAgain(): void {
    if (!this.full || this.stopping || this.admission.held >= this.options.capacity.phones * ROOM_AT) return;
    this.full = false;
    if (this.paused) this.listenAgain();
    if (this.options.onCapacity) this.options.onCapacity(false, this.admission.held);
    else this.options.logger.info({ phones: this.admission.held }, 'accepting SCCP connections again');
  }

  /**
   * Stops listening while this process is full, so that the other SCCP workers take the new
   * phones (the kernel would otherwise keep handing some to this one, to be refused). Ignored
   * once it has room again.
   */
  pause(): void {
    if (!this.full || this.paused || this.stopping) return;
    this.paused = true;
    this.server.close();
  }

  /** Listens again after {@link pause}: room again, or the whole node is full and refusals must be seen. */
  listenAgain(): void {
    if (!this.paused || this.stopping) return;
    this.paused = false;
    // A cluster worker asks again for the configured port (the shared socket: the primary
    // resolves port 0 before forking); alone, the port it had.
    const port = cluster.isWorker ? this.options.port : this.port;
    this.server.listen({ host: this.options.host, port, backlog: 4096 });
  }

  private onListenerError(error: NodeJS.ErrnoException): void {
    const now = Date.now();
    if (now - this.lastListenerErrorAt < LISTENER_ERROR_LOG_MS) return;
    this.lastListenerErrorAt = now;
    const files = error.code === 'EMFILE' || error.code === 'ENFILE';
    this.options.logger.error(
      { err: error, phones: this.admission.held },
      files
        ? 'SCCP listener cannot accept: the process has no file descriptor left; raise the open-file limit (ulimit -n) or lower --sccp-max-connections (further such errors within 10 s are not logged)'
        : 'SCCP listener error (further errors within 10 s are not logged)',
    );
  }

  /** Listens; resolves with the actual port (0 picks one). */
  start(): Promise<number> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          new Error(
            `cannot listen for SCCP on ${host}:${port} (${error.code ?? error.message}): choose another port with --sccp-port / OPENUCM_SCCP_PORT`,
            { cause: error },
          ),
        );
      };
      this.server.once('error', onError);
      this.server.listen({ host, port, backlog: 4096 }, () => {
        this.server.off('error', onError);
        this.supervisor.start();
        this.registerDeadlines.start();
        this.standby.start();
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Stops listening and closes every session (each registered phone is unregistered). */
  async stop(): Promise<void> {
    this.supervisor.stop();
    this.registerDeadlines.stop();
    this.standby.stop();
    this.stopping = true;
    // A paused server is not listening: its close() already happened.
    const closed = this.paused
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.close('node-shutdown');
    const deadline = Date.now() + 3000;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const session of this.sessions) session.close('node-shutdown');
    await closed;
    this.warnings.flush();
  }
}
