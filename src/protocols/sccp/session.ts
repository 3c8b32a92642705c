import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Device } from '../../core/device.js';
import type { LimitName } from '../../limits/index.js';
import type { PhoneModel } from '../../core/phone-models.js';
import { modelOfSccpDeviceType } from '../../core/phone-models.js';
import type { UnregistrationReason } from '../../core/registration-event.js';
import type { DeviceConnection, ResetType } from '../../services/live-registry.js';
import type { LimitReporter } from '../../services/limit-log.js';
import { decodeMessage } from './codec/index.js';
import type { SccpMessage } from './codec/index.js';
import { encodeFrame, SccpFrameReader, SccpFramingError } from './codec/frame.js';
import type { SccpFrame } from './codec/frame.js';
import { MessageId, messageName } from './codec/message-id.js';
import type { Register } from './codec/messages/register.js';
import { encodeRegisterAck, encodeRegisterReject } from './codec/messages/register-response.js';
import { encodeReset } from './codec/messages/reset.js';
import { encodeUnregisterAck } from './codec/messages/unregister.js';
import type { KeepaliveSupervisor, Supervised } from './keepalive-supervisor.js';
import type { SccpRegistrar } from './registrar.js';
import { answerStationQuery } from './station-queries.js';
import { agreedProtocolVersion, headerVersionFor } from './station-responses.js';

/** What one connection may hold or take (README: Security and limits, SCCP). */
export interface SessionLimits {
  registerTimeoutSeconds: number;
  maxPendingFrames: number;
  maxQueuedBytes: number;
}

export interface SessionDeps {
  /** The node's registration service, in process or behind the SCCP worker IPC. */
  registration: SccpRegistrar;
  /** Unregisters phones whose keepalives stop. */
  supervisor: KeepaliveSupervisor;
  /** Closes connections that send no Register in time (a sweeper with the register timeout). */
  registerDeadlines: KeepaliveSupervisor;
  limits: SessionLimits;
  /** Every refusal at a limit is reported here (counted and logged by the node). */
  reporter: LimitReporter;
  keepaliveSeconds: number;
  clock: () => Date;
  logger: Logger;
  /** Called once when the socket has closed. */
  onClosed(session: SccpSession): void;
}

type State = 'awaiting-register' | 'registering' | 'registered' | 'closing' | 'closed';

const EMPTY = Buffer.alloc(0);
/** A peer that does not close its side this long after ours is cut off. */
const CLOSE_GRACE_MS = 3000;
/** Alarms logged per connection: a phone sends a few at boot; more is a flood, not news. */
const ALARMS_LOGGED = 10;
// sccp.md §3.15: 1 = reset (reboot), 2 = restart (re-register).
const RESET_TYPE: Record<ResetType, number> = { reset: 1, restart: 2 };

/**
 * One phone's TCP connection: translates Skinny frames into registration requests and the
 * station's startup queries into answers. Policy lives in the registration service.
 */
