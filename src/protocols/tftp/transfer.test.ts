import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from './clock.js';
import { bufferFile } from '../../services/file-source.js';
import type { TftpFile, TftpPeer } from '../../services/file-source.js';
import type { NegotiatedOptions } from './options.js';
import { decodePacket, encodePacket } from './packets.js';
import type { TftpPacket } from './packets.js';
import { ReadTransfer } from './transfer.js';
import type { ReadTransferOutcome } from './transfer.js';

/** A clock that only moves when told to; timers fire in order of due time. */
class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

const PEER: TftpPeer = { address: '192.0.2.10', port: 50000 };
const STRANGER: TftpPeer = { address: '192.0.2.10', port: 50001 };
const PLAIN: NegotiatedOptions = { blockSize: 512, timeoutMs: null, oack: null };

/** Lets file reads (promises) settle, so the next DATA has been sent. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function pattern(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
  return data;
}

function harness(
  data: Buffer | TftpFile,
  negotiated: NegotiatedOptions = PLAIN,
  extra: { timeoutMs?: number; maxRetries?: number; firstPacketRetransmissions?: number } = {},
) {
  const clock = new FakeClock();
  const sent: Array<{ packet: TftpPacket; to: TftpPeer }> = [];
  const outcomes: ReadTransferOutcome[] = [];
  let closed = 0;
  const inner = Buffer.isBuffer(data) ? bufferFile(data) : data;
  const file: TftpFile = {
    size: inner.size,
    read: (offset, length) => inner.read(offset, length),
    close: async () => {
      closed++;
    },
  };
  const transfer = new ReadTransfer({
    peer: PEER,
    file,
    negotiated,
    clock,
    send: (packet, to) => {
      const decoded = decodePacket(packet);
      if (!decoded.ok) throw new Error('transfer sent an undecodable packet');
      sent.push({ packet: decoded.packet, to });
    },
    onFinish: (outcome) => outcomes.push(outcome),
    ...extra,
  });
  return {
    clock,
    sent,
    outcomes,
    transfer,
    closed: () => closed,
    /** Packets sent since the last call. */
    take(): TftpPacket[] {
      return sent.splice(0).map((entry) => entry.packet);
    },
    async ack(block: number, from: TftpPeer = PEER): Promise<void> {
      transfer.receive(encodePacket({ type: 'ack', block }), from);
      await settle();
    },
  };
}

function shape(packets: TftpPacket[]) {
  return packets.map((p) =>
    p.type === 'data' ? { type: 'data', block: p.block, length: p.data.length } : p,
  );
}

