import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Device } from '../../core/device.js';
import type { PhoneModel } from '../../core/phone-models.js';
import { modelOfSccpDeviceType } from '../../core/phone-models.js';
import type { UnregistrationReason } from '../../core/registration-event.js';
import type { DeviceConnection, ResetType } from '../../services/live-registry.js';
import { decodeMessage } from './codec/index.js';
import type { SccpMessage } from './codec/index.js';
import { encodeFrame, SccpFrameReader, SccpFramingError } from './codec/frame.js';
import type { SccpFrame } from './codec/frame.js';
import { MessageId, messageName } from './codec/message-id.js';
import type { Register } from './codec/messages/register.js';
import { encodeRegisterAck, encodeRegisterReject } from './codec/messages/register-response.js';
import { encodeReset } from './codec/messages/reset.js';
import { encodeUnregisterAck } from './codec/messages/unregister.js';
import type { KeepaliveSupervisor } from './keepalive-supervisor.js';
import type { SccpRegistrar } from './registrar.js';
import { answerStationQuery } from './station-queries.js';
import { agreedProtocolVersion, headerVersionFor } from './station-responses.js';

export interface SessionDeps {
  /** The node's registration service, in process or behind the SCCP worker IPC. */
  registration: SccpRegistrar;
  supervisor: KeepaliveSupervisor;
  keepaliveSeconds: number;
  clock: () => Date;
  logger: Logger;
  /** Called once when the socket has closed. */
  onClosed(session: SccpSession): void;
}

type State = 'awaiting-register' | 'registering' | 'registered' | 'closing' | 'closed';

const EMPTY = Buffer.alloc(0);
// sccp.md §3.15: 1 = reset (reboot), 2 = restart (re-register).
const RESET_TYPE: Record<ResetType, number> = { reset: 1, restart: 2 };

/**
 * One phone's TCP connection: translates Skinny frames into registration requests and the
 * station's startup queries into answers. Policy lives in the registration service.
 */
export class SccpSession implements DeviceConnection {
  readonly protocol = 'SCCP' as const;
  readonly address: string;
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
  private readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly deps: SessionDeps,
  ) {
    const ip = socket.remoteAddress ?? 'unknown';
    this.address = ip.includes(':') ? `[${ip}]:${socket.remotePort}` : `${ip}:${socket.remotePort}`;
    this.log = deps.logger.child({ address: this.address });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log.debug({ err: error }, 'SCCP socket error'));
    socket.on('close', () => this.onClose());
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
        // Bodies alias the chunk: copy what waits for later.
        this.backlog.push({ ...frame, body: Buffer.from(frame.body) });
      } else {
        this.handle(frame);
      }
    }
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
      this.log.warn(
        { device: this.deviceName, name: message.deviceName },
        'ignoring a second Register on a connection that is already registered',
      );
      return;
    }
    this.state = 'registering';
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
    this.deps.registration.register(request, this).then(
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
    );
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
    this.socket.end();
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
        this.socket.end();
        return;
      case 'Alarm':
        this.log.info({ device: device.name, severity: message.severity, text: message.text }, 'phone alarm');
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
    this.socket.end();
    // A peer that does not close its side within a few seconds is cut off.
    setTimeout(() => this.socket.destroy(), 3000).unref();
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
