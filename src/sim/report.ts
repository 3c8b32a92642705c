/** Text of the fleet summary (live line and final report). */
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
}

export function summaryLine(s: FleetStats, t: RunTimes): string {
  const b = s.byState;
  return (
    `registered ${b.registered}/${s.total}  registering ${b.registering + b.booting + b.rebooting}  ` +
    `upgrading ${b.upgrading}  rejected ${b.rejected}  failed ${b.failed}  ` +
    `${t.registrationsPerSecond.toFixed(0)} reg/s  ${t.keepalivesPerSecond.toFixed(0)} keepalives/s  ` +
    `${(t.elapsedMs / 1000).toFixed(1)} s`
  );
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
    ...reasons('rejections', s.rejectedReasons),
    ...reasons('failures', s.failedReasons),
  ];
  return lines.join('\n');
}
