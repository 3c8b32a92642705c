import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Device } from '../../core/device.js';
import type { UnregistrationReason } from '../../core/registration-event.js';
import type { LimitName } from '../../limits/index.js';
import type { ResetType } from '../../services/live-registry.js';
import { SccpFrameReader, SccpFramingError } from './codec/frame.js';
import type { SccpFrame } from './codec/frame.js';
import { MessageId, messageName } from './codec/message-id.js';
import { encodeReset } from './codec/messages/reset.js';
import { FrameWriter } from './frame-writer.js';
import { greet } from './handlers/registration.js';
import type { AnnouncedPhone, SessionMove, StationSession } from './handlers/station-session.js';
import { dispatch } from './handlers/table.js';
import type { FallbackTokens } from './fallback-pacer.js';
import type { Supervised } from './keepalive-supervisor.js';
import type { StandbyConnection } from './standby-connections.js';
import type { SccpRegistrations } from './registrations.js';
import { StationCalls } from './station-calls.js';
import type { SessionDeps } from './session-deps.js';
import { sessionMove, type SessionState } from './session-state.js';
import { headerVersionFor } from './station-responses.js';
import type { SccpWarningKind } from './warnings.js';

/** A peer that does not close its side this long after ours is cut off. */
const CLOSE_GRACE_MS = 3000;
// sccp.md §3.15: 1 = reset (reboot), 2 = restart (re-register).
// sccp.md §Reset: resetType 1 RESET, 2 RESTART, 3 APPLY_CONFIG.
const RESET_TYPE: Record<ResetType, number> = { reset: 1, restart: 2, 'apply-config': 3 };

/**
 * One phone's TCP connection: frames in, frames out, and where the connection stands. What each
 * message means is up to its handler (handlers/table.ts); policy lives in the node's services.
 */
