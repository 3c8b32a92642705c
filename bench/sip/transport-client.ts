/**
 * The load generator of bench:sip-transports, in a process of its own (forked by transports.ts,
 * never in a server's process). It plays phones `first … first + count - 1` over one transport:
 * each phone has its own loopback source address (127.77.x.y, as phones each have their own IP)
 * and, on TCP and TLS, its own connection, kept open as phones keep theirs.
 *
 * Commands come from the parent over IPC, one at a time; each is answered with what it measured:
 * - `connect`: open every phone's connection (UDP: bind its socket; TLS: the handshake);
 * - `register`: every phone sends REGISTER with CSeq `cseq` once, `lanes` phones in flight;
 * - `refresh`: every phone refreshes `rounds` times (same Call-ID, CSeq `cseq`, `cseq + 1` …);
 * - `storm`: `total` short-lived TLS connections, `lanes` at a time: connect, handshake, one
 *   REGISTER refresh, read its answer, close;
 * - `close`: close everything and exit.
 *
 * A lane is a closed loop over its own phones, so a phone never has two REGISTERs in flight.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';

export type Transport = 'udp' | 'tcp' | 'tls';

export interface ClientSetup {
  transport: Transport;
  host: string;
  port: number;
  /** The first phone's index and how many phones this process plays. */
  first: number;
  count: number;
  /** A tag in every Call-ID, so that each server round has its own dialogs. */
  runTag: string;
  /** TLS: the server's certificate (PEM), trusted as the only CA; its host name is not checked. */
  ca?: string;
}

export type ClientCommand =
  | { cmd: 'connect'; lanes: number }
  | { cmd: 'register'; lanes: number; cseq: number }
  | { cmd: 'refresh'; lanes: number; cseq: number; rounds: number }
  | { cmd: 'storm'; lanes: number; cseq: number; total: number }
  | { cmd: 'close' };

export interface ClientReport {
  cmd: ClientCommand['cmd'];
  ok: number;
  failed: number;
  /** Why the first few failed (status line, error code, timeout). */
  reasons: string[];
  /** UDP requests sent again for want of an answer. */
  retransmissions: number;
  /** CPU seconds this process used for the command. */
  cpuSeconds: number;
}

/** Phone `i`: its MAC, device name and loopback source address (127.77.0.1 …, 250 per /24). */
export function phone(i: number): { mac: string; name: string; address: string } {
  const mac = `00ac${i.toString(16).padStart(8, '0')}`;
  const b = 77 + Math.floor(i / 62_500);
  const c = Math.floor((i % 62_500) / 250);
  const d = 1 + (i % 250);
  return { mac, name: `SEP${mac.toUpperCase()}`, address: `127.${b}.${c}.${d}` };
}

/** RFC 3261 Timer F: a non-INVITE transaction without a final answer in 32 s has failed. */
const TIMEOUT_MS = 32_000;
/** Timer E on UDP: 500 ms, doubling up to 4 s (T2). */
const T1 = 500;
const T2 = 4000;

let branches = 0;

let trust: tls.SecureContext | undefined;

/**
 * The client's TLS context, made once: the server's certificate as the only CA, TLS 1.2 and later.
 * (A `ca` given to every tls.connect would parse it and build a new context per connection, which
 * costs the generator more CPU than the handshake.)
 */
function trustOf(setup: ClientSetup): tls.SecureContext {
  trust ??= tls.createSecureContext({ ca: setup.ca, minVersion: 'TLSv1.2' });
  return trust;
}

function register(setup: ClientSetup, i: number, cseq: number, localPort: number): Buffer {
  const p = phone(i);
  const proto = setup.transport.toUpperCase();
  const uriTransport = setup.transport === 'udp' ? '' : `;transport=${setup.transport}`;
  return Buffer.from(
    `REGISTER sip:${setup.host}:${setup.port} SIP/2.0\r\n` +
      `Via: SIP/2.0/${proto} ${p.address}:${localPort};branch=z9hG4bK${setup.runTag}.${++branches};rport\r\n` +
      `From: <sip:${p.name}@${setup.host}>;tag=${p.mac}\r\n` +
      `To: <sip:${p.name}@${setup.host}>\r\n` +
      `Call-ID: ${i}-${setup.runTag}@bench\r\n` +
      `CSeq: ${cseq} REGISTER\r\n` +
      `Contact: <sip:${p.name}@${p.address}:${localPort}${uriTransport}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${p.mac}>";+u.sip!model.ccm.cisco.com="7"\r\n` +
      'Max-Forwards: 70\r\nUser-Agent: Cisco-CP7960G/8.0\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n',
    'latin1',
  );
}

/** A final response's status code and CSeq number (0 when the message is not a response). */
function statusOf(head: string): { status: number; cseq: number } {
  if (!head.startsWith('SIP/2.0 ')) return { status: 0, cseq: 0 };
  const cseq = /\r\ncseq\s*:\s*(\d+)/i.exec(head);
  return { status: Number(head.slice(8, 11)), cseq: cseq ? Number(cseq[1]) : 0 };
}

