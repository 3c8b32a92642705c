/** The scheduled backup (System > Backup): stored in the administration settings, run by one node. */
export interface BackupSchedule {
  enabled: boolean;
  /** Hours from one backup's start to the next one's. */
  intervalHours: number;
  /** Where the archives go, on the machine of `node` (absolute path). */
  directory: string;
  /** Archives kept in `directory`; older ones are deleted after each successful backup. */
  keep: number;
  /** The node that runs it: in a cluster only one node backs up the shared store. */
  node: string;
}

/** One backup a node ran, as the UI shows "last backup". */
export interface BackupRecord {
  trigger: 'scheduled' | 'manual';
  node: string;
  startedAt: string;
  finishedAt: string;
  outcome: 'succeeded' | 'failed';
  file: string | null;
  bytes: number | null;
  /** What it holds, or why it failed and what to do. */
  message: string;
}

export const INTERVAL_HOURS = { min: 1, max: 24 * 365 };
export const KEEP = { min: 1, max: 1000 };

/** A failed scheduled backup is tried again after this long (or the interval, if shorter). */
const RETRY_AFTER_FAILURE_MS = 60 * 60 * 1000;

/**
 * When `nodeName` runs the next scheduled backup: `last`'s start plus the interval (the retry
 * delay after a failure), at once when there has been none; null when it does not run one.
 */
export function nextScheduledBackup(
  schedule: BackupSchedule,
  last: BackupRecord | null,
  nodeName: string,
): Date | null {
  if (!schedule.enabled || schedule.node !== nodeName) return null;
  if (!last) return new Date(0);
  const interval = schedule.intervalHours * 60 * 60 * 1000;
  const wait = last.outcome === 'failed' ? Math.min(interval, RETRY_AFTER_FAILURE_MS) : interval;
  return new Date(Date.parse(last.startedAt) + wait);
}

/** Archive names a node writes (and retention may delete): `openucm-backup-<node>-<UTC time>.tar.gz`. */
export const ARCHIVE_NAME = /^openucm-backup-.+\.tar\.gz$/;

export function archiveName(nodeName: string, at: Date): string {
  return `openucm-backup-${nodeName}-${at.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

/** The archives to delete so that the `keep` newest remain (by time, newest first). */
export function beyondRetention<T extends { modifiedAt: string }>(archives: readonly T[], keep: number): T[] {
  return [...archives].sort((a, b) => Date.parse(b.modifiedAt) - Date.parse(a.modifiedAt)).slice(keep);
}
