/** Datagrams from a pool of sockets on the fuzzer's addresses; what comes back is counted (and maybe answered). */
import dgram from 'node:dgram';
import type { DeliveryStats, Driver } from './delivery.js';
import { emptyStats } from './delivery.js';

/** The largest UDP payload over IPv4. */
const MAX_DATAGRAM = 65_507;
/** Sends waiting for their callback before the driver waits: the kernel buffer, not memory, absorbs bursts. */
const MAX_IN_FLIGHT = 512;

export interface UdpDriverOptions {
  host: string;
  port: number;
  /** Source addresses (undefined: the system's choice). */
  localAddresses: (string | undefined)[];
  socketsPerAddress: number;
  /** An answer to a datagram from the node (e.g. a TFTP ACK), or null. */
  reply?: (datagram: Buffer) => Buffer | null;
}

export class UdpDriver implements Driver {
  readonly stats: DeliveryStats = emptyStats();
  private readonly sockets: dgram.Socket[] = [];
  private next = 0;
  private inFlight = 0;
  private drained: (() => void) | null = null;

  constructor(private readonly options: UdpDriverOptions) {}

  async open(): Promise<void> {
    const type = this.options.host.includes(':') ? 'udp6' : 'udp4';
    for (const address of this.options.localAddresses) {
      for (let i = 0; i < this.options.socketsPerAddress; i++) {
        const socket = dgram.createSocket(type);
        socket.on('error', () => undefined);
        socket.on('message', (datagram, rinfo) => {
          this.stats.answers++;
          const answer = this.options.reply?.(datagram);
          if (answer) {
            this.stats.followUps++;
            socket.send(answer, rinfo.port, rinfo.address, () => undefined);
          }
        });
        await new Promise<void>((resolve) => socket.bind({ address, port: 0 }, () => resolve()));
        this.sockets.push(socket);
      }
    }
  }

  async deliver(cases: Buffer[][]): Promise<void> {
    for (const inputs of cases) {
      const socket = this.sockets[this.next++ % this.sockets.length];
      this.stats.cases++;
      for (const input of inputs) {
        this.stats.inputs++;
        this.inFlight++;
        socket.send(input.subarray(0, MAX_DATAGRAM), this.options.port, this.options.host, () => {
          this.inFlight--;
          if (this.inFlight === 0 || (this.drained && this.inFlight < MAX_IN_FLIGHT / 2)) {
            const wake = this.drained;
            this.drained = null;
            wake?.();
          }
        });
        if (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (this.drained = r));
      }
    }
    while (this.inFlight > 0) await new Promise<void>((r) => (this.drained = r));
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.sockets.length = 0;
  }
}
