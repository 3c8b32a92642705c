/** Raw SIP over UDP and TCP for tests that send what no real phone would. */
import dgram from 'node:dgram';
import net from 'node:net';

/** A UDP socket that collects every datagram it receives. */
export class UdpPeer {
  readonly received: Buffer[] = [];
  private readonly socket = dgram.createSocket('udp4');

  async open(): Promise<this> {
    this.socket.on('message', (m) => this.received.push(m));
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    try {
      // Bursts of answers come faster than a test reads them; the kernel may cap the size (rmem_max).
      this.socket.setRecvBufferSize(4 * 1024 * 1024);
    } catch {
      // The default buffer still works for small exchanges.
    }
    return this;
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Buffer | string, port: number): void {
    this.socket.send(typeof data === 'string' ? Buffer.from(data) : data, port, '127.0.0.1');
  }

  /** Sends and waits for the next datagram (or null after `ms`). */
  async exchange(data: Buffer | string, port: number, ms = 2000): Promise<string | null> {
    const before = this.received.length;
    this.send(data, port);
    const deadline = Date.now() + ms;
    while (this.received.length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    return this.received.length > before ? this.received[before].toString() : null;
  }

  close(): void {
    this.socket.close();
  }
}

/** Opens a TCP connection, writes `chunks`, and reports what came back and whether the server closed it. */
export function tcpExchange(
  port: number,
  chunks: (Buffer | string)[],
  waitMs = 500,
): Promise<{ received: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let closed = false;
    socket.on('data', (d: Buffer) => got.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
    });
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
    });
    setTimeout(() => {
      socket.destroy();
      resolve({ received: Buffer.concat(got).toString(), closedByServer: closed });
    }, waitMs);
  });
}

/** An OPTIONS request from `port` (UDP) with a unique branch. */
export function options(port: number, n: number, transport = 'UDP'): string {
  return (
    `OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/${transport} 127.0.0.1:${port};branch=z9hG4bKopt${n};rport\r\n` +
    `From: <sip:probe@127.0.0.1>;tag=p${n}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: opt${n}@probe\r\nCSeq: 1 OPTIONS\r\n` +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n'
  );
}

/** A REGISTER from a Cisco-like phone at `port` with `extra` header lines and `contacts`. */
export function register(
  port: number,
  n: number,
  opts: {
    extra?: string[];
    contacts?: string[];
    transport?: string;
    mac?: string;
    contactRows?: 'one' | 'each';
  } = {},
): string {
  const mac = opts.mac ?? '00bad0000001';
  const contacts = opts.contacts ?? [
    `<sip:2000@127.0.0.1:${port}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>";+u.sip!model.ccm.cisco.com="7"`,
  ];
  const body = [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${opts.transport ?? 'UDP'} 127.0.0.1:${port};branch=z9hG4bKreg${n};rport`,
    `From: <sip:2000@127.0.0.1>;tag=r${n}`,
    'To: <sip:2000@127.0.0.1>',
    `Call-ID: reg-${mac}@probe`,
    `CSeq: ${n} REGISTER`,
    'Max-Forwards: 70',
    'User-Agent: Cisco-CP7960G/8.0',
    ...(opts.contactRows === 'one'
      ? [`Contact: ${contacts.join(', ')}`]
      : contacts.map((c) => `Contact: ${c}`)),
    ...(opts.extra ?? []),
    'Expires: 3600',
    'Content-Length: 0',
    '',
    '',
  ];
  return body.join('\r\n');
}
