/**
 * `npm run bench:conference [-- --steps 25,50,100,200 --seconds 8 --json]`: how many three-party
 * conferences one node mixes at 0 % lost frames.
 *
 * The node's conference bridge (src/media: its mixer worker thread, a UDP port per party) mixes N
 * conferences at once; the parties are UDP sockets in this process, each sending a 20 ms µ-law tone
 * frame every 20 ms and counting the mix it gets back. A mix frame is lost when the mixer thread
 * skipped it (it woke more than 60 ms late) or when it was sent and never arrived; a wake-up more
 * than 60 ms late is counted too. Each step runs --seconds; the result is the largest N with nothing
 * lost or late, with the CPU of this process (main thread, the parties' sends, and the mixer thread).
 * The signalling that sets up conferences is not measured here: this is the media alone.
 */
import dgram from 'node:dgram';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ConferenceBridge } from '../../src/media/conference-bridge.js';
import { encodeG711 } from '../../src/media/g711.js';
import { writeBenchReport } from '../report.js';
import { toneFrame } from '../../src/media/tones.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '5,10,25,50,100' },
    seconds: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const steps = values.steps.split(',').map(Number);
const seconds = Number(values.seconds);
const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOST = '127.0.0.1';
const TONES = [500, 800, 1200];

const bridge = ConferenceBridge.start({
  bind: HOST,
  address: HOST,
  maxConferences: Math.max(...steps),
  limits: { reached: () => undefined },
  logger: pino({ level: 'warn' }),
});

interface Phone {
  socket: dgram.Socket;
  to: number;
  packet: Buffer;
  received: number;
}

/** One frame of the party's tone, sent again and again (the mixer reads the payload, not the sequence). */
function framePacket(hz: number): Buffer {
  const packet = Buffer.alloc(12 + 160);
  packet[0] = 0x80;
  packet.set(encodeG711(toneFrame(hz, 0), 'ulaw'), 12);
  return packet;
}

async function phoneIn(conference: number, party: number): Promise<Phone> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: HOST, port: 0 }, resolve));
  const target = await bridge.join(conference, party, 'PCMU');
  bridge.sendTo(conference, party, { address: HOST, port: socket.address().port });
  const phone: Phone = { socket, to: target.port, packet: framePacket(TONES[party - 1]), received: 0 };
  socket.on('message', () => phone.received++);
  return phone;
}

interface Step {
  conferences: number;
  lost: number;
  /** Of those, mixes the thread skipped (it woke more than 60 ms late), times the parties. */
  skipped: number;
  lostPercent: number;
  late: number;
  maxLateMs: number;
  cpuPercent: number;
}

async function run(conferences: number): Promise<Step> {
  const ids: number[] = [];
  const phones: Phone[] = [];
  for (let c = 0; c < conferences; c++) {
    const id = bridge.open({ device: `bench-${c}` })!;
    ids.push(id);
    for (let party = 1; party <= 3; party++) phones.push(await phoneIn(id, party));
  }
  const sender = setInterval(() => {
    for (const phone of phones) phone.socket.send(phone.packet, phone.to, HOST);
  }, 20);
  await sleep(1000); // every party's first frames in before counting
  const before = (await bridge.stats())!;
  for (const phone of phones) phone.received = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await sleep(seconds * 1000);
  const after = (await bridge.stats())!;
  const received = phones.reduce((sum, phone) => sum + phone.received, 0);
  const usage = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  clearInterval(sender);
  const sent = after.framesSent - before.framesSent;
  // Skipped mixes are lost for every party of every conference.
  const skipped = (after.framesSkipped - before.framesSkipped) * phones.length;
  const lost = Math.max(0, sent - received) + skipped;
  for (const id of ids) bridge.end(id);
  for (const phone of phones) phone.socket.close();
  await sleep(200);
  return {
    conferences,
    lost,
    skipped,
    lostPercent: Number(((100 * lost) / Math.max(1, sent + skipped)).toFixed(3)),
    late: after.lateTicks - before.lateTicks,
    maxLateMs: Math.round(after.maxLateMs),
    cpuPercent: Math.round((100 * (usage.user + usage.system)) / 1000 / wall),
  };
}

const results: Step[] = [];
for (const conferences of steps) results.push(await run(conferences));
await bridge.close();
const clean = results.filter((step) => step.lost === 0 && step.late === 0);
const served = clean.length ? Math.max(...clean.map((step) => step.conferences)) : 0;
const table = [
  '| conferences | lost frames | of them skipped by the mixer | lost % | late wake-ups | max late ms | CPU % (this process) |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (s) =>
      `| ${s.conferences} | ${s.lost} | ${s.skipped} | ${s.lostPercent} | ${s.late} | ${s.maxLateMs} | ${s.cpuPercent} |`,
  ),
].join('\n');
writeBenchReport({
  dir: path.join(here, '..', 'results'),
  name: 'conference',
  report: {
    date: new Date().toISOString(),
    command: `npm run bench:conference -- --steps ${values.steps} --seconds ${seconds}`,
    served,
    results,
  } as { date: string; command: string },
  table,
  notes: `Largest step with 0 % lost frames and no late wake-up: ${served} three-party conferences (the parties share this process and its 2 cores with the mixer thread).`,
  json: values.json,
});