export class SccpSession implements DeviceConnection {
  readonly protocol = 'SCCP' as const;
  readonly address: string;
  /** The peer's IP address alone: what limits and their log lines count by. */
  private readonly ip: string;
  lastSeen = 0;
  private state: State = 'awaiting-register';
  private readonly reader = new SccpFrameReader();
  private device: Device | null = null;
  private model: PhoneModel | undefined;
  private headerVersion = 0;
  private agreedVersion = 0;
  private closeReason: UnregistrationReason = 'connection-closed';
  private pendingReset: ResetType | null = null;
  private corked = false;
  /** Frames that arrived while the registration was being decided; handled in order afterwards. */
  private backlog: SccpFrame[] = [];
  /** Watched by the register-timeout sweeper until Register arrives. */
  private readonly registerDeadline: Supervised;
  private alarms = 0;
  /** The name the Register gave, before the node accepted it. */
  private claimedName: string | null = null;
  private secondRegisterLogged = false;
  private readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly deps: SessionDeps,
  ) {
    const ip = socket.remoteAddress ?? 'unknown';
    this.ip = ip;
    this.address = ip.includes(':') ? `[${ip}]:${socket.remotePort}` : `${ip}:${socket.remotePort}`;
    this.log = deps.logger.child({ address: this.address });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log.debug({ err: error }, 'SCCP socket error'));
    socket.on('close', () => this.onClose());
    this.registerDeadline = {
      lastSeen: deps.clock().getTime(),
      expired: () => this.registerTimedOut(),
    };
    deps.registerDeadlines.watch(this.registerDeadline);
  }

  get deviceName(): string | null {
    return this.device?.name ?? null;
  }

  private onData(chunk: Buffer): void {
    let frames: SccpFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      if (!(error instanceof SccpFramingError)) throw error;
      this.log.warn(
        { device: this.deviceName, code: error.code },
        `closing SCCP connection: ${error.message}. The peer is not speaking Skinny correctly (wrong port, or a broken device)`,
      );
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (this.state === 'registering') {
        if (this.backlog.length >= this.deps.limits.maxPendingFrames) {
          this.disconnect(
            'sccpMaxPendingFrames',
            `closed the SCCP connection from ${this.address}: it sent more than ${this.deps.limits.maxPendingFrames} messages while its registration was being decided (--sccp-max-pending-frames); a phone waits for RegisterAck`,
          );
          return;
        }
        // Bodies alias the chunk: copy what waits for later.
        this.backlog.push({ ...frame, body: Buffer.from(frame.body) });
        continue;
      }
      try {
        this.handle(frame);
      } catch (error) {
        this.failed(error, frame.messageId);
        return;
      }
    }
  }

  /**
   * A message this session could not handle: a bug, not the phone's fault. Only this connection
   * pays for it (the phone reconnects); the log says what to report.
   */
  private failed(error: unknown, messageId?: number): void {
    this.log.error(
      {
        err: error,
        device: this.deviceName,
        message: messageId === undefined ? undefined : messageName(messageId),
      },
      'closing an SCCP connection after an error handling its message; this is a bug in openucm: please report this log line',
    );
    this.state = 'closing';
    this.socket.destroy();
  }

  /** Closes the connection at once because it reached `limit`; reported (counted and logged). */
  private disconnect(limit: LimitName, message: string): void {
    this.deps.reporter.reached(
      limit,
      { address: this.ip, device: this.deviceName ?? this.claimedName ?? undefined },
      message,
    );
    this.state = 'closing';
    this.backlog = [];
    this.socket.destroy();
  }

  /** Nothing but Register may start a session, and only for so long (--sccp-register-timeout-seconds). */
  private registerTimedOut(): void {
    if (this.state !== 'awaiting-register') return;
    this.disconnect(
      'sccpRegisterTimeoutSeconds',
      `closed an SCCP connection from ${this.address} that sent no Register within ${this.deps.limits.registerTimeoutSeconds} s (--sccp-register-timeout-seconds)`,
    );
  }

  private handle(frame: SccpFrame): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.lastSeen = this.deps.clock().getTime();
    const message = decodeMessage(frame);
    if (message.type === 'Register') {
      this.onRegister(message);
      return;
    }
    if (this.state !== 'registered') {
      this.log.debug({ message: messageName(frame.messageId) }, 'ignoring SCCP message before registration');
      return;
    }
    this.onStationMessage(message);
  }

  private onRegister(message: Register): void {
    if (this.state !== 'awaiting-register') {
      // Once per connection: a phone that repeats itself must not fill the log.
      if (this.secondRegisterLogged) return;
      this.secondRegisterLogged = true;
      this.log.warn(
        { device: this.deviceName, name: message.deviceName },
        'ignoring a second Register on a connection that is already registered (further ones on this connection are ignored silently)',
      );
      return;
    }
    this.state = 'registering';
    this.claimedName = message.deviceName;
    this.deps.registerDeadlines.unwatch(this.registerDeadline);
    this.model = modelOfSccpDeviceType(message.deviceType);
    this.agreedVersion = agreedProtocolVersion(message.protocolVersion);
    this.headerVersion = headerVersionFor(this.agreedVersion);
    const request = {
      deviceName: message.deviceName,
      protocol: 'SCCP' as const,
      model: this.model,
      announcedModel: this.model ? this.model.displayName : `device type ${message.deviceType}`,
      address: this.address,
      activeLoadId: message.loadInfo || undefined,
    };
    this.deps.registration
      .register(request, this)
      .then(
        (result) => {
          if (this.state !== 'registering') {
            // The phone hung up while the node decided: an acceptance must not leave it shown registered.
            if (result.kind === 'accepted') {
              const { name, protocol, model } = result.device;
              this.deps.registration.unregistered({ name, protocol, model }, this, this.closeReason);
            }
            return;
          }
          if (result.kind === 'rejected') {
            this.reject(result.rejection.phoneText);
            return;
          }
          this.accept(result.device);
        },
        (error: unknown) => {
          this.log.error(
            { err: error, device: message.deviceName },
            'registration failed inside the node (database?); the phone was told to retry',
          );
          this.reject('Registration failed; retry');
        },
      )
      .catch((error: unknown) => this.failed(error, MessageId.Register));
  }

  private accept(device: Device): void {
    this.device = device;
    this.state = 'registered';
    // RegisterAck, KeepAliveAck and UnregisterAck always carry header version 0 (sccp.md §1).
    this.send(
      MessageId.RegisterAck,
      encodeRegisterAck({
        keepAliveInterval: this.deps.keepaliveSeconds,
        dateTemplate: 'M/D/Y',
        secondaryKeepAliveInterval: this.deps.keepaliveSeconds * 2,
        maxProtocolVersion: this.agreedVersion,
      }),
      0,
    );
    // chan-sccp asks for capabilities right after the ack (sccp.md §5 step 3).
    this.send(MessageId.CapabilitiesReq, EMPTY);
    this.deps.supervisor.watch(this);
    const pending = this.pendingReset;
    this.pendingReset = null;
    if (pending) this.reset(pending);
    const backlog = this.backlog;
    this.backlog = [];
    for (const frame of backlog) this.handle(frame);
  }

  private reject(text: string): void {
    this.state = 'closing';
    this.backlog = [];
    this.send(MessageId.RegisterReject, encodeRegisterReject({ text }));
    // The phone drops the connection and retries later (sccp.md §5); we close our side after the reject.
    this.endThenDestroy();
  }

  /** Closes our side; a peer that does not close its own within the grace period is cut off. */
  private endThenDestroy(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Answers a registered phone: its queries, keepalives, Unregister; notes its alarms. */
  private onStationMessage(message: SccpMessage): void {
    const device = this.device as Device;
    const answer = answerStationQuery(message, {
      device,
      model: this.model,
      agreedVersion: this.agreedVersion,
      nodeName: this.deps.registration.nodeName,
      serverPort: this.socket.localPort ?? 2000,
      serverIpv4: this.localIpv4(),
      now: this.deps.clock(),
    });
    if (answer) {
      this.send(answer.messageId, answer.body);
      return;
    }
    switch (message.type) {
      case 'KeepAlive':
        this.send(MessageId.KeepAliveAck, EMPTY, 0);
        return;
      case 'Unregister':
        this.closeReason = 'unregister-request';
        this.send(MessageId.UnregisterAck, encodeUnregisterAck({ status: 0 }), 0);
        // chan-sccp closes the connection after UnregisterAck OK (sccp.md §3.4).
        this.state = 'closing';
        this.endThenDestroy();
        return;
      case 'Alarm':
        this.alarms++;
        if (this.alarms > ALARMS_LOGGED) return;
        this.log.info(
          { device: device.name, severity: message.severity, text: message.text },
          this.alarms === ALARMS_LOGGED
            ? `phone alarm (the ${ALARMS_LOGGED}th on this connection; further alarms from it are not logged)`
            : 'phone alarm',
        );
        return;
      case 'CapabilitiesRes':
      case 'IpPort':
      case 'HeadsetStatus':
      case 'RegisterAvailableLines':
        return;
      case 'Unknown':
        this.log.debug(
          { device: device.name, message: messageName(message.messageId) },
          `ignoring SCCP message ${messageName(message.messageId)}: openucm does not know it`,
        );
        return;
      default:
        this.log.debug({ device: device.name, message: message.type }, 'SCCP message not handled; ignored');
    }
  }

  private localIpv4(): string {
    const local = this.socket.localAddress ?? '0.0.0.0';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(local);
    if (mapped) return mapped[1];
    return /^\d+\.\d+\.\d+\.\d+$/.test(local) ? local : '0.0.0.0';
  }

  private send(messageId: number, body: Buffer, headerVersion = this.headerVersion): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    // Answers produced in the same tick (a burst of startup requests) leave in one write system call.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeFrame(messageId, body, headerVersion));
    // What the kernel would not take waits here: a phone that asks but never reads must not grow the node.
    const queued = this.socket.writableLength;
    if (queued > this.deps.limits.maxQueuedBytes) {
      this.disconnect(
        'sccpMaxQueuedBytes',
        `disconnected ${this.deviceName ?? 'an SCCP phone'} (${this.address}): ${queued} bytes of answers waited to be sent because it does not read them (--sccp-max-queued-bytes ${this.deps.limits.maxQueuedBytes})`,
      );
    }
  }

  reset(type: ResetType): void {
    this.closeReason = 'device-reset';
    // A phone acts on Reset only once registered: one asked for while the ack is on its way waits for it.
    if (this.state === 'registering') {
      this.pendingReset = type;
      return;
    }
    this.send(MessageId.Reset, encodeReset({ resetType: RESET_TYPE[type] }));
  }

  close(reason: UnregistrationReason): void {
    if (this.state === 'closed') return;
    this.closeReason = reason;
    this.state = 'closing';
    this.endThenDestroy();
  }

  /** The keepalive deadline passed (KeepaliveSupervisor). */
  expired(): void {
    this.log.warn(
      { device: this.deviceName },
      `no keepalive from ${this.deviceName} for over ${this.deps.keepaliveSeconds * 2} s; unregistering it`,
    );
    this.closeReason = 'keepalive-timeout';
    this.state = 'closing';
    this.socket.destroy();
  }

  private onClose(): void {
    const wasRegistered = this.device !== null;
    this.state = 'closed';
    this.backlog = [];
    this.deps.supervisor.unwatch(this);
    this.deps.registerDeadlines.unwatch(this.registerDeadline);
    if (wasRegistered && this.device) {
      this.deps.registration.unregistered(
        { name: this.device.name, protocol: 'SCCP', model: this.device.model },
        this,
        this.closeReason,
      );
    }
    this.deps.onClosed(this);
  }
}
