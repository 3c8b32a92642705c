import { EventEmitter } from 'node:events';
import net from 'node:net';
import { decodeMessage, encodeMessage, SccpFrameReader } from '../protocols/sccp/codec/index.js';
import type {
  SccpMessage,
  SccpMessageInput,
  SccpMessageMap,
  SccpMessageType,
} from '../protocols/sccp/codec/index.js';

export interface StationIdentity {
  deviceName: string;
  /** SCCP device type (sccp.md §4): 8 = 7940, 7 = 7960, 115 = 7941 … */
  deviceType: number;
  /** Max protocol version the phone supports: 11 for 7940/7960 on SCCP 8.x. */
  protocolVersion?: number;
  /** Running firmware load, sent in the 124-byte Register of newer phones. */
  loadInfo?: string;
  stationIp?: string;
  /** Codecs its CapabilitiesRes offers (default G.711 µ-law/A-law and G.729, as a 7940). */
  capabilities?: { payloadCapability: number; maxFramesPerPacket: number }[];
}

export type RegisterOutcome =
  | {
      kind: 'registered';
      keepAliveInterval: number;
      /** Seconds between KeepAlives to a standby (backup) call manager (sccp.md §3.2). */
      secondaryKeepAliveInterval: number;
      protocolVersion: number;
    }
  | { kind: 'rejected'; text: string }
  | { kind: 'closed' }
  /** No answer within the wait: the phone drops the connection and tries again. */
  | { kind: 'timeout' };

interface StationEvents {
  message: [SccpMessage];
  reset: [number];
  closed: [];
}

/**
 * The Skinny side of a phone: a client of the wire protocol only (it knows nothing of the
 * server's internals), used by the simulator and by socket-level tests.
 */
export class SccpStation extends EventEmitter<StationEvents> {
  private socket: net.Socket | null = null;
  private readonly reader = new SccpFrameReader({ maxFrameBytes: 8192 });
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private corked = false;
  keepaliveAcks = 0;
  keepalivesSent = 0;
  /** Date.now() of the last KeepAliveAck (0: none yet). */
  lastAckAt = 0;

  constructor(readonly identity: StationIdentity) {
    super();
  }