/**
 * Frames SIP messages on a stream (RFC 3261 §18.3: Content-Length is mandatory on streams) and
 * hands each one's head to `onMessage`; CRLF keepalives between messages are skipped.
 */
class StreamFramer {
  private pending = '';
  constructor(private readonly onMessage: (head: string) => void) {}

  push(chunk: Buffer): void {
    this.pending += chunk.toString('latin1');
    for (;;) {
      while (this.pending.startsWith('\r\n')) this.pending = this.pending.slice(2);
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.pending.slice(0, end + 2);
      const length = /\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(head);
      const total = end + 4 + (length ? Number(length[1]) : 0);
      if (this.pending.length < total) return;
      this.pending = this.pending.slice(total);
      this.onMessage(head);
    }
  }
}

/** One phone's way to the server: a UDP socket, or a TCP/TLS connection. */
interface Line {
  send(message: Buffer): void;
  localPort: number;
  close(): void;
}

/** A request waiting for its final answer. */
interface Waiter {
  cseq: number;
  resolve(result: string | null): void;
}

class Phones {
  private readonly lines = new Map<number, Line>();
  private readonly waiting = new Map<number, Waiter>();
  retransmissions = 0;
  /**
   * Set when a request of the command went unanswered for 32 s: the server has stalled, and the
   * command's remaining requests fail at once rather than 32 s each.
   */
  abandoned = false;

  constructor(private readonly setup: ClientSetup) {}

  private answered(i: number, head: string): void {
    const { status, cseq } = statusOf(head);
    const waiter = this.waiting.get(i);
    if (waiter === undefined || status < 200 || cseq !== waiter.cseq) return;
    this.waiting.delete(i);
    waiter.resolve(status === 200 ? null : head.slice(0, head.indexOf('\r\n')));
  }

  /** Phone `i`'s request failed; `closed`: its connection is gone too. */
  private lost(i: number, reason: string, closed = false): void {
    const waiter = this.waiting.get(i);
    if (closed) this.lines.delete(i);
    if (waiter === undefined) return;
    this.waiting.delete(i);
    waiter.resolve(reason);
  }

  private timedOut(i: number): void {
    this.abandoned = true;
    this.lost(i, `no answer in 32 s (phone ${i})`);
  }

  /** Opens phone `i`'s socket or connection; resolves with an error text, or null. */
  open(i: number): Promise<string | null> {
    const { setup } = this;
    const address = phone(i).address;
    if (setup.transport === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (m) => this.answered(i, m.toString('latin1')));
      return new Promise((resolve) => {
        socket.once('error', (e: NodeJS.ErrnoException) =>
          resolve(`bind ${address}: ${e.code ?? e.message}`),
        );
        socket.bind(0, address, () => {
          const localPort = socket.address().port;
          this.lines.set(i, {
            localPort,
            send: (message) => socket.send(message, setup.port, setup.host),
            close: () => socket.close(),
          });
          resolve(null);
        });
      });
    }
    return new Promise((resolve) => {
      const framer = new StreamFramer((head) => this.answered(i, head));
      const options = { host: setup.host, port: setup.port, localAddress: address };
      const socket =
        setup.transport === 'tls'
          ? tls.connect({
              ...options,
              secureContext: trustOf(setup),
              checkServerIdentity: () => undefined,
            })
          : net.connect(options);
      socket.setNoDelay(true);
      let open = false;
      socket.once(setup.transport === 'tls' ? 'secureConnect' : 'connect', () => {
        open = true;
        // Phones put the port they listen on in Contact (5060), not the connection's.
        this.lines.set(i, { localPort: 5060, send: (m) => socket.write(m), close: () => socket.destroy() });
        resolve(null);
      });
      socket.on('data', (d: Buffer) => framer.push(d));
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (!open) resolve(`connect from ${address}: ${e.code ?? e.message}`);
        else this.lost(i, `connection error ${e.code ?? e.message}`, true);
      });
      socket.on('close', () => {
        if (!open) resolve(`connection from ${address} closed before it was ready`);
        else this.lost(i, 'connection closed by the server', true);
      });
    });
  }

  /** Sends phone `i`'s REGISTER with `cseq`; resolves with null on 200, else why not. */
  request(i: number, cseq: number): Promise<string | null> {
    const line = this.lines.get(i);
    if (this.abandoned) return Promise.resolve('not sent: an earlier request went unanswered for 32 s');
    if (line === undefined) return Promise.resolve('no connection');
    if (this.waiting.has(i))
      return Promise.resolve(`phone ${i} already has a request in flight (a bench bug)`);
    const message = register(this.setup, i, cseq, line.localPort);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const started = Date.now();
      const finish = (result: string | null) => {
        clearTimeout(timer);
        resolve(result);
      };
      this.waiting.set(i, { cseq, resolve: finish });
      line.send(message);
      if (this.setup.transport === 'udp') {
        let interval = T1;
        const again = () => {
          if (Date.now() - started >= TIMEOUT_MS) return this.timedOut(i);
          this.retransmissions++;
          line.send(message);
          interval = Math.min(interval * 2, T2);
          timer = setTimeout(again, interval);
        };
        timer = setTimeout(again, interval);
      } else timer = setTimeout(() => this.timedOut(i), TIMEOUT_MS);
    });
  }

  closeAll(): void {
    for (const line of this.lines.values()) line.close();
    this.lines.clear();
  }
}

