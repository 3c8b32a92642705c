/**
 * The conference mixer, in a worker thread of its own (issue #15: the main thread never mixes).
 * Each conference party has a UDP socket here: the party's phone sends its RTP to it and is sent,
 * from it, the mix of the other parties every 20 ms (ConferenceMixer). One cadence (Pacer) serves
 * every conference; it runs only while some conference is open.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { MediaTarget } from '../core/call/media.js';
import type { BridgeReply, BridgeRequest, BridgeSetup, BridgeStats } from './bridge-protocol.js';
import { ConferenceMixer } from './conference-mixer.js';
import { Pacer } from './pacer.js';

const setup = workerData as BridgeSetup;
const port = parentPort;
if (!port) throw new Error('bridge-thread runs as a worker thread');
const reply = (message: BridgeReply) => port.postMessage(message);

interface Party {
  socket: dgram.Socket;
  /** The phone's receive address; nothing is sent (and nothing accepted from elsewhere) before it is known. */
  to: MediaTarget | null;
}

interface Conference {
  mixer: ConferenceMixer;
  parties: Map<number, Party>;
}

const conferences = new Map<number, Conference>();
const counts: Omit<BridgeStats, 'conferences' | 'parties'> = {
  framesReceived: 0,
  framesRejected: 0,
  framesSent: 0,
  framesSkipped: 0,
  sendErrors: 0,
  ticks: 0,
  lateTicks: 0,
  maxLateMs: 0,
};
/** Mixes a late wake-up sends at once (60 ms); older ones are skipped. */
const MAX_BURST = 3;
const LATE_MS = 60;
let pacer = new Pacer(performance.now(), 20, MAX_BURST);
let timer: NodeJS.Timeout | null = null;

function mixOnce(): void {
  for (const conference of conferences.values())
    for (const [id, packet] of conference.mixer.tick()) {
      const party = conference.parties.get(id);
      if (!party?.to) continue;
      party.socket.send(packet, party.to.port, party.to.address);
      counts.framesSent++;
    }
}

function loop(): void {
  const tick = pacer.tick(performance.now());
  // A skipped mix is not sent late: the parties' queued frames are dropped with it.
  for (let i = 0; i < tick.skipped; i++)
    for (const conference of conferences.values()) conference.mixer.tick();
  counts.framesSkipped += tick.skipped;
  for (let i = 0; i < tick.send; i++) mixOnce();
  counts.ticks++;
  if (tick.lateMs > LATE_MS) counts.lateTicks++;
  if (tick.lateMs > counts.maxLateMs) counts.maxLateMs = tick.lateMs;
  timer = setTimeout(loop, Math.max(0, pacer.nextDueMs() - performance.now()));
}

/** An idle node does not wake 50 times a second. */
function running(): void {
  if (conferences.size > 0 && !timer) {
    pacer = new Pacer(performance.now(), 20, MAX_BURST);
    loop();
  } else if (conferences.size === 0 && timer) {
    clearTimeout(timer);
    timer = null;
  }
}

function join(request: Extract<BridgeRequest, { type: 'join' }>): void {
  const socket = dgram.createSocket('udp4');
  socket.once('error', (error) => reply({ type: 'join-failed', id: request.id, message: error.message }));
  socket.bind({ address: setup.bind, port: 0 }, () => {
    socket.removeAllListeners('error');
    socket.on('error', () => counts.sendErrors++);
    let conference = conferences.get(request.conference);
    if (!conference) {
      conference = { mixer: new ConferenceMixer(), parties: new Map() };
      conferences.set(request.conference, conference);
    }
    const party: Party = { socket, to: null };
    const { mixer } = conference;
    conference.parties.get(request.party)?.socket.close();
    conference.parties.set(request.party, party);
    mixer.join(request.party, request.codec, (Math.random() * 0x1_0000_0000) >>> 0);
    socket.on('message', (packet, from) => {
      // Only the party's phone is heard: a stray sender on the port cannot speak into the conference.
      if (party.to && from.address === party.to.address && mixer.receive(request.party, packet))
        counts.framesReceived++;
      else counts.framesRejected++;
    });
    reply({ type: 'joined', id: request.id, port: socket.address().port });
    running();
  });
}

function leave(conferenceId: number, partyId: number): void {
  const conference = conferences.get(conferenceId);
  const party = conference?.parties.get(partyId);
  if (!conference || !party) return;
  party.socket.close();
  conference.parties.delete(partyId);
  conference.mixer.leave(partyId);
  if (conference.parties.size === 0) conferences.delete(conferenceId);
  running();
}

port.on('message', (message: BridgeRequest) => {
  switch (message.type) {
    case 'join':
      join(message);
      return;
    case 'send-to': {
      const party = conferences.get(message.conference)?.parties.get(message.party);
      if (party) party.to = message.to;
      return;
    }
    case 'leave':
      leave(message.conference, message.party);
      return;
    case 'stats': {
      let parties = 0;
      for (const conference of conferences.values()) parties += conference.parties.size;
      reply({ type: 'stats', id: message.id, stats: { conferences: conferences.size, parties, ...counts } });
      counts.maxLateMs = 0;
      return;
    }
  }
});