  /** Opens the TCP connection to the call manager (gives up after `timeoutMs`). */
  connect(host: string, port: number, localAddress?: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress, noDelay: true });
      this.socket = socket;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connection to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.on('error', () => undefined);
        resolve();
      });
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once('error', onError);
      socket.on('data', (chunk: Buffer) => {
        let frames;
        try {
          frames = this.reader.push(chunk);
        } catch {
          // The server does not speak Skinny: a phone drops such a connection.
          socket.destroy();
          return;
        }
        for (const frame of frames) {
          const message = decodeMessage(frame);
          if (message.type === 'KeepAliveAck') {
            this.keepaliveAcks++;
            this.lastAckAt = Date.now();
          }
          if (message.type === 'Reset') this.emit('reset', message.resetType);
          this.emit('message', message);
        }
      });
      socket.on('close', () => {
        this.closed = true;
        this.stopKeepalives();
        this.emit('closed');
      });
    });
  }

  /** The phone's own address on its connection (where its RTP is received). */
  get localAddress(): string | undefined {
    return this.socket?.localAddress;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(message: SccpMessageInput, headerVersion = 0): void {
    const socket = this.socket;
    if (!socket) return;
    // Messages sent in the same tick leave in one TCP segment (one write system call).
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    socket.write(encodeMessage(message, headerVersion));
  }

  /** Writes raw bytes (for tests of malformed input). */
  sendRaw(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  /** Resolves with the next message of `type` (or null when the connection closes or time runs out). */
  next<K extends SccpMessageType>(type: K, timeoutMs = 10_000): Promise<SccpMessageMap[K] | null> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(null);
      const done = (value: SccpMessageMap[K] | null) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('closed', onClosed);
        resolve(value);
      };
      const onMessage = (m: SccpMessage) => {
        if (m.type === type) done(m as SccpMessageMap[K]);
      };
      const onClosed = () => done(null);
      const timer = setTimeout(() => done(null), timeoutMs);
      this.on('message', onMessage);
      this.on('closed', onClosed);
    });
  }

  /** Sends Register and waits for RegisterAck or RegisterReject (at most `timeoutMs`, then drops the connection). */
  async register(timeoutMs = 30_000): Promise<RegisterOutcome> {
    const { deviceName, deviceType, protocolVersion = 11, loadInfo, stationIp = '127.0.0.1' } = this.identity;
    const outcome = new Promise<RegisterOutcome>((resolve) => {
      const onMessage = (m: SccpMessage) => {
        if (m.type === 'RegisterAck') {
          finish({
            kind: 'registered',
            keepAliveInterval: m.keepAliveInterval,
            secondaryKeepAliveInterval: m.secondaryKeepAliveInterval,
            protocolVersion: m.maxProtocolVersion,
          });
        } else if (m.type === 'RegisterReject') {
          finish({ kind: 'rejected', text: m.text });
        }
      };
      const onClosed = () => finish({ kind: 'closed' });
      const timer = setTimeout(() => {
        finish({ kind: 'timeout' });
        this.destroy();
      }, timeoutMs);
      const finish = (o: RegisterOutcome) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('closed', onClosed);
        resolve(o);
      };
      this.on('message', onMessage);
      this.on('closed', onClosed);
    });
    // 7940/7960 on SCCP 8.x send the 68-byte body; phones that report a load send the 124-byte one.
    this.send({
      type: 'Register',
      deviceName,
      stationIpAddr: stationIp,
      deviceType,
      instance: 1,
      maxStreams: 5,
      protocolVersion,
      loadInfo,
      bodySize: loadInfo ? 124 : 68,
    });
    return outcome;
  }

  /** Resolves with the next `count` messages of `type` (fewer when the connection closes or time runs out). */
  private collect<K extends SccpMessageType>(
    type: K,
    count: number,
    timeoutMs = 10_000,
  ): Promise<SccpMessageMap[K][]> {
    return new Promise((resolve) => {
      const got: SccpMessageMap[K][] = [];
      if (this.closed || count === 0) return resolve(got);
      const done = () => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('closed', done);
        resolve(got);
      };
      const onMessage = (m: SccpMessage) => {
        if (m.type !== type) return;
        got.push(m as SccpMessageMap[K]);
        if (got.length === count) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('message', onMessage);
      this.on('closed', done);
    });
  }

  /**
   * The startup exchange a 7940 makes after RegisterAck (sccp.md §5): its media port and codecs,
   * the button template, soft keys, the status of each line button, and the time. Requests that
   * do not depend on an answer go out together (the server "must answer each request whenever it
   * arrives", sccp.md §5). Returns the DNs on the line buttons.
   */
  async startup(): Promise<{
    /** Each line button's DN, with the label shown beside it and the line's display name (LineStat). */
    lines: { index: number; dn: string; label: string; displayName: string }[];
    time: SccpMessageMap['DefineTimeDate'] | null;
  }> {
    const templateP = this.next('ButtonTemplate');
    const softKeysP = this.next('SoftKeyTemplateRes');
    const setsP = this.next('SoftKeySetRes');
    this.send({ type: 'IpPort', rtpMediaPort: 20000 });
    // The answer to the CapabilitiesReq that follows RegisterAck (sccp.md §5 step 5): G.711 µ-law/A-law, G.729.
    this.send({
      type: 'CapabilitiesRes',
      capabilities: this.identity.capabilities ?? [
        { payloadCapability: 4, maxFramesPerPacket: 40 },
        { payloadCapability: 2, maxFramesPerPacket: 40 },
        { payloadCapability: 11, maxFramesPerPacket: 60 },
      ],
    });
    this.send({ type: 'ButtonTemplateReq' });
    this.send({ type: 'SoftKeyTemplateReq' });
    this.send({ type: 'SoftKeySetReq' });
    const [template] = await Promise.all([templateP, softKeysP, setsP]);
    const lineButtons = (template?.buttons ?? []).filter((b) => b.buttonDefinition === 0x09);
    const statsP = this.collect('LineStat', lineButtons.length);
    const timeP = this.next('DefineTimeDate');
    for (const button of lineButtons) this.send({ type: 'LineStatReq', lineNumber: button.instanceNumber });
    this.send({ type: 'RegisterAvailableLines', maxNumOfAvailLines: 0 });
    this.send({ type: 'TimeDateReq' });
    const lines: { index: number; dn: string; label: string; displayName: string }[] = [];
    for (const stat of (await statsP).sort((a, b) => a.lineNumber - b.lineNumber)) {
      if (stat.lineDirNumber) {
        lines.push({
          index: stat.lineNumber,
          dn: stat.lineDirNumber,
          label: stat.lineTextLabel,
          displayName: stat.lineFullyQualifiedDisplayName,
        });
      }
    }
    return { lines, time: await timeP };
  }

  /**
   * Sends KeepAlive every `intervalSeconds` (sccp.md §3.5). `onLost` is called once when the
   * server has not acknowledged for `lostAfter` intervals: a phone then drops the connection
   * and fails over.
   */
  startKeepalives(intervalSeconds: number, onLost?: () => void, lostAfter = 3): void {
    this.stopKeepalives();
    const intervalMs = intervalSeconds * 1000;
    this.lastAckAt = Date.now();
    this.keepaliveTimer = setInterval(() => {
      if (onLost && Date.now() - this.lastAckAt > intervalMs * lostAfter) {
        this.stopKeepalives();
        onLost();
        return;
      }
      this.keepalivesSent++;
      this.send({ type: 'KeepAlive' });
    }, intervalMs);
  }

  stopKeepalives(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }

  /**
   * Asks for a fallback token (cluster.md §1.3) on this not-yet-registered connection: true on
   * RegisterTokenAck, the seconds to wait on RegisterTokenReject, null when no answer came.
   */
  async requestToken(timeoutMs = 10_000): Promise<true | number | null> {
    const answer = new Promise<true | number | null>((resolve) => {
      const done = (value: true | number | null) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('closed', onClosed);
        resolve(value);
      };
      const onMessage = (m: SccpMessage) => {
        if (m.type === 'RegisterTokenAck') done(true);
        else if (m.type === 'RegisterTokenReject') done(m.waitTimeBeforeNextReq);
      };
      const onClosed = () => done(null);
      const timer = setTimeout(() => done(null), timeoutMs);
      this.on('message', onMessage);
      this.on('closed', onClosed);
    });
    const { deviceName, deviceType, stationIp = '127.0.0.1' } = this.identity;
    this.send({
      type: 'RegisterTokenRequest',
      deviceName,
      instance: 1,
      stationIpAddr: stationIp,
      deviceType,
    });
    return answer;
  }

  /** Unregister → UnregisterAck, then the server closes the connection. */
  async unregister(): Promise<number | null> {
    const ack = this.next('UnregisterAck');
    this.send({ type: 'Unregister', reason: 0 });
    return (await ack)?.status ?? null;
  }

  /** Drops the connection without a word (a phone losing power). */
  destroy(): void {
    this.stopKeepalives();
    this.socket?.destroy();
  }

  close(): Promise<void> {
    this.stopKeepalives();
    if (this.closed || !this.socket) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('closed', () => resolve());
      this.socket?.end();
    });
  }
}
