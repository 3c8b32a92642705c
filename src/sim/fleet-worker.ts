/**
 * A simulator worker process: runs one Fleet and reports its stats to the parent every
 * `statsIntervalMs`. A process may hold at most its file-descriptor limit of sockets, so a
 * large run is split over several of these (fleet-runner.ts).
 */
import { Fleet } from './fleet.js';
import type { FleetSpec, FleetStats } from './fleet.js';

export type ParentToWorker =
  { type: 'start'; spec: FleetSpec; statsIntervalMs: number } | { type: 'stop-calls' } | { type: 'stop' };
export type WorkerToParent = { type: 'stats'; stats: FleetStats } | { type: 'stopped'; stats: FleetStats };

let fleet: Fleet | null = null;
let reporter: NodeJS.Timeout | null = null;

function send(message: WorkerToParent): void {
  if (process.connected) process.send?.(message);
}

process.on('message', (message: ParentToWorker) => {
  if (message.type === 'start' && !fleet) {
    fleet = new Fleet(message.spec);
    fleet.start();
    reporter = setInterval(
      () => send({ type: 'stats', stats: (fleet as Fleet).stats() }),
      message.statsIntervalMs,
    );
    return;
  }
  if (message.type === 'stop-calls') {
    fleet?.stopCalls();
    return;
  }
  if (message.type === 'stop') {
    if (reporter) clearInterval(reporter);
    const stats = fleet?.stats(true);
    fleet?.stop();
    const leave = () => process.exit(0);
    // Leave once the last report is written (disconnecting with a message in flight crashes Node 20).
    if (stats && process.connected)
      process.send?.({ type: 'stopped', stats } satisfies WorkerToParent, leave);
    else leave();
    setTimeout(leave, 2000).unref();
  }
});
// The parent is gone: power the phones off.
process.on('disconnect', () => {
  fleet?.stop();
  process.exit(0);
});
process.on('SIGINT', () => undefined);
