/**
 * The music on hold sender, in a worker thread of its own: the node's main thread never does
 * per-packet work. It owns one UDP socket (the node's music address), paces 20 ms frames for
 * every stream (Pacer) and takes start/stop/source messages from MusicOnHoldEngine.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { MusicStreams } from './music-streams.js';
import { Pacer } from './pacer.js';
import type { StreamerRequest, StreamerReply, StreamerSetup, StreamerStats } from './streamer-protocol.js';

const setup = workerData as StreamerSetup;
const port = parentPort;
if (!port) throw new Error('streamer-thread runs as a worker thread');
const reply = (message: StreamerReply) => port.postMessage(message);

const socket = dgram.createSocket('udp4');
let sendErrors = 0;
let bound = false;
// No callback per packet (a closure each, 50 per stream per second): a failed send is an 'error' event.
const streams = new MusicStreams((packet, to) => socket.send(packet, to.port, to.address), setup.samples);
const stats = { ticks: 0, lateTicks: 0, maxLateMs: 0 };
/** Frames a late wake-up sends at once (100 ms); older ones are skipped. */
const MAX_BURST = 5;
const LATE_MS = 60;
let pacer = new Pacer(performance.now(), 20, MAX_BURST);
let timer: NodeJS.Timeout | null = null;

function loop(): void {
  const tick = pacer.tick(performance.now());
  if (tick.skipped > 0) streams.skip(tick.skipped);
  for (let i = 0; i < tick.send; i++) streams.frame();
  stats.ticks++;
  // Late by more than 60 ms: more than a phone's jitter buffer hides (a burst of a few frames it does).
  if (tick.lateMs > LATE_MS) stats.lateTicks++;
  if (tick.lateMs > stats.maxLateMs) stats.maxLateMs = tick.lateMs;
  timer = setTimeout(loop, Math.max(0, pacer.nextDueMs() - performance.now()));
}

/** The cadence runs only while some phone is held: an idle node does not wake 50 times a second. */
function running(): void {
  if (streams.size > 0 && !timer) {
    pacer = new Pacer(performance.now(), 20, MAX_BURST);
    loop();
  } else if (streams.size === 0 && timer) {
    clearTimeout(timer);
    timer = null;
  }
}

port.on('message', (message: StreamerRequest) => {
  switch (message.type) {
    case 'start':
      streams.start(message);
      break;
    case 'stop':
      streams.stop(message.leg);
      break;
    case 'source':
      streams.setSource(message.samples);
      break;
    case 'stats': {
      const current: StreamerStats = {
        streams: streams.size,
        framesSent: streams.framesSent,
        framesSkipped: streams.framesSkipped,
        sendErrors,
        ...stats,
      };
      reply({ type: 'stats', id: message.id, stats: current });
      stats.maxLateMs = 0;
      return;
    }
  }
  running();
});

socket.on('error', (error) => {
  if (bound) sendErrors++;
  else reply({ type: 'error', message: error.message });
});
socket.bind({ address: setup.bind, port: setup.port }, () => {
  bound = true;
  reply({ type: 'ready', port: socket.address().port });
});
