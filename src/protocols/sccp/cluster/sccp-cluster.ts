import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import net from 'node:net';
import type { Logger } from 'pino';
import { phoneModel } from '../../../core/phone-models.js';
import type { RegistrationRequest } from '../../../core/registration.js';
import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { DeviceConnection, ResetType } from '../../../services/live-registry.js';
import type { SccpCallEndpoint, SccpCalls } from '../calls.js';
import type { SccpRegistrations } from '../registrations.js';
import { IpcBatch } from './ipc-batch.js';
import type {
  IpcEnvelope,
  PrimaryToWorker,
  WireRegistrationRequest,
  WorkerSettings,
  WorkerToPrimary,
} from './ipc-messages.js';
import { WORKER_SETTINGS_ENV } from './ipc-messages.js';
import { entryScript } from '../../../runtime/entry-script.js';
import { reportUnexpected } from '../../../runtime/process-guard.js';
import type { LimitReporter } from '../../../services/limit-log.js';
import type { SccpCapacity } from '../capacity-plan.js';
import type { SccpServerLimits } from '../server.js';
import type { FallbackTokens } from '../fallback-pacer.js';

export interface SccpClusterOptions {
  host: string;
  port: number;
  keepaliveSeconds: number;
  registration: SccpRegistrations;
  /** The node's SccpCallAdapter: the workers' sessions place and receive calls through it. */
  calls: SccpCalls;
  logger: Logger;
  logLevel: string;
  limits: SccpServerLimits;
  /** The workers, and the phones each holds at most. */
  capacity: SccpCapacity;
  /** The node's LimitLog: the workers' refusals are counted and logged here. */
  reporter: LimitReporter;
  /** The node's fallback pacer: the workers' token requests are answered here (node-wide pace). */
  tokens: FallbackTokens;
}

/** A phone's connection held by a worker process, as the primary's services act on it. */
class WorkerConnection implements DeviceConnection {
  readonly protocol = 'SCCP' as const;
  constructor(
    readonly address: string,
    private readonly outbox: IpcBatch<PrimaryToWorker>,
    readonly conn: number,
  ) {}

  private post(message: PrimaryToWorker): void {
    this.outbox.post(message);
  }

  reset(type: ResetType): void {
    this.post({ type: 'reset', conn: this.conn, resetType: type });
  }

  close(reason: UnregistrationReason): void {
    this.post({ type: 'close', conn: this.conn, reason });
  }
}

interface WorkerState {
  worker: Worker;
  outbox: IpcBatch<PrimaryToWorker>;
  index: number;
  connections: Map<number, { connection: WorkerConnection; device?: { name: string; model: string } }>;
  stopped: Promise<void>;
  /** Holds its share of the node's phones (it said so; it says again when it has room). */
  full: boolean;
  phones: number;
  /** The worker's sessions as the call adapter knows them, by IpcCalls' conn. */
  callEndpoints: Map<number, SccpCallEndpoint>;
  /** Standby connections it holds (its last report). */
  standby: number;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * SCCP in several processes (`--sccp-workers N`): forks N workers that share the Skinny port
 * (Node's cluster module; each worker accepts from the shared socket) and decides their phones'
 * registrations here, where the database and the services live. One process may hold at most
 * its file-descriptor limit of sockets; N workers carry N times as many phones.
 */
export class SccpCluster {
  private readonly workers = new Map<number, WorkerState>();
  private stopping = false;
  private nodeFull = false;
  private listenPort = 0;
  private port = 0;
  private readonly log: Logger;

  constructor(private readonly options: SccpClusterOptions) {
    this.log = options.logger.child({ component: 'sccp-cluster' });
  }

  /** Forks the workers; resolves with the shared port once every worker listens. */
  async start(): Promise<number> {
    const { path: exec, execArgv } = entryScript(import.meta.url, 'worker-main');
    // Workers accept on the shared socket themselves. Round-robin would pass every connection
    // through this process, one at a time per worker: during a registration storm, on a busy
    // machine, that hand-off (not the work) limited the rate to a few hundred phones per second.
    // The kernel's spread is less even, so each worker also caps its connections (worker-main.ts).
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec, execArgv, args: [] });
    // The cluster module shares one listening socket per (address, port) request. Port 0 is
    // resolved here: a worker that stopped listening while full asks again for the same port, and
    // if all had stopped, port 0 would get a new one.
    this.listenPort = this.options.port || (await freePort(this.options.host));
    const ports = [];
    for (let i = 1; i <= this.options.capacity.workers; i++) ports.push(this.fork(i));
    this.port = (await Promise.all(ports))[0];
    this.log.info({ workers: this.options.capacity.workers, port: this.port }, 'SCCP workers listening');
    return this.port;
  }