describe('ReadTransfer', () => {
  it('without options sends DATA 1 directly and ends on the ACK of the short block', async () => {
    const content = pattern(1000);
    const h = harness(content);
    h.transfer.start();
    await settle();
    const first = h.take();
    expect(shape(first)).toEqual([{ type: 'data', block: 1, length: 512 }]);
    await h.ack(1);
    const second = h.take();
    expect(shape(second)).toEqual([{ type: 'data', block: 2, length: 488 }]);
    const received = Buffer.concat(
      [first, second].flat().map((p) => (p.type === 'data' ? p.data : Buffer.alloc(0))),
    );
    expect(received.equals(content)).toBe(true);
    expect(h.outcomes).toEqual([]);
    await h.ack(2);
    expect(h.outcomes).toEqual([{ kind: 'completed', bytes: 1000, blocks: 2, durationMs: 0 }]);
    expect(h.transfer.state).toBe('completed');
    expect(h.clock.pendingTimers).toBe(0);
    await h.transfer.dispose();
    expect(h.closed()).toBe(1);
  });

  it('sends an empty last block when the size is a multiple of the block size', async () => {
    const h = harness(pattern(1024));
    h.transfer.start();
    await settle();
    await h.ack(1);
    await h.ack(2);
    expect(shape(h.take())).toEqual([
      { type: 'data', block: 1, length: 512 },
      { type: 'data', block: 2, length: 512 },
      { type: 'data', block: 3, length: 0 },
    ]);
    await h.ack(3);
    expect(h.outcomes).toMatchObject([{ kind: 'completed', bytes: 1024, blocks: 3 }]);
  });

  it('serves an empty file as one empty block', async () => {
    const h = harness(Buffer.alloc(0));
    h.transfer.start();
    await settle();
    expect(shape(h.take())).toEqual([{ type: 'data', block: 1, length: 0 }]);
    await h.ack(1);
    expect(h.outcomes).toMatchObject([{ kind: 'completed', bytes: 0, blocks: 1 }]);
  });

  it('with options sends the OACK and waits for ACK 0 before DATA 1 at the negotiated size', async () => {
    const oack = new Map([
      ['blksize', '1428'],
      ['tsize', '2000'],
    ]);
    const h = harness(pattern(2000), { blockSize: 1428, timeoutMs: null, oack });
    h.transfer.start();
    await settle();
    expect(h.take()).toEqual([{ type: 'oack', options: oack }]);
    expect(h.transfer.state).toBe('awaiting-oack-ack');
    await h.ack(1); // not what we wait for
    expect(h.take()).toEqual([]);
    await h.ack(0);
    expect(shape(h.take())).toEqual([{ type: 'data', block: 1, length: 1428 }]);
    await h.ack(0); // duplicate ACK 0: no resend of DATA 1
    expect(h.take()).toEqual([]);
    await h.ack(1);
    expect(shape(h.take())).toEqual([{ type: 'data', block: 2, length: 572 }]);
    await h.ack(2);
    expect(h.outcomes).toMatchObject([{ kind: 'completed', bytes: 2000, blocks: 2 }]);
  });

  it('retransmits the OACK on timeout', async () => {
    const oack = new Map([['tsize', '10']]);
    const h = harness(pattern(10), { blockSize: 512, timeoutMs: null, oack });
    h.transfer.start();
    h.take();
    h.clock.advance(2000);
    expect(h.take()).toEqual([{ type: 'oack', options: oack }]);
  });

  it('retransmits the last DATA every 2 s, 5 times, then gives up with a timeout', async () => {
    const h = harness(pattern(600));
    h.transfer.start();
    await settle();
    h.take();
    await h.ack(1);
    expect(shape(h.take())).toEqual([{ type: 'data', block: 2, length: 88 }]);
    h.clock.advance(1999);
    expect(h.take()).toEqual([]);
    for (let i = 0; i < 5; i++) {
      h.clock.advance(i === 0 ? 1 : 2000);
      expect(shape(h.take()), `retransmission ${i + 1}`).toEqual([{ type: 'data', block: 2, length: 88 }]);
    }
    expect(h.outcomes).toEqual([]);
    h.clock.advance(1999);
    expect(h.take()).toEqual([]);
    h.clock.advance(1);
    expect(h.take()).toEqual([{ type: 'error', code: 0, message: 'Timed out waiting for ACK 2' }]);
    expect(h.outcomes).toEqual([{ kind: 'timed-out', bytes: 512, waitingFor: 'ACK 2', retransmissions: 5 }]);
    expect(h.transfer.state).toBe('failed');
    expect(h.clock.pendingTimers).toBe(0);
    await h.ack(2); // too late
    expect(h.take()).toEqual([]);
  });

  it('uses the negotiated timeout and the configured retry count', async () => {
    const h = harness(
      pattern(10),
      { blockSize: 512, timeoutMs: 6000, oack: new Map([['timeout', '6']]) },
      {
        maxRetries: 1,
      },
    );
    h.transfer.start();
    h.take();
    h.clock.advance(5999);
    expect(h.take()).toEqual([]);
    h.clock.advance(1);
    expect(h.take()).toHaveLength(1);
    h.clock.advance(6000);
    expect(h.outcomes).toMatchObject([{ kind: 'timed-out', waitingFor: 'ACK 0 (acknowledging our OACK)' }]);
  });

  it('counts retries per block: progress resets the budget', async () => {
    const h = harness(pattern(2000), PLAIN, { timeoutMs: 100, maxRetries: 2, firstPacketRetransmissions: 2 });
    h.transfer.start();
    await settle();
    h.clock.advance(200); // two retransmissions of DATA 1
    await h.ack(1);
    h.clock.advance(200); // two retransmissions of DATA 2, budget not exhausted by block 1's
    expect(h.outcomes).toEqual([]);
    expect(shape(h.take()).map((p) => (p.type === 'data' ? p.block : -1))).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('sends the first packet twice at most to a client that acknowledges nothing (a forged RRQ)', async () => {
    const h = harness(pattern(2000));
    h.transfer.start();
    await settle();
    h.clock.advance(60_000);
    // No ERROR at the end: a real client that lost both repeats its RRQ and starts afresh.
    expect(shape(h.take())).toEqual([
      { type: 'data', block: 1, length: 512 },
      { type: 'data', block: 1, length: 512 },
    ]);
    expect(h.outcomes).toEqual([{ kind: 'timed-out', bytes: 0, waitingFor: 'ACK 1', retransmissions: 1 }]);

    const o = harness(pattern(10), { blockSize: 512, timeoutMs: null, oack: new Map([['tsize', '10']]) });
    o.transfer.start();
    o.clock.advance(60_000);
    expect(o.take().map((p) => p.type)).toEqual(['oack', 'oack']);
  });

  it('answers a repeated RRQ by resending the first packet, within the same budget', async () => {
    const h = harness(pattern(2000));
    h.transfer.start();
    await settle();
    h.take();
    // The client lost DATA 1 and asks again: resent at once, not after our timeout.
    expect(h.transfer.requestRepeated()).toBe(true);
    expect(shape(h.take())).toEqual([{ type: 'data', block: 1, length: 512 }]);
    // A forger repeating the RRQ gets nothing more.
    expect(h.transfer.requestRepeated()).toBe(false);
    expect(h.take()).toEqual([]);
    // A real client acknowledges; from then on the full budget (5) applies to each block.
    await h.ack(1);
    h.take();
    expect(h.transfer.requestRepeated()).toBe(false);
    h.clock.advance(5 * 2000);
    expect(shape(h.take())).toEqual(
      Array.from({ length: 5 }, () => ({ type: 'data', block: 2, length: 512 })),
    );
    expect(h.outcomes).toEqual([]);
  });

  it("ignores duplicate ACKs instead of resending (no Sorcerer's Apprentice)", async () => {
    const h = harness(pattern(5000));
    h.transfer.start();
    await settle();
    h.take();
    await h.ack(1);
    expect(shape(h.take())).toEqual([{ type: 'data', block: 2, length: 512 }]);
    // A delayed duplicate of ACK 1 arrives (the classic trigger): nothing is sent.
    await h.ack(1);
    await h.ack(1);
    expect(h.take()).toEqual([]);
    // Two copies of ACK 2 back to back produce exactly one DATA 3.
    h.transfer.receive(encodePacket({ type: 'ack', block: 2 }), PEER);
    h.transfer.receive(encodePacket({ type: 'ack', block: 2 }), PEER);
    await settle();
    expect(shape(h.take())).toEqual([{ type: 'data', block: 3, length: 512 }]);
    // The timer still retransmits the block in flight.
    h.clock.advance(2000);
    expect(shape(h.take())).toEqual([{ type: 'data', block: 3, length: 512 }]);
  });

  it('wraps the block number to 0 after 65535', async () => {
    const blockSize = 8;
    const size = blockSize * 65537 + 3; // blocks 1..65538, the last one 3 bytes
    const content = pattern(size);
    const h = harness(content, { blockSize, timeoutMs: null, oack: new Map([['blksize', '8']]) });
    h.transfer.start();
    expect(h.take()).toMatchObject([{ type: 'oack' }]);
    await h.ack(0);
    const wire: number[] = [];
    const chunks: Buffer[] = [];
    for (;;) {
      const packets = h.take();
      expect(packets).toHaveLength(1);
      const packet = packets[0];
      if (packet.type !== 'data') throw new Error(`unexpected ${packet.type}`);
      wire.push(packet.block);
      chunks.push(packet.data);
      await h.ack(packet.block);
      if (h.outcomes.length > 0) break;
    }
    expect(wire).toHaveLength(65538);
    expect(wire.slice(65533)).toEqual([65534, 65535, 0, 1, 2]);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect(h.outcomes).toMatchObject([{ kind: 'completed', bytes: size, blocks: 65538 }]);
  });

  it('answers a packet from another port with ERROR 5 and carries on', async () => {
    const h = harness(pattern(1000));
    h.transfer.start();
    await settle();
    h.sent.splice(0);
    expect(h.transfer.receive(encodePacket({ type: 'ack', block: 1 }), STRANGER)).toBe('wrong-tid');
    expect(h.sent).toEqual([
      { packet: { type: 'error', code: 5, message: 'Unknown transfer ID' }, to: STRANGER },
    ]);
    h.sent.splice(0);
    // An ERROR from a stranger is not answered (errors are never acknowledged).
    expect(h.transfer.receive(encodePacket({ type: 'error', code: 0, message: 'x' }), STRANGER)).toBe(
      'wrong-tid',
    );
    expect(h.sent).toEqual([]);
    expect(h.transfer.state).toBe('awaiting-ack');
    await h.ack(1);
    await h.ack(2);
    expect(h.outcomes).toMatchObject([{ kind: 'completed' }]);
  });

  it('ignores packets a reader never sends and garbage from the peer', async () => {
    const h = harness(pattern(10));
    h.transfer.start();
    await settle();
    h.take();
    expect(h.transfer.receive(Buffer.from([0, 9]), PEER)).toBe('ignored');
    expect(h.transfer.receive(encodePacket({ type: 'data', block: 1, data: Buffer.alloc(1) }), PEER)).toBe(
      'ignored',
    );
    expect(h.take()).toEqual([]);
    expect(h.transfer.state).toBe('awaiting-ack');
  });

  it('ends when the client sends an ERROR', async () => {
    const h = harness(pattern(2000));
    h.transfer.start();
    await settle();
    await h.ack(1);
    h.take();
    h.transfer.receive(encodePacket({ type: 'error', code: 3, message: 'buffer full' }), PEER);
    expect(h.outcomes).toEqual([
      { kind: 'peer-error', bytes: 512, code: 3, message: 'buffer full', duringNegotiation: false },
    ]);
    expect(h.clock.pendingTimers).toBe(0);
    h.clock.advance(60_000);
    expect(h.take()).toEqual([]);
  });

  it('reports a client refusing the OACK (error 8) as happening during negotiation', async () => {
    const h = harness(pattern(10), { blockSize: 512, timeoutMs: null, oack: new Map([['tsize', '10']]) });
    h.transfer.start();
    h.transfer.receive(encodePacket({ type: 'error', code: 8, message: 'bad option' }), PEER);
    expect(h.outcomes).toMatchObject([{ kind: 'peer-error', code: 8, duringNegotiation: true, bytes: 0 }]);
  });

  it('aborts with ERROR 0 when the file cannot be read or shrinks', async () => {
    const failing: TftpFile = {
      size: 4096,
      read: () => Promise.reject(new Error('EIO: i/o error')),
      close: () => Promise.resolve(),
    };
    const h = harness(failing);
    h.transfer.start();
    await settle();
    expect(h.take()).toEqual([{ type: 'error', code: 0, message: 'Server could not read the file' }]);
    expect(h.outcomes).toMatchObject([
      { kind: 'read-failed', bytes: 0, error: { message: 'EIO: i/o error' } },
    ]);

    const shrunk: TftpFile = { ...bufferFile(pattern(100)), size: 4096 };
    const s = harness(shrunk);
    s.transfer.start();
    await settle();
    expect(s.take()).toEqual([{ type: 'error', code: 0, message: 'Server could not read the file' }]);
    expect(s.outcomes).toMatchObject([{ kind: 'read-failed', error: { message: /file shrank/ } }]);
  });

  it('dispose() clears the timer, closes the file once and silences the transfer', async () => {
    const h = harness(pattern(2000));
    h.transfer.start();
    await settle();
    h.take();
    expect(h.clock.pendingTimers).toBe(1);
    await Promise.all([h.transfer.dispose(), h.transfer.dispose()]);
    expect(h.clock.pendingTimers).toBe(0);
    expect(h.closed()).toBe(1);
    await h.ack(1);
    h.clock.advance(60_000);
    expect(h.take()).toEqual([]);
    expect(h.outcomes).toEqual([]);
  });

  it('dispose() while a block is being read drops the late result', async () => {
    let release: (value: Buffer) => void = () => undefined;
    const slow: TftpFile = {
      size: 10,
      read: () => new Promise<Buffer>((resolve) => (release = resolve)),
      close: () => Promise.resolve(),
    };
    const h = harness(slow);
    h.transfer.start();
    await h.transfer.dispose();
    release(pattern(10));
    await settle();
    expect(h.take()).toEqual([]);
  });
});
