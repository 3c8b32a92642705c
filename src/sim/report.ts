/** Text of the fleet summary (live line and final report). */
import { failedCalls } from './fleet-calls.js';
import type { FleetStats } from './fleet.js';

export interface RunTimes {
  /** ms since the run began. */
  elapsedMs: number;
  /** ms from start until every phone was registered, if that happened. */
  allRegisteredMs: number | null;
  /** Registrations per second over the last second. */
  registrationsPerSecond: number;
  /** KeepAliveAcks per second over the last second. */
  keepalivesPerSecond: number;
  /** Calls placed and connected per second over the last second (fleet calls). */
  placedPerSecond?: number;
  connectedPerSecond?: number;
  /** ms from start until the first call was placed, if one was. */
  firstCallMs?: number | null;
}

/** The calls part of the live line, or '' when the fleet places none. */
function callsLine(s: FleetStats, t: RunTimes): string {
  const c = s.calls;
  if (c.placed === 0 && c.notPlaced === 0 && t.firstCallMs == null) return '';
  const failed = Object.entries(c.failed)
    .map(([why, n]) => `${why} ${n}`)
    .join(', ');
  return (
    `  calls ${c.placed} placed  ${c.connected} connected  ${c.inProgress} in progress  ` +
    `${failedCalls(c)} failed${failed ? ` (${failed})` : ''}  ${c.oneWay} one-way  ` +
    `${(t.placedPerSecond ?? 0).toFixed(1)} placed/s  ${(t.connectedPerSecond ?? 0).toFixed(1)} connected/s` +
    (c.notPlaced ? `  ${c.notPlaced} not placed (every pair busy)` : '')
  );
}

export function summaryLine(s: FleetStats, t: RunTimes): string {
  const b = s.byState;
  return (
    `registered ${b.registered}/${s.total}  registering ${b.registering + b.booting + b.rebooting}  ` +
    `upgrading ${b.upgrading}  rejected ${b.rejected}  failed ${b.failed}  ` +
    `${t.registrationsPerSecond.toFixed(0)} reg/s  ${t.keepalivesPerSecond.toFixed(0)} keepalives/s  ` +
    `${(t.elapsedMs / 1000).toFixed(1)} s` +
    callsLine(s, t)
  );
}

function callReport(s: FleetStats, t: RunTimes): string[] {
  const c = s.calls;
  if (t.firstCallMs == null && c.placed === 0 && c.notPlaced === 0) return [];
  const seconds = t.firstCallMs != null ? Math.max(0.001, (t.elapsedMs - t.firstCallMs) / 1000) : 0;
  const per = (n: number) => (seconds ? ` (${(n / seconds).toFixed(1)}/s over ${seconds.toFixed(1)} s)` : '');
  return [
    `  calls placed  ${c.placed}${per(c.placed)}`,
    `  connected     ${c.connected}${per(c.connected)}`,
    `  calls failed  ${failedCalls(c)}`,
    ...Object.entries(c.failed)
      .sort((a, b) => b[1] - a[1])
      .map(([why, n]) => `    ${String(n).padStart(7)} × ${why}`),
    `  in progress   ${c.inProgress} (cut by the end of the run)`,
    `  one-way audio ${c.oneWay} (connected calls in which a side received no RTP)`,
    ...(c.notPlaced ? [`  not placed    ${c.notPlaced} (due while every pair of phones was in a call)`] : []),
  ];
}

function reasons(title: string, counts: Record<string, number>): string[] {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return [];
  return [
    `  ${title}:`,
    ...entries.slice(0, 10).map(([text, n]) => `    ${String(n).padStart(7)} × ${text}`),
  ];
}

export function finalReport(s: FleetStats, t: RunTimes, what: string): string {
  const b = s.byState;
  const lines = [
    `openucm sim: ${what}`,
    `  phones        ${s.total} (started ${s.started})`,
    `  registered    ${b.registered}` +
      (t.allRegisteredMs !== null
        ? `  — all registered in ${(t.allRegisteredMs / 1000).toFixed(1)} s (${((s.total * 1000) / Math.max(1, t.allRegisteredMs)).toFixed(0)} registrations/s)`
        : ''),
    `  registering   ${b.registering + b.booting + b.rebooting}`,
    `  upgrading     ${b.upgrading}`,
    `  rejected      ${b.rejected}`,
    `  failed        ${b.failed}`,
    `  registrations ${s.registrations} (incl. re-registrations)`,
    `  keepalives    ${s.keepaliveAcks} acknowledged`,
    `  run time      ${(t.elapsedMs / 1000).toFixed(1)} s`,
    ...callReport(s, t),
    ...reasons('rejections', s.rejectedReasons),
    ...reasons('failures', s.failedReasons),
  ];
  return lines.join('\n');
}