/** One short-lived TLS connection of the storm: handshake, one REGISTER, its answer, close. */
function stormOnce(setup: ClientSetup, i: number, cseq: number): Promise<string | null> {
  const address = phone(i).address;
  return new Promise((resolve) => {
    // undefined: not decided yet; null: 200 OK; a string: why it failed.
    let result: string | null | undefined;
    const decide = (outcome: string | null) => {
      if (result === undefined) result = outcome;
    };
    // localAddress is net's, which tls.connect passes on (its type does not list it).
    const where = { host: setup.host, port: setup.port, localAddress: address };
    const socket = tls.connect({
      ...where,
      secureContext: trustOf(setup),
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      decide('no answer in 32 s');
      socket.destroy();
    }, TIMEOUT_MS);
    const framer = new StreamFramer((head) => {
      const { status } = statusOf(head);
      if (status < 200) return;
      decide(status === 200 ? null : head.slice(0, head.indexOf('\r\n')));
      socket.end();
    });
    socket.once('secureConnect', () => socket.write(register(setup, i, cseq, 5060)));
    socket.on('data', (d: Buffer) => framer.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => decide(`TLS from ${address}: ${e.code ?? e.message}`));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(result === undefined ? 'closed before an answer' : result);
    });
  });
}

/** Runs `lanes` closed loops over `items`; lane j takes items j, j + lanes, … in order. */
async function lanesOver(
  lanes: number,
  items: number,
  one: (k: number) => Promise<string | null>,
): Promise<{ ok: number; failed: number; reasons: string[] }> {
  let ok = 0;
  let failed = 0;
  const reasons: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(lanes, items) }, async (_, j) => {
      for (let k = j; k < items; k += lanes) {
        const why = await one(k);
        if (why === null) ok++;
        else {
          failed++;
          if (reasons.length < 5) reasons.push(why);
        }
      }
    }),
  );
  return { ok, failed, reasons };
}

/**
 * `lanes` closed loops over `count` phones, `rounds` requests each: lane j owns phones j, j + lanes, …
 * and sends to them in turn, round after round, so that no phone ever has two requests in flight.
 */
async function lanesOwning(
  lanes: number,
  count: number,
  rounds: number,
  one: (phone: number, round: number) => Promise<string | null>,
): Promise<{ ok: number; failed: number; reasons: string[] }> {
  let ok = 0;
  let failed = 0;
  const reasons: string[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async (_, j) => {
      for (let r = 0; r < rounds; r++)
        for (let i = j; i < count; i += lanes) {
          const why = await one(i, r);
          if (why === null) ok++;
          else {
            failed++;
            if (reasons.length < 5) reasons.push(why);
          }
        }
    }),
  );
  return { ok, failed, reasons };
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.argv[2] ?? '') as ClientSetup;
  const phones = new Phones(setup);
  const { first, count } = setup;
  process.on('message', (command: ClientCommand) => {
    const cpu0 = process.cpuUsage();
    const done = (r: { ok: number; failed: number; reasons: string[] }) => {
      const cpu = process.cpuUsage(cpu0);
      const report: ClientReport = {
        cmd: command.cmd,
        ...r,
        retransmissions: phones.retransmissions,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
      phones.retransmissions = 0;
      phones.abandoned = false;
      process.send?.(report);
    };
    switch (command.cmd) {
      case 'connect':
        void lanesOver(command.lanes, count, (k) => phones.open(first + k)).then(done);
        return;
      case 'register':
        void lanesOver(command.lanes, count, (k) => phones.request(first + k, command.cseq)).then(done);
        return;
      case 'refresh': {
        // Lane j owns phones j, j + lanes, …: its item k is its phone k % owned, refresh number floor(k / owned).
        const lanes = Math.min(command.lanes, count);
        void lanesOwning(lanes, count, command.rounds, (i, r) =>
          phones.request(first + i, command.cseq + r),
        ).then(done);
        return;
      }
      case 'storm':
        // Connection k refreshes phone k % count of this process, with the next CSeq each time round.
        void lanesOver(command.lanes, command.total, (k) =>
          stormOnce(setup, first + (k % count), command.cseq + Math.floor(k / count)),
        ).then(done);
        return;
      case 'close':
        phones.closeAll();
        done({ ok: 0, failed: 0, reasons: [] });
        process.disconnect?.();
        setTimeout(() => process.exit(0), 200).unref();
        return;
    }
  });
  // The bench ended without a 'close' (it failed): nothing is left holding sockets.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ cmd: 'ready', ok: 0, failed: 0, reasons: [], retransmissions: 0, cpuSeconds: 0 });
}

if (process.send !== undefined) void main();
