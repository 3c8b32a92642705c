import cluster from 'node:cluster';
import net from 'node:net';
import type { Logger } from 'pino';
import type { LimitReporter } from '../../services/limit-log.js';
import { KeepaliveSupervisor } from './keepalive-supervisor.js';
import type { SccpRegistrar } from './registrar.js';
import type { SessionLimits } from './session.js';
import { SccpSession } from './session.js';

/** The per-connection bounds of one SCCP listener (README: Security and limits). */
export type SccpServerLimits = SessionLimits;

export interface SccpServerOptions {
  host: string;
  port: number;
  keepaliveSeconds: number;
  /** The in-process RegistrationService, or the IPC proxy in an SCCP worker process. */
  registration: SccpRegistrar;
  logger: Logger;
  clock: () => Date;
  limits: SccpServerLimits;
  /** Refusals at a limit are reported here: the node's LimitLog, or its proxy in a worker. */
  reporter: LimitReporter;
  /**
   * Phones held at most (a socket each, under the process's open-file limit). At the limit the
   * server stops accepting until some leave; with SCCP workers the others take new phones.
   */
  maxConnections?: number;
}

/** Accepting resumes once the phones held fall below this share of maxConnections. */
const RESUME_AT = 0.95;

/** The Skinny listener (TCP 2000): owns the socket and the sessions, nothing else. */
export class SccpServer {
  private readonly server = net.createServer({ noDelay: true, keepAlive: true });
  private readonly sessions = new Set<SccpSession>();
  private readonly supervisor: KeepaliveSupervisor;
  private readonly registerDeadlines: KeepaliveSupervisor;
  private paused = false;
  private stopping = false;
  private port = 0;

  constructor(private readonly options: SccpServerOptions) {
    const now = () => options.clock().getTime();
    // Two intervals plus 5 s grace: one lost keepalive is tolerated (sccp.md §3.5: server policy).
    this.supervisor = new KeepaliveSupervisor(options.keepaliveSeconds * 2000 + 5000, now);
    this.registerDeadlines = new KeepaliveSupervisor(options.limits.registerTimeoutSeconds * 1000, now);
    // Connections already queued when accepting pauses still arrive: a hard cap above the pause point.
    if (options.maxConnections) this.server.maxConnections = options.maxConnections + 1000;
    this.server.on('connection', (socket) => this.accept(socket));
    this.server.on('error', (error) => options.logger.error({ err: error }, 'SCCP listener error'));
  }

  private accept(socket: net.Socket): void {
    const session = new SccpSession(socket, {
      registration: this.options.registration,
      supervisor: this.supervisor,
      registerDeadlines: this.registerDeadlines,
      limits: this.options.limits,
      reporter: this.options.reporter,
      keepaliveSeconds: this.options.keepaliveSeconds,
      clock: this.options.clock,
      logger: this.options.logger,
      onClosed: (s) => {
        this.sessions.delete(s);
        this.resumeIfRoom();
      },
    });
    this.sessions.add(session);
    const max = this.options.maxConnections;
    if (max && !this.paused && this.sessions.size >= max) {
      this.paused = true;
      this.server.close();
      this.options.logger.warn(
        { phones: this.sessions.size },
        `holding ${this.sessions.size} phones, this process's limit: not accepting new SCCP connections until some leave (other SCCP workers take them; add --sccp-workers for more)`,
      );
    }
  }

  private resumeIfRoom(): void {
    const max = this.options.maxConnections;
    if (!this.paused || this.stopping || !max || this.sessions.size >= max * RESUME_AT) return;
    this.paused = false;
    // A cluster worker asks again for the configured port (the shared socket); alone, the port it had.
    const port = cluster.isWorker ? this.options.port : this.port;
    this.server.listen({ host: this.options.host, port, backlog: 4096 });
    this.options.logger.info({ phones: this.sessions.size }, 'accepting SCCP connections again');
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
  }
}
