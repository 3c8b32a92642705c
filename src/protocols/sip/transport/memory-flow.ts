import type { SipFlow, SipTransportName } from './flow.js';

/** A flow that keeps what is sent on it: for tests of the SIP core without sockets. */
export class MemoryFlow implements SipFlow {
  readonly sent: Buffer[] = [];
  readonly localAddress = '127.0.0.1';
  readonly localPort = 5060;
  open = true;

  constructor(
    readonly transport: SipTransportName = 'UDP',
    readonly remoteAddress = '127.0.0.1',
    readonly remotePort = 5062,
    readonly connectionId = transport === 'UDP' ? 0 : 1,
  ) {}

  get reliable(): boolean {
    return this.transport !== 'UDP';
  }

  send(data: Buffer): boolean {
    if (!this.open) return false;
    this.sent.push(data);
    return true;
  }

  respond(data: Buffer): boolean {
    return this.send(data);
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Start lines of everything sent, e.g. `SIP/2.0 200 OK`. */
  get startLines(): string[] {
    return this.sent.map((b) => b.toString('utf8').split('\r\n')[0]);
  }
}
