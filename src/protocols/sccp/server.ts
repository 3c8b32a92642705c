import net from 'node:net';
import type { Logger } from 'pino';
import { KeepaliveSupervisor } from './keepalive-supervisor.js';
import type { SccpRegistrar } from './registrar.js';
import { SccpSession } from './session.js';

export interface SccpServerOptions {
  host: string;
  port: number;
  keepaliveSeconds: number;
  /** The in-process RegistrationService, or the IPC proxy in an SCCP worker process. */
  registration: SccpRegistrar;
  logger: Logger;
  clock: () => Date;
  /** Connections held at most; one more is closed at once (the phone retries, on another worker). */
  maxConnections?: number;
}

/** The Skinny listener (TCP 2000): owns the socket and the sessions, nothing else. */
export class SccpServer {
  private readonly server = net.createServer({ noDelay: true, keepAlive: true });
  private readonly sessions = new Set<SccpSession>();
  private readonly supervisor: KeepaliveSupervisor;

  constructor(private readonly options: SccpServerOptions) {
    // Two intervals plus 5 s grace: one lost keepalive is tolerated (sccp.md §3.5: server policy).
    this.supervisor = new KeepaliveSupervisor(options.keepaliveSeconds * 2000 + 5000, () =>
      options.clock().getTime(),
    );
    if (options.maxConnections) this.server.maxConnections = options.maxConnections;
    this.server.on('connection', (socket) => this.accept(socket));
    this.server.on('error', (error) => options.logger.error({ err: error }, 'SCCP listener error'));
  }

  private accept(socket: net.Socket): void {
    const session = new SccpSession(socket, {
      registration: this.options.registration,
      supervisor: this.supervisor,
      keepaliveSeconds: this.options.keepaliveSeconds,
      clock: this.options.clock,
      logger: this.options.logger,
      onClosed: (s) => this.sessions.delete(s),
    });
    this.sessions.add(session);
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
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Stops listening and closes every session (each registered phone is unregistered). */
  async stop(): Promise<void> {
    this.supervisor.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.close('node-shutdown');
    const deadline = Date.now() + 3000;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const session of this.sessions) session.close('node-shutdown');
    await closed;
  }
}
