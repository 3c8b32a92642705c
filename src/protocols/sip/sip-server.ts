/**
 * The SIP listeners of a node: UDP and TCP on one port, WebSocket through the HTTP server, one
 * core behind them (transactions, registrar, digest). Owns sockets and timers, nothing else.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../services/clock.js';
import { systemClock } from '../../services/clock.js';
import type { LiveEvents } from '../../services/live-events.js';
import type { ResetType } from '../../services/live-registry.js';
import type { OfferableAlgorithm } from './auth/digest-policy.js';
import { DigestPolicy } from './auth/digest-policy.js';
import type { DeviceEntry } from './registrar/binding-store.js';
import type { CredentialLookup } from './registrar/credentials.js';
import type { ExpiresPolicy } from './registrar/register-plan.js';
import { DEFAULT_EXPIRES_POLICY } from './registrar/register-plan.js';
import type { RegistrationPort, RejectionRecorder } from './registrar/registrar.js';
import type { AuthGate } from './registrar/registrar-guards.js';
import { Registrar } from './registrar/registrar.js';
import { serviceControlNotify } from './registrar/service-control.js';
import { SipCore } from './sip-core.js';
import type { CallPort } from './calls/call-port.js';
import type { SipTrunkOptions } from './calls/sip-trunk.js';
import { SipCalls } from './calls/sip-calls.js';
import type { LocalEndpoint } from './calls/messages.js';
import { InviteClientTable } from './transaction/invite-client.js';
import { DEFAULT_TIMERS, SYSTEM_TIMERS } from './transaction/timers.js';
import type { SipFlow } from './transport/flow.js';
import { ClientTransactionTable } from './transaction/client-transactions.js';
import { ServerTransactionTable } from './transaction/server-transactions.js';
import type { SipTimers } from './transaction/timers.js';
import { formatAddress, plainIp } from './transport/flow.js';
import { TcpTransport } from './transport/tcp-transport.js';
import { TlsTransport } from './transport/tls-transport.js';
import type { TlsIdentitySource } from '../../core/tls-identity.js';
import { UdpTransport } from './transport/udp-transport.js';
import { WebSocketTransport } from './transport/websocket-transport.js';
import { SendFailures } from './transport/send-failures.js';
import type { LimitReporter } from '../../services/limit-log.js';
import type { SipLimitSettings } from '../../limits/sip.js';
import { defaultSipLimits } from '../../limits/sip.js';
import { ConnectionLimits } from './transport/connection-limits.js';
import type { SipWebSocketAcceptor } from './transport/websocket-route.js';
import { WebSocketOrigins } from './transport/websocket-origins.js';

export interface SipServerOptions {
  host: string;
  /** UDP and TCP port (0 picks one, the same for both). */
  port: number;
  registration: RegistrationPort;
  credentials: CredentialLookup;
  /** Records the refusals the registrar decides itself (the node's refusal log). */
  recorder: RejectionRecorder;
  /** Configuration changes made through this node: a device's credentials are read again at its next REGISTER. */
  live: LiveEvents;
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
  /** Digest algorithms offered to phones that are not Cisco's, most preferred first (default MD5). */
  digestAlgorithms?: readonly OfferableAlgorithm[];
  policy?: ExpiresPolicy;
  timers?: SipTimers;
  /** The SIP limits (README: Security and limits); the defaults for those not given. */
  settings?: Partial<SipLimitSettings>;
  /** Where every refusal at a limit is counted and logged. */
  reporter: LimitReporter;
  /** The node's one count of failed authentications per source address (HTTP and SIP digest). */
  authThrottle: AuthGate;
  /** Origins (besides the node's own) whose pages may open SIP over WebSocket; `*` for any. */
  webSocketOrigins?: readonly string[];
  /** The node's call service: registered SIP phones place and receive calls (without it INVITE gets 405). */
  calls?: CallPort;
  /** Calls between the nodes of a cluster over SIP (docs/cluster-calls.md); needs `calls`. */
  trunk?: SipTrunkOptions;
  /** SIP over TLS (5061; 0 picks one) with the node's certificate; none: no TLS listener. */
  tls?: { port: number; identity: TlsIdentitySource };
}

const PORT_ATTEMPTS = 5;

export class SipServer {
  readonly registrar: Registrar;
  readonly transactions: ServerTransactionTable;
  private readonly clients: ClientTransactionTable;
  private readonly invites: InviteClientTable;
  /** The call adapter, when the node has a call service. */
  readonly calls: SipCalls | null = null;
  private readonly core: SipCore;
  private readonly ws: WebSocketTransport;
  private udp: UdpTransport | null = null;
  private tcp: TcpTransport | null = null;
  private tlsTransport: TlsTransport | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private connections = 0;
  private readonly serverName: string;
  private readonly digest: DigestPolicy;
  /** Sends that could not go (logged at debug): a bad port in a Via, a connection gone. */
  readonly sendFailures: SendFailures;
  private readonly settings: SipLimitSettings;
  private readonly connectionLimits: ConnectionLimits;
  private readonly origins: WebSocketOrigins;

