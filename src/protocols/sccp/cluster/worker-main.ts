/**
 * Entry point of one SCCP worker process (`openucm start --sccp-workers N`): owns a share of the
 * Skinny connections (the listening socket is shared by Node's cluster module, round-robin),
 * answers framing, the startup exchange and keepalives in memory, and asks the primary to
 * decide registrations.
 */
import pino from 'pino';
import { SccpServer } from '../server.js';
import { IpcRegistrar } from './ipc-registrar.js';
import type { PrimaryToWorker, WorkerSettings, WorkerToPrimary } from './ipc-messages.js';
import { WORKER_SETTINGS_ENV } from './ipc-messages.js';

function send(message: WorkerToPrimary): void {
  if (process.connected) process.send?.(message);
}

const settings = JSON.parse(process.env[WORKER_SETTINGS_ENV] ?? '{}') as WorkerSettings;
// Log lines go to the primary, which writes them with its own logger (one log stream per node).
const logger = pino(
  { level: settings.logLevel ?? 'info', base: { sccpWorker: settings.index } },
  { write: (line: string) => send({ type: 'log', line }) },
);
const registrar = new IpcRegistrar(settings.nodeName, send);
const server = new SccpServer({
  host: settings.host,
  port: settings.port,
  keepaliveSeconds: settings.keepaliveSeconds,
  registration: registrar,
  logger: logger.child({ component: 'sccp' }),
  clock: () => new Date(),
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stop();
  send({ type: 'stopped' });
  // Let the IPC channel drain the last messages before leaving.
  process.disconnect?.();
}

process.on('message', (message: PrimaryToWorker) => {
  if (message.type === 'stop') void stop();
  else registrar.receive(message);
});
process.on('disconnect', () => {
  // The primary is gone: no registration can be decided any more; drop every phone so they fail over.
  registrar.failPending('the primary process of the node exited');
  if (!stopping) process.exit(1);
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
