/** A SIP peer over UDP from a chosen loopback address, for tests that send what a script would. */
import dgram from 'node:dgram';

export interface SipAnswer {
  status: number;
  reason: string;
  /** Header lines, names in lower case. */
  headers: Map<string, string>;
}

/** Parses the status line and headers of a SIP response; null for anything else. */
export function parseAnswer(datagram: Buffer): SipAnswer | null {
  const text = datagram.toString('latin1');
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(statusLine);
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), reason: m[2], headers };
}

/** What a REGISTER says about the phone; a Contact with +sip.instance names the device by its MAC. */
export interface RegisterSpec {
  /** To/From user (an AOR user part: a DN, SEP<MAC>, or anything a script sends). */
  user: string;
  /** 12 hex digits for a Cisco +sip.instance; none: the device is named by `user` alone. */
  mac?: string;
  callId: string;
  cseq?: number;
  branch: string;
  /** Bytes of filler in a Subject header: a large request whose names are ordinary. */
  padding?: number;
}

export class SipUdpPeer {
  private readonly socket = dgram.createSocket('udp4');
  private readonly waiting = new Map<string, (answer: SipAnswer) => void>();
  /** Final responses that arrived, by Call-ID. */
  readonly answers: SipAnswer[] = [];

  constructor(readonly address: string) {}

  async open(): Promise<this> {
    this.socket.on('message', (m) => {
      const answer = parseAnswer(m);
      if (!answer || answer.status < 200) return;
      this.answers.push(answer);
      const callId = answer.headers.get('call-id') ?? answer.headers.get('i') ?? '';
      const wake = this.waiting.get(callId);
      if (wake) {
        this.waiting.delete(callId);
        wake(answer);
      }
    });
    await new Promise<void>((resolve) => this.socket.bind(0, this.address, () => resolve()));
    // A flood's answers arrive faster than a test reads them: the kernel's default buffer drops most.
    this.socket.setRecvBufferSize(4 * 1024 * 1024);
    return this;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The REGISTER text of `spec`, sent from this peer's address and port. */
  register(spec: RegisterSpec): string {
    const here = `${this.address}:${this.port}`;
    const instance = spec.mac
      ? `;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${spec.mac}>";+u.sip!model.ccm.cisco.com="8"`
      : '';
    return [
      'REGISTER sip:127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP ${here};branch=z9hG4bK${spec.branch};rport`,
      `From: <sip:${spec.user}@127.0.0.1>;tag=t${spec.branch}`,
      `To: <sip:${spec.user}@127.0.0.1>`,
      `Call-ID: ${spec.callId}`,
      `CSeq: ${spec.cseq ?? 1} REGISTER`,
      'Max-Forwards: 70',
      'User-Agent: Cisco-CP7940G/8.0',
      `Contact: <sip:${spec.user}@${here}>${instance}`,
      'Expires: 3600',
      ...(spec.padding ? [`Subject: ${'x'.repeat(spec.padding)}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }

  send(text: string, port: number): void {
    this.socket.send(Buffer.from(text), port, '127.0.0.1');
  }

  /** Sends a REGISTER and waits for its final response (null after `ms`). */
  exchange(spec: RegisterSpec, port: number, ms = 5000): Promise<SipAnswer | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(spec.callId);
        resolve(null);
      }, ms);
      this.waiting.set(spec.callId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.send(this.register(spec), port);
    });
  }

  close(): void {
    this.socket.close();
  }
}