  constructor(private readonly options: SipServerOptions) {
    // The hot path reads the time on every REGISTER: skip the Date object when the clock is the system's.
    const now = options.clock === systemClock ? Date.now : () => options.clock().getTime();
    const logger = options.logger;
    this.serverName = `openucm/${options.version}`;
    this.sendFailures = new SendFailures(logger);
    this.settings = defaultSipLimits();
    for (const name of Object.keys(this.settings) as (keyof SipLimitSettings)[])
      this.settings[name] = options.settings?.[name] ?? this.settings[name];
    this.connectionLimits = new ConnectionLimits(this.settings, options.reporter);
    this.origins = new WebSocketOrigins(options.webSocketOrigins ?? []);
    const maxTransactions = this.settings.sipMaxTransactions;
    this.transactions = new ServerTransactionTable({
      timers: options.timers,
      maxEntries: maxTransactions,
      onEvict: () =>
        options.reporter.reached(
          'sipMaxTransactions',
          {},
          `forgot answered SIP transactions before their timers: ${maxTransactions} are held (--sip-max-transactions); a request retransmitted after this is answered again rather than from memory`,
        ),
    });
    this.clients = new ClientTransactionTable({ timers: options.timers });
    this.invites = new InviteClientTable({ timers: options.timers });
    this.digest = new DigestPolicy({ realm: options.realm, now, algorithms: options.digestAlgorithms });
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
      reporter: options.reporter,
      authThrottle: options.authThrottle,
      settings: this.settings,
      calls: {
        registered: (entry, device) => this.calls?.registered(entry, device),
        dropped: (name) => this.calls?.dropped(name),
      },
    });
    if (options.calls) {
      this.calls = new SipCalls({
        service: options.calls,
        bindings: this.registrar.bindings,
        digest: this.digest,
        credentials: options.credentials,
        invites: this.invites,
        clients: this.clients,
        timers: options.timers ?? DEFAULT_TIMERS,
        host: SYSTEM_TIMERS,
        local: (flow, serverHost) => this.localEndpoint(flow, serverHost),
        userAgent: this.serverName,
        warnAgent: options.warnAgent ?? options.advertiseAddress ?? options.nodeName,
        logger: logger.child({ component: 'sip-calls' }),
        reporter: options.reporter,
        maxDialogs: this.settings.sipMaxCallDialogs,
        ...(options.trunk
          ? {
              trunk: {
                ...options.trunk,
                flowTo: (address: string, port: number) => {
                  if (!this.udp)
                    throw new Error('SIP over UDP is not listening: no call can go to another node');
                  return this.udp.flowTo(address, port);
                },
                localPort: () => this.port,
              },
            }
          : {}),
      });
    }
    this.core = new SipCore({
      transactions: this.transactions,
      clients: this.clients,
      invites: this.invites,
      calls: this.calls ?? undefined,
      registrar: this.registrar,
      logger,
      serverName: this.serverName,
    });
    this.ws = new WebSocketTransport({
      ...this.connectionOptions(),
      nextConnectionId: () => ++this.connections,
    });
    // A device changed here (its SIP credentials among others): its next REGISTER reads them again.
    options.live.on('configuration-changed', this.onConfigurationChanged);
  }

  private readonly onConfigurationChanged = (change: { what: string; name: string }): void => {
    if (change.what === 'device') this.registrar.credentialsChanged(change.name);
  };

  /** What TCP and WebSocket connections share: the core, the caps, the timeouts, the queue limit. */
  private connectionOptions() {
    const maxExpires = (this.options.policy ?? DEFAULT_EXPIRES_POLICY).max;
    return {
      sink: this.core,
      logger: this.options.logger,
      failures: this.sendFailures,
      connections: this.connectionLimits,
      reporter: this.options.reporter,
      idleTimeoutMs: (maxExpires + 300) * 1000,
      firstMessageTimeoutMs: this.settings.sipFirstMessageTimeoutSeconds * 1000,
      maxQueuedBytes: this.settings.sipMaxQueuedBytes,
    };
  }

  /** `GET /sip` (subprotocol `sip`): who may upgrade, and the upgraded WebSockets, handed to the SIP core. */
  readonly webSocket: SipWebSocketAcceptor = {
    refusal: (peer, origin) => {
      const address = plainIp(peer.remoteAddress);
      if (!this.origins.allows(origin, { address: peer.localAddress, port: peer.localPort })) {
        this.options.reporter.reached(
          'sipWebSocketOrigins',
          { address },
          `refused SIP over WebSocket from ${address} for a page of ${JSON.stringify(origin)}: not one of the node's own origins; add it to --sip-web-socket-origins if that softphone is yours`,
        );
        return {
          status: 403,
          message: `SIP over WebSocket is not open to pages of ${origin}: the administrator can add that origin to the setting sipWebSocketOrigins`,
        };
      }
      if (!this.connectionLimits.allows('WS', address)) {
        return {
          status: 503,
          message: 'the node holds as many SIP WebSocket connections as it may; try again later',
        };
      }
      return null;
    },
    accept: (socket, peer) => this.ws.accept(socket, peer),
  };

  /** Listens on UDP and TCP; resolves with the port. */
  async start(): Promise<number> {
    const { host, port, logger } = this.options;
    let lastError: unknown;
    for (let attempt = 0; attempt < (port === 0 ? PORT_ATTEMPTS : 1); attempt++) {
      const udp = new UdpTransport({ host, port, sink: this.core, logger, failures: this.sendFailures });
      const tcp = new TcpTransport({
        host,
        ...this.connectionOptions(),
        nextConnectionId: () => ++this.connections,
      });
      try {
        const udpPort = await udp.start(port);
        await tcp.start(udpPort);
        this.udp = udp;
        this.tcp = tcp;
        break;
      } catch (error) {
        lastError = error;
        await udp.stop();
        await tcp.stop().catch(() => undefined);
      }
    }
    if (this.udp === null) {
      const code = (lastError as NodeJS.ErrnoException).code ?? String(lastError);
      throw new Error(
        `cannot listen for SIP on ${host}:${port} (${code}): choose another port with --sip-port / OPENUCM_SIP_PORT`,
        { cause: lastError },
      );
    }
    await this.startTls();
    this.startTimers();
    return this.udp.port;
  }

  /** Listens for SIP over TLS when the node has it (its own port, not the UDP/TCP one). */
  private async startTls(): Promise<void> {
    const tls = this.options.tls;
    if (tls === undefined) return;
    const transport = new TlsTransport({
      host: this.options.host,
      ...this.connectionOptions(),
      nextConnectionId: () => ++this.connections,
      identity: tls.identity,
      handshakeTimeoutMs: this.settings.sipTlsHandshakeTimeoutSeconds * 1000,
      maxHandshakesPerAddress: this.settings.sipMaxTlsHandshakesPerAddress,
    });
    try {
      await transport.start(tls.port);
    } catch (error) {
      await transport.stop();
      await Promise.all([this.udp?.stop(), this.tcp?.stop()]);
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(
        `cannot listen for SIP over TLS on ${this.options.host}:${tls.port} (${code}): choose another port with --sip-tls-port / OPENUCM_SIP_TLS_PORT`,
        { cause: error },
      );
    }
    this.tlsTransport = transport;
  }

  /** The SIP over TLS port (null without TLS). */
  get tlsPort(): number | null {
    return this.tlsTransport?.port ?? null;
  }

  /** TLS handshakes that failed since the node started. */
  get failedTlsHandshakes(): number {
    return this.tlsTransport?.failedHandshakes ?? 0;
  }

  private startTimers(): void {
    this.transactions.start();
    let ticks = 0;
    this.ticker = setInterval(() => {
      try {
        this.registrar.expire();
        if (++ticks % 60 === 0) this.digest.prune();
      } catch (error) {
        this.options.logger.error(
          { err: error },
          'SIP housekeeping (binding expiry, nonce pruning) failed inside the node; it runs again in a second',
        );
      }
    }, 1000);
    this.ticker.unref();
  }

  get port(): number {
    return this.udp?.port ?? 0;
  }

  /** Where a phone reaches the node on `flow`: the Via sent-by and Contact of requests sent on it. */
  private localEndpoint(flow: SipFlow, serverHost: string | undefined): LocalEndpoint {
    return {
      host: this.options.advertiseAddress ?? (serverHost || flow.localAddress),
      port: flow.transport === 'UDP' ? this.port : flow.localPort,
      transport: flow.transport,
    };
  }

  /** Sends the reset/restart NOTIFY to the device's first binding and logs how the phone answered. */
  private resetDevice(entry: DeviceEntry, type: ResetType): void {
    try {
      this.sendNotify(entry, type);
    } catch (error) {
      this.options.logger.error(
        { err: error, device: entry.name, type },
        `could not send the ${type} NOTIFY to ${entry.name}; reset it at the phone`,
      );
    }
  }

  private sendNotify(entry: DeviceEntry, type: ResetType): void {
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
    this.options.live.off('configuration-changed', this.onConfigurationChanged);
    this.calls?.stop();
    this.registrar.shutdown();
    this.ws.stop();
    this.clients.dispose();
    this.invites.dispose();
    this.transactions.dispose();
    await Promise.all([this.udp?.stop(), this.tcp?.stop(), this.tlsTransport?.stop()]);
  }
}
