/**
 * `npm run bench:moh [-- --steps 250,500,1000,2000,4000 --seconds 10 --json]`: how many held phones
 * one node streams music on hold to at 0 % lost and late packets.
 *
 * The node's music on hold engine (src/media: its streamer worker thread and UDP socket, the
 * default tone in PCMU) streams to N held phones at once; the phones are UDP sockets in a child
 * process (bench/moh/receiver.ts) that count, per stream, sequence gaps (lost) and arrival gaps
 * over 60 ms. A packet is late when the streamer sent it more than 60 ms after it was due (its own
 * count: the receivers share a 2-core machine, and a pause of theirs is not the node's). Each step
 * runs --seconds; the result is the largest N with nothing lost or late,
 * with the CPU (main + streamer thread) and memory of the process that streams. The call signalling
 * that holds the calls is bench:calls' (10,000 held calls there); this measures the media alone.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { defaultTone } from '../../src/media/audio-source.js';
import { MusicOnHoldEngine } from '../../src/media/music-on-hold-engine.js';
import { writeBenchReport } from '../report.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '250,500,1000,2000,4000' },
    seconds: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const steps = values.steps.split(',').map(Number);
const seconds = Number(values.seconds);
const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const max = Math.max(...steps);
const sockets = Math.ceil(max / 250);
const tsx = createRequire(import.meta.url).resolve('tsx');
const receiver = spawn(process.execPath, ['--import', tsx, path.join(here, 'receiver.ts'), String(sockets)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = readline.createInterface({ input: receiver.stdout });
const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
const { ports } = JSON.parse(await nextLine()) as { ports: number[] };

const limits = { reached: () => undefined };
const engine = await MusicOnHoldEngine.start({
  bind: '127.0.0.1',
  address: '127.0.0.1',
  port: 0,
  maxStreams: max,
  samples: defaultTone(),
  limits,
  logger: pino({ level: 'warn' }),
});

interface Step {
  streams: number;
  lost: number;
  late: number;
  receiverGaps: number;
  packets: number;
  skipped: number;
  maxLateMs: number;
  cpuPercent: number;
  rssMb: number;
}
const results: Step[] = [];
for (const n of steps) {
  for (let leg = 0; leg < n; leg++)
    engine.start({
      leg,
      deviceName: `held${leg}`,
      to: { address: '127.0.0.1', port: ports[leg % sockets] },
      codec: 'PCMU',
      packetMs: 20,
    });
  await sleep(1000); // settle: the first packets of each stream
  receiver.stdin.write('report\n');
  await nextLine();
  const before = await engine.stats();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await sleep(seconds * 1000);
  receiver.stdin.write('report\n');
  const seen = JSON.parse(await nextLine()) as {
    streams: number;
    streamsClean: number;
    lost: number;
    late: number;
    packets: number;
  };
  const used = process.cpuUsage(cpu);
  const elapsed = (performance.now() - started) / 1000;
  const after = await engine.stats();
  const step: Step = {
    streams: n,
    lost: seen.lost + (after!.framesSkipped - before!.framesSkipped),
    late: after!.lateTicks - before!.lateTicks,
    receiverGaps: seen.late,
    packets: seen.packets,
    skipped: after!.framesSkipped - before!.framesSkipped,
    maxLateMs: Math.round(after!.maxLateMs),
    cpuPercent: Math.round(((used.user + used.system) / 1e6 / elapsed) * 100),
    rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
  results.push(step);
  process.stderr.write(`${JSON.stringify(step)}\n`);
  for (let leg = 0; leg < n; leg++) engine.stop(leg);
  await sleep(500);
  if (step.lost > 0 || step.late > 0 || seen.streams < n) break;
}
receiver.kill();
await engine.close();

const served = Math.max(0, ...results.filter((r) => r.lost === 0 && r.late === 0).map((r) => r.streams));
const table = [
  '| held phones | packets received | lost | late sends (>60 ms) | streamer max late ms | receiver gaps >60 ms | CPU % | RSS MB |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.streams} | ${r.packets} | ${r.lost} | ${r.late} | ${r.maxLateMs} | ${r.receiverGaps} | ${r.cpuPercent} | ${r.rssMb} |`,
  ),
].join('\n');
const notes = `Music on hold streams served at 0 % lost and late packets: ${served} (steps of ${seconds} s, PCMU 20 ms, loopback; CPU is the streaming process, main thread idle + streamer thread, 100 % = one core).`;
writeBenchReport({
  dir: path.join(here, '..', 'results'),
  name: 'moh',
  report: {
    date: new Date().toISOString(),
    command: `npm run bench:moh -- --steps ${values.steps} --seconds ${seconds}`,
    served,
    results,
  } as {
    date: string;
    command: string;
  },
  table,
  notes,
  json: values.json,
});
process.exit(0);
