/**
 * The SIP listeners of a node: UDP and TCP on one port, WebSocket through the HTTP server, one
 * core behind them (transactions, registrar, digest). Owns sockets and timers, nothing else.
 */
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Clock } from '../../services/clock.js';
import { systemClock } from '../../services/clock.js';
import type { ResetType } from '../../services/live-registry.js';
import { DigestPolicy } from './auth/digest-policy.js';
import type { DeviceEntry } from './registrar/binding-store.js';
import type { CredentialLookup } from './registrar/credentials.js';
import type { ExpiresPolicy } from './registrar/register-plan.js';
import { DEFAULT_EXPIRES_POLICY } from './registrar/register-plan.js';
import type { RegistrationPort, RejectionRecorder } from './registrar/registrar.js';
import { Registrar } from './registrar/registrar.js';
import { serviceControlNotify } from './registrar/service-control.js';
import { SipCore } from './sip-core.js';
import { ClientTransactionTable } from './transaction/client-transactions.js';
import { ServerTransactionTable } from './transaction/server-transactions.js';
import type { SipTimers } from './transaction/timers.js';
import { formatAddress } from './transport/flow.js';
import { TcpTransport } from './transport/tcp-transport.js';
import { UdpTransport } from './transport/udp-transport.js';
import type { WebSocketPeer } from './transport/websocket-transport.js';
import { WebSocketTransport } from './transport/websocket-transport.js';

export interface SipServerOptions {
  host: string;
  /** UDP and TCP port (0 picks one, the same for both). */
  port: number;
  registration: RegistrationPort;
  credentials: CredentialLookup;
  /** Records the refusals the registrar decides itself (the node's refusal log). */
  recorder: RejectionRecorder;
  logger: Logger;
  clock: Clock;
  nodeName: string;
  /** Version for the Server / User-Agent header. */
  version: string;
  /** Address phones know this node by (Via/Contact of requests we send), when the bind address is not it. */
  advertiseAddress?: string;
  /** warn-agent of Warning headers (default: the advertised address, else the node name). */
  warnAgent?: string;
  realm?: string;
  policy?: ExpiresPolicy;
  timers?: SipTimers;
  /** Most TCP connections at once (default 10,000; each costs a file descriptor). */
  maxTcpConnections?: number;
}

const PORT_ATTEMPTS = 5;

export class SipServer {
  readonly registrar: Registrar;
  readonly transactions: ServerTransactionTable;
  private readonly clients: ClientTransactionTable;
  private readonly core: SipCore;
  private readonly ws: WebSocketTransport;
  private udp: UdpTransport | null = null;
  private tcp: TcpTransport | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private connections = 0;
  private readonly serverName: string;
  private readonly digest: DigestPolicy;

  constructor(private readonly options: SipServerOptions) {
    // The hot path reads the time on every REGISTER: skip the Date object when the clock is the system's.
    const now = options.clock === systemClock ? Date.now : () => options.clock().getTime();
    const logger = options.logger;
    this.serverName = `openucm/${options.version}`;
    this.transactions = new ServerTransactionTable({ timers: options.timers });
    this.clients = new ClientTransactionTable({ timers: options.timers });
    this.digest = new DigestPolicy({ realm: options.realm, now });
    this.registrar = new Registrar({
      registration: options.registration,
      credentials: options.credentials,
      digest: this.digest,
      recorder: options.recorder,
      resetDevice: (entry, type) => this.resetDevice(entry, type),
      now,
      nodeName: options.nodeName,
      warnAgent: options.warnAgent ?? options.advertiseAddress ?? options.nodeName,
      logger,
      policy: options.policy ?? DEFAULT_EXPIRES_POLICY,
    });
    this.core = new SipCore({
      transactions: this.transactions,
      clients: this.clients,
      registrar: this.registrar,
      logger,
      serverName: this.serverName,
    });
    this.ws = new WebSocketTransport({ sink: this.core, logger, nextConnectionId: () => ++this.connections });
  }

  /** Hands an upgraded WebSocket (`GET /sip`, subprotocol `sip`) to the SIP core. */
  readonly acceptWebSocket = (socket: WebSocket, peer: WebSocketPeer): void => this.ws.accept(socket, peer);

  /** Listens on UDP and TCP; resolves with the port. */
  async start(): Promise<number> {
    const { host, port, logger } = this.options;
    const maxExpires = (this.options.policy ?? DEFAULT_EXPIRES_POLICY).max;
    let lastError: unknown;
    for (let attempt = 0; attempt < (port === 0 ? PORT_ATTEMPTS : 1); attempt++) {
      const udp = new UdpTransport({ host, port, sink: this.core, logger });
      const tcp = new TcpTransport({
        host,
        sink: this.core,
        logger,
        idleTimeoutMs: (maxExpires + 300) * 1000,
        firstMessageTimeoutMs: 30_000,
        maxConnections: this.options.maxTcpConnections ?? 10_000,
        nextConnectionId: () => ++this.connections,
      });
      try {
        const udpPort = await udp.start(port);
        await tcp.start(udpPort);
        this.udp = udp;
        this.tcp = tcp;
        this.startTimers();
        return udpPort;
      } catch (error) {
        lastError = error;
        await udp.stop();
        await tcp.stop().catch(() => undefined);
      }
    }
    const code = (lastError as NodeJS.ErrnoException).code ?? String(lastError);
    throw new Error(
      `cannot listen for SIP on ${host}:${port} (${code}): choose another port with --sip-port / OPENUCM_SIP_PORT`,
      { cause: lastError },
    );
  }

  private startTimers(): void {
    this.transactions.start();
    let ticks = 0;
    this.ticker = setInterval(() => {
      this.registrar.expire();
      if (++ticks % 60 === 0) this.digest.prune();
    }, 1000);
    this.ticker.unref();
  }

  get port(): number {
    return this.udp?.port ?? 0;
  }

  /** Sends the reset/restart NOTIFY to the device's first binding and logs how the phone answered. */
  private resetDevice(entry: DeviceEntry, type: ResetType): void {
    const binding = entry.bindings[0];
    if (binding === undefined) return;
    const { logger, nodeName, advertiseAddress } = this.options;
    const flow = binding.flow;
    const local = {
      host: advertiseAddress ?? (entry.serverHost || flow.localAddress),
      port: flow.transport === 'UDP' ? this.port : flow.localPort,
    };
    const notify = serviceControlNotify(entry, binding, type, local, nodeName, this.serverName);
    const target = formatAddress(flow.remoteAddress, flow.remotePort);
    void this.clients.send(notify.branch, notify.packet, flow).then((outcome) => {
      if (outcome.kind === 'response' && outcome.response.status < 300) {
        logger.info(
          { device: entry.name, type, status: outcome.response.status },
          `${entry.name} accepted the ${type} NOTIFY`,
        );
      } else {
        const what =
          outcome.kind === 'response'
            ? `answered ${outcome.response.status}`
            : outcome.kind === 'timeout'
              ? 'did not answer'
              : 'is not reachable (connection closed)';
        logger.warn(
          { device: entry.name, type, address: target, outcome: outcome.kind },
          `${entry.name} ${what} to the ${type} NOTIFY; reset it at the phone if it does not restart`,
        );
      }
    });
  }

  /** Unregisters every SIP device and closes the listeners. */
  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.registrar.shutdown();
    this.ws.stop();
    this.clients.dispose();
    this.transactions.dispose();
    await Promise.all([this.udp?.stop(), this.tcp?.stop()]);
  }
}
