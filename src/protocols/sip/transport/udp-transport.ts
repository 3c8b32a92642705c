/** SIP over UDP (RFC 3261 §18): one socket, one parse per datagram, responses per §18.2.2. */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { type SipLimits, parseMessage } from '../parser.js';
import type { SipFlow } from './flow.js';
import { plainIp } from './flow.js';
import type { InboundSink } from './inbound.js';

class UdpFlow implements SipFlow {
  readonly transport = 'UDP' as const;
  readonly reliable = false;
  readonly connectionId = 0;

  constructor(
    private readonly socket: dgram.Socket,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localAddress: string,
    readonly localPort: number,
  ) {}

  send(data: Buffer): boolean {
    this.socket.send(data, this.remotePort, this.remoteAddress);
    return true;
  }

  /** RFC 3261 §18.2.2: to the source address, at the sent-by port, or the source port with rport (RFC 3581). */
  respond(data: Buffer, sentByPort: number | undefined): boolean {
    this.socket.send(data, sentByPort ?? this.remotePort, this.remoteAddress);
    return true;
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
  limits?: Partial<SipLimits>;
}

export class UdpTransport {
  private readonly socket: dgram.Socket;
  private localAddress = '';
  private localPort = 0;

  constructor(private readonly options: UdpTransportOptions) {
    this.socket = dgram.createSocket({
      type: options.host.includes(':') ? 'udp6' : 'udp4',
      lookup: ipLookup,
    });
    this.socket.on('message', (datagram, rinfo) => this.onDatagram(datagram, rinfo));
    this.socket.on('error', (error) => options.logger.warn({ err: error }, 'SIP UDP socket error'));
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
    return new UdpFlow(this.socket, address, port, this.localAddress, this.localPort);
  }

  private onDatagram(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
    const flow = new UdpFlow(this.socket, rinfo.address, rinfo.port, this.localAddress, this.localPort);
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