export class SccpSession implements StationSession {
  readonly protocol = 'SCCP' as const;
  readonly address: string;
  /** The peer's IP address alone: what limits and their log lines count by. */
  private readonly ip: string;
  lastSeen = 0;
  private current: SessionState = 'awaiting-register';
  private readonly reader = new SccpFrameReader();
  private readonly writer: FrameWriter;
  private announced: AnnouncedPhone | null = null;
  private accepted: Device | null = null;
  private headerVersion = 0;
  private reason: UnregistrationReason = 'connection-closed';
  private pendingReset: ResetType | null = null;
  /** Frames that arrived while the registration was being decided; handled in order afterwards. */
  private backlog: SccpFrame[] = [];
  /** Watched by the register-timeout sweeper until Register arrives (or it becomes a standby connection). */
  private readonly registerDeadline: Supervised;
  /** Set while the connection is a standby one (KeepAlive or token request before Register). */
  private standbyWatch: StandbyConnection | null = null;
  readonly logged = { alarms: 0, secondRegister: false };
  readonly registration: SccpRegistrations;
  readonly calls: StationCalls;
  readonly keepaliveSeconds: number;
  readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly deps: SessionDeps,
  ) {
    const ip = socket.remoteAddress ?? 'unknown';
    this.ip = ip;
    this.address = ip.includes(':') ? `[${ip}]:${socket.remotePort}` : `${ip}:${socket.remotePort}`;
    this.log = deps.logger.child({ address: this.address });
    this.writer = new FrameWriter(socket);
    this.registration = deps.registration;
    this.calls = new StationCalls(this, deps.calls);
    this.keepaliveSeconds = deps.keepaliveSeconds;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log.debug({ err: error }, 'SCCP socket error'));
    socket.on('close', () => this.transition({ to: 'closed' }));
    this.registerDeadline = {
      lastSeen: deps.clock().getTime(),
      expired: () => this.registerTimedOut(),
    };
    deps.registerDeadlines.watch(this.registerDeadline);
  }

  get state(): SessionState {
    return this.current;
  }
  get phone(): AnnouncedPhone | null {
    return this.announced;
  }
  get device(): Device | null {
    return this.accepted;
  }
  get closeReason(): UnregistrationReason {
    return this.reason;
  }
  /** The peer's IP address alone. */
  get peerIp(): string {
    return this.ip;
  }
  get tokens(): FallbackTokens {
    return this.deps.tokens;
  }
  get agreedVersion(): number {
    return this.announced?.agreedVersion ?? 0;
  }
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }
  get localPort(): number | undefined {
    return this.socket.localPort;
  }
  now(): Date {
    return this.deps.clock();
  }

  /** The one place the state changes, with what entering each state takes. */
  transition(move: SessionMove): void {
    const kind = sessionMove(this.current, move.to);
    if (kind === 'stay') return;
    if (kind === 'illegal') throw new Error(`an SCCP session cannot go from ${this.current} to ${move.to}`);
    this.current = move.to;
    switch (move.to) {
      case 'registering':
        this.leaveStandby();
        this.announced = move.phone;
        this.headerVersion = headerVersionFor(move.phone.agreedVersion);
        this.deps.registerDeadlines.unwatch(this.registerDeadline);
        return;
      case 'registered': {
        this.accepted = move.device;
        greet(this);
        this.calls.attach();
        this.deps.supervisor.watch(this);
        // A phone acts on Reset only once registered (see reset()), then on what it sent meanwhile.
        const pending = this.pendingReset;
        this.pendingReset = null;
        if (pending) this.reset(pending);
        const backlog = this.backlog;
        this.backlog = [];
        for (const frame of backlog) this.handle(frame);
        return;
      }
      case 'closing':
        this.backlog = [];
        return;
      case 'closed':
        this.backlog = [];
        this.leaveStandby();
        this.deps.supervisor.unwatch(this);
        this.deps.registerDeadlines.unwatch(this.registerDeadline);
        this.calls.detach();
        if (this.accepted) {
          const { name, model } = this.accepted;
          this.deps.registration.unregistered({ name, protocol: 'SCCP', model }, this, this.reason);
        }
        this.deps.onClosed();
        return;
    }
  }

  private onData(chunk: Buffer): void {
    let frames: SccpFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      if (!(error instanceof SccpFramingError)) throw error;
      this.warn(
        'framing',
        { device: this.accepted?.name ?? null, code: error.code },
        `closing SCCP connection: ${error.message}. The peer is not speaking Skinny correctly (wrong port, or a broken device)`,
        error.code,
      );
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (this.current === 'registering') {
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

  private handle(frame: SccpFrame): void {
    if (this.current === 'closing' || this.current === 'closed') return;
    this.lastSeen = this.deps.clock().getTime();
    if (this.standbyWatch) this.standbyWatch.lastSeen = this.lastSeen;
    dispatch(frame, this);
  }

  warn(kind: SccpWarningKind, fields: Record<string, unknown>, message: string, what: string): void {
    this.deps.warnings.warn(
      kind,
      { address: this.address, ...fields },
      message,
      `${this.address} (${what})`,
      this.ip,
    );
  }

  failed(error: unknown, messageId?: number): void {
    this.log.error(
      {
        err: error,
        device: this.accepted?.name ?? null,
        message: messageId === undefined ? undefined : messageName(messageId),
      },
      'closing an SCCP connection after an error handling its message; this is a bug in openucm: please report this log line',
    );
    this.transition({ to: 'closing' });
    this.socket.destroy();
  }

  /** Closes the connection at once because it reached `limit`; reported (counted and logged). */
  private disconnect(limit: LimitName, message: string): void {
    this.deps.reporter.reached(
      limit,
      { address: this.ip, device: this.accepted?.name ?? this.announced?.name },
      message,
    );
    this.transition({ to: 'closing' });
    this.socket.destroy();
  }

  /** Nothing but Register may start a session, and only for so long (--sccp-register-timeout-seconds). */
  private registerTimedOut(): void {
    if (this.current !== 'awaiting-register') return;
    this.disconnect(
      'sccpRegisterTimeoutSeconds',
      `closed an SCCP connection from ${this.address} that sent no Register within ${this.deps.limits.registerTimeoutSeconds} s (--sccp-register-timeout-seconds)`,
    );
  }

  holdAsStandby(device?: string): boolean {
    if (this.current !== 'awaiting-register' || this.standbyWatch) return true;
    const watch: StandbyConnection = {
      peerIp: this.ip,
      lastSeen: this.lastSeen,
      expired: () => this.standbySilent(),
    };
    if (!this.deps.standby.enter(watch, device)) {
      this.transition({ to: 'closing' });
      this.socket.destroy();
      return false;
    }
    this.standbyWatch = watch;
    // A standby connection may wait for Register as long as its phone's active one lives.
    this.deps.registerDeadlines.unwatch(this.registerDeadline);
    return true;
  }

  private leaveStandby(): void {
    if (!this.standbyWatch) return;
    this.deps.standby.leave(this.standbyWatch);
    this.standbyWatch = null;
  }

  /** Three secondary keepalive intervals without a word (StandbyConnections). */
  private standbySilent(): void {
    if (this.current !== 'awaiting-register') return;
    this.warn(
      'standbySilent',
      {},
      `closed the standby SCCP connection from ${this.address}: no KeepAlive for ${this.deps.standby.timeoutSeconds} s (three secondary keepalive intervals)`,
      'silent standby',
    );
    this.transition({ to: 'closing' });
    this.socket.destroy();
  }

  hangUp(reason?: UnregistrationReason): void {
    if (reason) this.reason = reason;
    this.transition({ to: 'closing' });
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  send(messageId: number, body: Buffer, headerVersion = this.headerVersion): void {
    const queued = this.writer.write(messageId, body, headerVersion);
    // What the kernel would not take waits here: a phone that asks but never reads must not grow the node.
    if (queued > this.deps.limits.maxQueuedBytes) {
      this.disconnect(
        'sccpMaxQueuedBytes',
        `disconnected ${this.device?.name ?? 'an SCCP phone'} (${this.address}): ${queued} bytes of answers waited to be sent because it does not read them (--sccp-max-queued-bytes ${this.deps.limits.maxQueuedBytes})`,
      );
    }
  }

  reset(type: ResetType): void {
    this.reason = 'device-reset';
    // A phone acts on Reset only once registered: one asked for while the ack is on its way waits for it.
    if (this.current === 'registering') {
      this.pendingReset = type;
      return;
    }
    this.send(MessageId.Reset, encodeReset({ resetType: RESET_TYPE[type] }));
  }

  close(reason: UnregistrationReason): void {
    if (this.current === 'closed') return;
    this.hangUp(reason);
  }

  /** The keepalive deadline passed (KeepaliveSupervisor). */
  expired(): void {
    this.log.warn(
      { device: this.accepted?.name ?? null },
      `no keepalive from ${this.accepted?.name} for over ${this.deps.keepaliveSeconds * 2} s; unregistering it`,
    );
    this.reason = 'keepalive-timeout';
    this.transition({ to: 'closing' });
    this.socket.destroy();
  }
}