  /** Standby SCCP connections held by every worker (as each last reported). */
  get standbyCount(): number {
    let n = 0;
    for (const s of this.workers.values()) n += s.standby;
    return n;
  }

  get workerCount(): number {
    return this.workers.size;
  }

  private fork(index: number): Promise<number> {
    const settings: WorkerSettings = {
      host: this.options.host,
      port: this.listenPort,
      keepaliveSeconds: this.options.keepaliveSeconds,
      nodeName: this.options.registration.nodeName,
      logLevel: this.options.logLevel,
      index,
      limits: this.options.limits,
      capacity: {
        phones: this.options.capacity.perProcess,
        nodePhones: this.options.capacity.nodeCapacity,
        limitedBy: this.options.capacity.limitedBy,
      },
    };
    const worker = cluster.fork({ [WORKER_SETTINGS_ENV]: JSON.stringify(settings) });
    let stoppedResolve: () => void = () => undefined;
    const state: WorkerState = {
      worker,
      outbox: new IpcBatch<PrimaryToWorker>((batch) => {
        // A worker exiting may close its channel after isConnected(): the send then fails with
        // EPIPE, which without a callback is an uncaught error in the node; its exit is handled anyway.
        if (worker.isConnected())
          worker.send(
            { batch } satisfies IpcEnvelope<PrimaryToWorker>,
            undefined,
            undefined,
            () => undefined,
          );
      }),
      index,
      connections: new Map(),
      stopped: new Promise((resolve) => (stoppedResolve = resolve)),
      full: false,
      phones: 0,
      callEndpoints: new Map(),
      standby: 0,
    };
    this.workers.set(worker.id, state);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (envelope: IpcEnvelope<WorkerToPrimary>) => {
        for (const message of envelope.batch ?? []) {
          if (message.type === 'listening') {
            listening = true;
            resolve(message.port);
          } else if (message.type === 'stopped') {
            stoppedResolve();
          } else {
            this.onMessage(state, message);
          }
        }
      });
      worker.on('exit', (code, signal) => {
        stoppedResolve();
        this.workers.delete(worker.id);
        this.dropConnections(state, this.stopping ? 'node-shutdown' : 'connection-closed');
        if (!this.stopping) this.balance();
        if (!listening) {
          reject(new Error(`SCCP worker ${index} exited before listening (code ${code ?? signal})`));
          return;
        }
        if (this.stopping) return;
        this.log.error(
          { worker: index, code, signal },
          `SCCP worker ${index} exited unexpectedly; its phones were unregistered and will re-register. Starting a new worker`,
        );
        this.fork(index).catch((error: unknown) =>
          this.log.error({ err: error }, `could not restart SCCP worker ${index}`),
        );
      });
    });
  }

  private onMessage(state: WorkerState, message: WorkerToPrimary): void {
    switch (message.type) {
      case 'register':
        this.onRegister(state, message.id, message.conn, message.request);
        return;
      case 'unregistered': {
        const entry = state.connections.get(message.conn);
        if (!entry) return;
        state.connections.delete(message.conn);
        this.options.registration.unregistered(message.device, entry.connection, message.reason);
        return;
      }
      case 'call-attach':
      case 'call-detach':
      case 'call-off-hook':
      case 'call-event':
      case 'call-forward-all':
      case 'call-transfer':
      case 'call-conference':
        this.onCall(state, message);
        return;
      case 'log':
        this.relayLog(message.line);
        return;
      case 'unexpected-error':
        // The worker's guard caught it: the node's guard counts it (/metrics) and logs it, saying where.
        reportUnexpected(this.log, message.report, { sccpWorker: state.index });
        return;
      case 'refusals':
        // Each counts in /metrics; LimitLog writes at most a line per limit and source anyway.
        for (const { limit, context, message: text, count } of message.counts)
          for (let i = 0; i < count; i++) this.options.reporter.reached(limit, context, text);
        return;
      case 'token-request':
        void this.options.tokens
          .request(message.device, message.address)
          .then((answer) => state.outbox.post({ type: 'token-answer', id: message.id, answer }));
        return;
      case 'standby':
        state.standby = message.count;
        return;
      case 'capacity':
        state.full = message.full;
        state.phones = message.phones;
        this.balance();
        return;
      default:
        return;
    }
  }

  /**
   * A full worker stops listening (by itself) while another still has room, so that the kernel
   * hands new phones to that one; once every worker is full they all listen, refuse and report,
   * so that each refusal is logged and counted instead of vanishing in the kernel as a reset.
   */
  private balance(): void {
    const states = [...this.workers.values()];
    const room = states.some((s) => !s.full);
    for (const s of states) if (s.full) s.outbox.post({ type: room ? 'pause' : 'listen' });
    if (!room && !this.nodeFull) {
      this.nodeFull = true;
      const phones = states.reduce((sum, s) => sum + s.phones, 0);
      this.log.warn(
        { phones },
        `not accepting more SCCP connections: this node holds ${phones} phones, its limit (${this.options.capacity.limitedBy}); new phones are refused until some leave`,
      );
    } else if (room && this.nodeFull) {
      this.nodeFull = false;
      this.log.info('accepting SCCP connections again');
    }
  }

  private onRegister(state: WorkerState, id: number, conn: number, sent: WireRegistrationRequest): void {
    // The model crossed the process boundary by name: take the catalogue's own entry.
    const request: RegistrationRequest = { ...sent, model: sent.model ? phoneModel(sent.model) : undefined };
    let entry = state.connections.get(conn);
    if (!entry) {
      entry = { connection: new WorkerConnection(request.address, state.outbox, conn) };
      state.connections.set(conn, entry);
    }
    const reply = (message: PrimaryToWorker) => state.outbox.post(message);
    this.options.registration.register(request, entry.connection).then(
      (result) => {
        if (result.kind === 'accepted')
          entry.device = { name: result.device.name, model: result.device.model };
        else state.connections.delete(conn);
        reply({ type: 'register-result', id, result });
      },
      (error: unknown) => {
        state.connections.delete(conn);
        reply({ type: 'register-failed', id, message: (error as Error).message });
      },
    );
  }

  /** A session's call message: the adapter acts on it here, and its leg commands go back in order. */
  private onCall(
    state: WorkerState,
    message: Extract<
      WorkerToPrimary,
      {
        type:
          | 'call-attach'
          | 'call-detach'
          | 'call-off-hook'
          | 'call-event'
          | 'call-forward-all'
          | 'call-transfer'
          | 'call-conference';
      }
    >,
  ): void {
    const { calls } = this.options;
    const conn = message.conn;
    let endpoint = state.callEndpoints.get(conn);
    if (message.type === 'call-detach') {
      state.callEndpoints.delete(conn);
      if (endpoint) calls.detach(endpoint);
      return;
    }
    if (!endpoint) {
      if (message.type !== 'call-attach') return;
      endpoint = {
        command: (callReference, line, command) =>
          state.outbox.post({ type: 'leg-command', conn, callReference, line, command }),
        forwardReply: (line, reply) => state.outbox.post({ type: 'forward-reply', conn, line, reply }),
      };
      state.callEndpoints.set(conn, endpoint);
    }
    if (message.type === 'call-attach') calls.attach(endpoint, message.device);
    else if (message.type === 'call-off-hook')
      calls.offHook(endpoint, message.callReference, message.line, message.party, message.placesCall);
    else if (message.type === 'call-forward-all')
      calls.forwardAll?.(endpoint, message.line, message.dn, message.target);
    else if (message.type === 'call-transfer')
      calls.transfer(endpoint, message.heldReference, message.consultReference);
    else if (message.type === 'call-conference')
      calls.conference(endpoint, message.heldReference, message.consultReference);
    else calls.send(endpoint, message.callReference, message.event);
  }

  /** A worker is gone: its phones are too. */
  private dropConnections(state: WorkerState, reason: UnregistrationReason): void {
    for (const endpoint of state.callEndpoints.values()) this.options.calls.detach(endpoint);
    state.callEndpoints.clear();
    for (const { connection, device } of state.connections.values()) {
      if (device) {
        this.options.registration.unregistered(
          { name: device.name, protocol: 'SCCP', model: device.model },
          connection,
          reason,
        );
      }
    }
    state.connections.clear();
  }

  private relayLog(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, time: _time, pid: _pid, hostname: _host, ...fields } = record;
    const name = this.log.levels.labels[Number(level)] ?? 'info';
    const write = (this.options.logger as unknown as Record<string, (o: object, m?: string) => void>)[name];
    write?.call(this.options.logger, fields, typeof msg === 'string' ? msg : undefined);
  }

  /** Stops every worker: each closes its phones (they are unregistered) and exits. */
  async stop(): Promise<void> {
    this.stopping = true;
    const states = [...this.workers.values()];
    for (const s of states) {
      s.outbox.post({ type: 'stop' });
      s.outbox.flush();
    }
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
    await Promise.race([Promise.all(states.map((s) => s.stopped)), deadline]);
    for (const s of states) {
      this.dropConnections(s, 'node-shutdown');
      if (s.worker.isDead()) continue;
      // A worker that reported 'stopped' leaves when its channel closes; a stuck one is killed.
      if (s.worker.isConnected()) s.worker.disconnect();
      else s.worker.kill();
    }
  }
}

/** A port free on `host` now, for the workers to share (port 0 asked for). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
