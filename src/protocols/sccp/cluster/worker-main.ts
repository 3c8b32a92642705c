/**
 * Entry point of one SCCP worker process (`openucm start --sccp-workers N`): owns a share of the
 * Skinny connections (the listening socket is shared by Node's cluster module; each worker accepts),
 * answers framing, the startup exchange and keepalives in memory, and asks the primary to
 * decide registrations.
 */
import pino from 'pino';
import { installProcessGuard } from '../../../runtime/process-guard.js';
import { SccpServer } from '../server.js';
import { IpcCalls } from './ipc-calls.js';
import { IpcRegistrations } from './ipc-registrations.js';
import { IpcBatch } from './ipc-batch.js';
import { IpcFallbackTokens } from './ipc-tokens.js';
import { RefusalTally } from './refusal-tally.js';
import type { IpcEnvelope, PrimaryToWorker, WorkerSettings, WorkerToPrimary } from './ipc-messages.js';
import { WORKER_SETTINGS_ENV } from './ipc-messages.js';

const outbox = new IpcBatch<WorkerToPrimary>((batch) => {
  if (process.connected) process.send?.({ batch } satisfies IpcEnvelope<WorkerToPrimary>);
});
function send(message: WorkerToPrimary): void {
  outbox.post(message);
}

const settings = JSON.parse(process.env[WORKER_SETTINGS_ENV] ?? '{}') as WorkerSettings;
// Log lines go to the primary, which writes them with its own logger (one log stream per node).
const logger = pino(
  { level: settings.logLevel ?? 'info', base: { sccpWorker: settings.index } },
  { write: (line: string) => send({ type: 'log', line }) },
);
// An error that escapes every handler here is the node's to count and log (its /metrics, its guard).
installProcessGuard(logger, (report) => send({ type: 'unexpected-error', report }));
const registrations = new IpcRegistrations(settings.nodeName, send);
const calls = new IpcCalls(send);
const tokens = new IpcFallbackTokens(send);
const { capacity } = settings;
const refusals = new RefusalTally((counts) => send({ type: 'refusals', counts }));
const server = new SccpServer({
  host: settings.host,
  port: settings.port,
  keepaliveSeconds: settings.keepaliveSeconds,
  registration: registrations,
  calls,
  tokens,
  logger: logger.child({ component: 'sccp' }),
  clock: () => new Date(),
  limits: settings.limits,
  // Refusals are counted and logged by the primary: its /metrics and its log are the node's.
  reporter: refusals,
  capacity: {
    phones: capacity.phones,
    holder: `SCCP worker ${settings.index} of this node`,
    limitedBy: `its share of the node's ${capacity.nodePhones} phones; ${capacity.limitedBy}`,
  },
  onCapacity: (full, phones) => send({ type: 'capacity', full, phones }),
});

// The node's /metrics counts the standby connections of every worker.
let standbyReported = 0;
setInterval(() => {
  const count = server.standby.count;
  if (count === standbyReported) return;
  standbyReported = count;
  send({ type: 'standby', count });
}, 1000).unref();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stop();
  refusals.flush();
  send({ type: 'stopped' });
  outbox.flush();
  // The primary disconnects the channel once it has read everything; then this process exits.
}

process.on('message', (envelope: IpcEnvelope<PrimaryToWorker>) => {
  for (const message of envelope.batch) {
    if (message.type === 'stop') void stop();
    else if (message.type === 'pause') server.pause();
    else if (message.type === 'listen') server.listenAgain();
    else if (message.type === 'leg-command') calls.receive(message);
    else if (message.type === 'forward-reply') calls.receiveForwardReply(message);
    else if (message.type === 'token-answer') tokens.receive(message);
    else registrations.receive(message);
  }
});
process.on('disconnect', () => {
  // Stopped: the primary has all our messages. Otherwise the primary is gone: no registration can
  // be decided any more; exiting drops every phone so that they fail over.
  registrations.failPending('the primary process of the node exited');
  tokens.failPending('the primary process of the node exited');
  process.exit(stopping ? 0 : 1);
});
process.on('SIGINT', () => undefined); // the primary decides when workers stop
process.on('SIGTERM', () => void stop());

server.start().then(
  (port) => send({ type: 'listening', port }),
  (error: unknown) => {
    logger.fatal({ err: error }, (error as Error).message);
    process.exit(1);
  },
);
