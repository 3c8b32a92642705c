/** SIP over UDP (RFC 3261 §18): one socket, one parse per datagram, responses per §18.2.2. */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { type SipLimits, parseMessage } from '../parser.js';
import type { SipFlow } from './flow.js';
import { formatAddress, isSendablePort, plainIp } from './flow.js';
import type { InboundSink } from './inbound.js';
import type { SendFailures } from './send-failures.js';

class UdpFlow implements SipFlow {
  readonly transport = 'UDP' as const;
  readonly reliable = false;
  readonly connectionId = 0;

  constructor(
    private readonly owner: UdpTransport,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {}

  get localAddress(): string {
    return this.owner.localAddress;
  }

  get localPort(): number {
    return this.owner.port;
  }

  send(data: Buffer): boolean {
    return this.owner.sendTo(data, this.remotePort, this.remoteAddress);
  }

  /** RFC 3261 §18.2.2: to the source address, at the sent-by port, or the source port with rport (RFC 3581). */
  respond(data: Buffer, sentByPort: number | undefined): boolean {
    return this.owner.sendTo(data, sentByPort ?? this.remotePort, this.remoteAddress);
  }

  isOpen(): boolean {
    return true;
  }
}

/**
 * Responses go to the packet's source address, always an IP: resolve it on the spot instead of through
 * dns.lookup, which defers every send by a tick. Names still go to the resolver.
 */
function ipLookup(
  address: string,
  family: number | dns.LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const version = isIP(address);
  if (version !== 0) callback(null, address, version);
  else dns.lookup(address, family as dns.LookupOneOptions, callback);
}

export interface UdpTransportOptions {
  host: string;
  port: number;
  sink: InboundSink;
  logger: Logger;
  failures: SendFailures;
  limits?: Partial<SipLimits>;
}

export class UdpTransport {
  private readonly socket: dgram.Socket;
  localAddress = '';
  private localPort = 0;
  /** One callback for every send: dgram reports late failures (EMSGSIZE, unreachable) through it. */
  private readonly onSent: (error: Error | null) => void;

  constructor(private readonly options: UdpTransportOptions) {
    this.socket = dgram.createSocket({
      type: options.host.includes(':') ? 'udp6' : 'udp4',
      lookup: ipLookup,
    });
    this.socket.on('message', (datagram, rinfo) => this.onDatagram(datagram, rinfo));
    this.socket.on('error', (error) => options.logger.warn({ err: error }, 'SIP UDP socket error'));
    this.onSent = (error) => {
      if (!error) return;
      // Node names the destination on the error (ExceptionWithHostPort).
      const { address, port } = error as Error & { address?: string; port?: number };
      options.failures.failed('UDP', formatAddress(address ?? '?', port ?? 0), error);
    };
  }

  /**
   * Sends one datagram; false when it cannot go. Never throws: dgram throws synchronously on port 0, a
   * bad address or a closed socket, and whatever a peer wrote decides where a response goes.
   */
  sendTo(data: Buffer, port: number, address: string): boolean {
    if (!isSendablePort(port)) {
      this.options.failures.failed('UDP', `${address}:${port}`, 'no datagram can be sent to that port');
      return false;
    }
    try {
      this.socket.send(data, port, address, this.onSent);
      return true;
    } catch (error) {
      this.options.failures.failed('UDP', formatAddress(address, port), error);
      return false;
    }
  }

  /** Binds; resolves with the actual port. */
  start(port = this.options.port): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.socket.once('error', onError);
      this.socket.bind({ address: this.options.host, port }, () => {
        this.socket.off('error', onError);
        try {
          // Bursts of registrations arrive faster than one event-loop turn drains them.
          this.socket.setRecvBufferSize(4 * 1024 * 1024);
          this.socket.setSendBufferSize(4 * 1024 * 1024);
        } catch {
          // The kernel caps the sizes (net.core.rmem_max); the defaults still work.
        }
        const address = this.socket.address();
        this.localAddress = plainIp(address.address);
        this.localPort = address.port;
        resolve(address.port);
      });
    });
  }

  get port(): number {
    return this.localPort;
  }

  /** A flow towards `address:port` (for requests this server sends first). */
  flowTo(address: string, port: number): SipFlow {
    return new UdpFlow(this, address, port);
  }

  private onDatagram(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
    const flow = new UdpFlow(this, rinfo.address, rinfo.port);
    this.options.sink.message(parseMessage(datagram, this.options.limits), flow);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
