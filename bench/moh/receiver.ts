/**
 * bench:moh's held phones, in a process of their own (so that their CPU is not the node's): UDP
 * sockets that count, per RTP stream (SSRC), packets, sequence gaps (lost) and gaps in arrival of
 * more than LATE_MS (late: more than a 79xx's jitter buffer hides). Told "report" on stdin, it
 * prints one JSON line and clears its counts.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

const LATE_MS = 60;
const sockets = Number(process.argv[2] ?? '1');

interface Stream {
  packets: number;
  lost: number;
  late: number;
  lastSequence: number;
  lastArrival: number;
}
let streams = new Map<number, Stream>();

const ports: number[] = [];
for (let i = 0; i < sockets; i++) {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  socket.on('message', (packet) => {
    const now = performance.now();
    const ssrc = packet.readUInt32BE(8);
    const sequence = packet.readUInt16BE(2);
    const stream = streams.get(ssrc);
    if (!stream) {
      streams.set(ssrc, { packets: 1, lost: 0, late: 0, lastSequence: sequence, lastArrival: now });
      return;
    }
    stream.packets++;
    const gap = (sequence - stream.lastSequence) & 0xffff;
    if (gap > 1 && gap < 0x8000) stream.lost += gap - 1;
    if (now - stream.lastArrival > LATE_MS) stream.late++;
    stream.lastSequence = sequence;
    stream.lastArrival = now;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  ports.push(socket.address().port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);

readline.createInterface({ input: process.stdin }).on('line', () => {
  const list = [...streams.values()];
  process.stdout.write(
    `${JSON.stringify({
      streams: list.length,
      packets: list.reduce((s, x) => s + x.packets, 0),
      lost: list.reduce((s, x) => s + x.lost, 0),
      late: list.reduce((s, x) => s + x.late, 0),
      streamsClean: list.filter((x) => x.lost === 0 && x.late === 0).length,
    })}\n`,
  );
  streams = new Map();
});
