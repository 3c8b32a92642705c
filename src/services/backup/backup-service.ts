import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { ConflictError, ValidationError } from '../configuration-service.js';
import type { NodeStorage } from './create-backup.js';
import { createBackup } from './create-backup.js';
import { contentsSummary } from './manifest.js';
import type { BackupRecord, BackupSchedule } from './schedule.js';
import {
  ARCHIVE_NAME,
  INTERVAL_HOURS,
  KEEP,
  archiveName,
  beyondRetention,
  nextScheduledBackup,
} from './schedule.js';

/** The administration settings that hold the schedule and the last backup (JSON). */
const SCHEDULE_SETTING = 'backupSchedule';
const LAST_SETTING = 'lastBackup';

/** A timer never waits longer than this before it looks again (the schedule may have changed elsewhere). */
const MAX_TIMER_MS = 60 * 60 * 1000;

const scheduleSchema = z.object({
  enabled: z.boolean(),
  intervalHours: z.number().int().min(INTERVAL_HOURS.min).max(INTERVAL_HOURS.max),
  directory: z.string().min(1),
  keep: z.number().int().min(KEEP.min).max(KEEP.max),
  node: z.string().min(1),
});

const recordSchema = z.object({
  trigger: z.enum(['scheduled', 'manual']),
  node: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  outcome: z.enum(['succeeded', 'failed']),
  file: z.string().nullable(),
  bytes: z.number().nullable(),
  message: z.string(),
});

export interface BackupArchive {
  file: string;
  bytes: number;
  modifiedAt: string;
}

export interface BackupStatus {
  schedule: BackupSchedule;
  last: BackupRecord | null;
  /** A backup is running on this node now. */
  running: boolean;
  /** When this node runs the next scheduled backup (null: it does not run them). */
  nextAt: string | null;
  /** The archives in the schedule's directory, as this node sees it, newest first. */
  archives: BackupArchive[];
}

export interface BackupServiceDeps {
  store: Store;
  storage: NodeStorage;
  nodeName: string;
  version: string;
  clock: Clock;
  logger: Logger;
}

/**
 * Backups run by the node itself: the schedule (System > Backup), "back up now", the last
 * backup's outcome, and retention. Archives are those of `openucm backup` (create-backup.ts).
 */
export class BackupService {
  private running: Promise<BackupRecord> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: BackupServiceDeps) {}

  private defaults(): BackupSchedule {
    return {
      enabled: false,
      intervalHours: 24,
      directory: path.resolve(this.deps.storage.dataDir, 'backups'),
      keep: 7,
      node: this.deps.nodeName,
    };
  }

  async schedule(): Promise<BackupSchedule> {
    const stored = (await this.deps.store.adminSettings.all())[SCHEDULE_SETTING];
    const parsed = stored ? scheduleSchema.safeParse(JSON.parse(stored)) : null;
    return parsed?.success ? parsed.data : this.defaults();
  }

  async last(): Promise<BackupRecord | null> {
    const stored = (await this.deps.store.adminSettings.all())[LAST_SETTING];
    const parsed = stored ? recordSchema.safeParse(JSON.parse(stored)) : null;
    return parsed?.success ? parsed.data : null;
  }

  async status(): Promise<BackupStatus> {
    const [schedule, last] = await Promise.all([this.schedule(), this.last()]);
    const next = nextScheduledBackup(schedule, last, this.deps.nodeName);
    const now = this.deps.clock();
    return {
      schedule,
      last,
      running: this.running !== null,
      nextAt: next ? new Date(Math.max(next.getTime(), now.getTime())).toISOString() : null,
      archives: await this.archives(schedule.directory),
    };
  }

  /** Checks and stores a change of the schedule; the node that runs it plans its next backup. */
  async updateSchedule(changes: Partial<BackupSchedule>): Promise<BackupSchedule> {
    const schedule = { ...(await this.schedule()), ...changes };
    if (!path.isAbsolute(schedule.directory))
      throw new ValidationError({
        field: 'directory',
        message: `the backup directory must be an absolute path on ${schedule.node}'s machine (e.g. /var/backups/openucm), not "${schedule.directory}"`,
      });
    if (!(await this.deps.store.nodes.get(schedule.node)))
      throw new ValidationError({ field: 'node', message: `there is no node ${schedule.node}` });
    // Only the node that runs it can check its directory; another one reports it at its first run.
    if (schedule.node === this.deps.nodeName) {
      const problem = await writableDirectory(schedule.directory);
      if (problem) throw new ValidationError({ field: 'directory', message: problem });
    }
    await this.deps.store.adminSettings.set(SCHEDULE_SETTING, JSON.stringify(schedule));
    this.deps.logger.info({ schedule }, 'backup schedule changed');
    void this.plan();
    return schedule;
  }

  /** Backs up now into the schedule's directory; refused while this node is already backing up. */
  backUpNow(trigger: BackupRecord['trigger'] = 'manual'): Promise<BackupRecord> {
    if (this.running) throw new ConflictError('a backup is running on this node; wait until it has finished');
    const run = this.run(trigger).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Starts the schedule on this node. */
  start(): void {
    this.stopped = false;
    void this.plan();
  }

  /** Stops the schedule; a backup in progress is finished first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async run(trigger: BackupRecord['trigger']): Promise<BackupRecord> {
    const { storage, nodeName, version, clock, logger, store } = this.deps;
    const schedule = await this.schedule();
    const started = clock();
    const file = path.join(schedule.directory, archiveName(nodeName, started));
    const done = (outcome: Pick<BackupRecord, 'outcome' | 'file' | 'bytes' | 'message'>): BackupRecord => ({
      trigger,
      node: nodeName,
      startedAt: started.toISOString(),
      finishedAt: clock().toISOString(),
      ...outcome,
    });
    let record: BackupRecord;
    try {
      const problem = await writableDirectory(schedule.directory);
      if (problem) throw new Error(problem);
      const result = await createBackup({ ...storage, out: file, madeBy: nodeName, version, now: started });
      record = done({
        outcome: 'succeeded',
        file: result.file,
        bytes: result.bytes,
        message: [contentsSummary(result.manifest), ...result.warnings].join('; '),
      });
      logger.info({ file: result.file, bytes: result.bytes, trigger }, `backup written to ${result.file}`);
      await this.applyRetention(schedule);
    } catch (error) {
      record = done({
        outcome: 'failed',
        file: null,
        bytes: null,
        message: `the backup into ${schedule.directory} failed: ${(error as Error).message}`,
      });
      logger.error(
        { err: error, trigger },
        `${record.message}; the node keeps running, fix the cause and back up again`,
      );
    }
    await store.adminSettings.set(LAST_SETTING, JSON.stringify(record));
    return record;
  }

  /** Deletes the archives beyond the `keep` newest in the schedule's directory (only files named as ours). */
  private async applyRetention(schedule: BackupSchedule): Promise<void> {
    for (const old of beyondRetention(await this.archives(schedule.directory), schedule.keep)) {
      await fsp.rm(path.join(schedule.directory, old.file), { force: true });
      this.deps.logger.info({ file: old.file }, `old backup ${old.file} deleted (keep ${schedule.keep})`);
    }
  }

  private async archives(directory: string): Promise<BackupArchive[]> {
    let names: string[];
    try {
      names = (await fsp.readdir(directory)).filter((n) => ARCHIVE_NAME.test(n));
    } catch {
      return [];
    }
    const archives: BackupArchive[] = [];
    for (const file of names) {
      try {
        const stat = await fsp.stat(path.join(directory, file));
        if (stat.isFile()) archives.push({ file, bytes: stat.size, modifiedAt: stat.mtime.toISOString() });
      } catch {
        // Deleted meanwhile.
      }
    }
    return archives.sort((a, b) => Date.parse(b.modifiedAt) - Date.parse(a.modifiedAt));
  }

  /** Sets a timer for the next scheduled backup of this node, if it runs one. */
  private async plan(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    let next: Date | null;
    try {
      next = nextScheduledBackup(await this.schedule(), await this.last(), this.deps.nodeName);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not read the backup schedule; trying again in an hour');
      next = new Date(this.deps.clock().getTime() + MAX_TIMER_MS);
    }
    if (!next || this.stopped) return;
    const delay = Math.min(Math.max(0, next.getTime() - this.deps.clock().getTime()), MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      const next = nextScheduledBackup(await this.schedule(), await this.last(), this.deps.nodeName);
      if (next && next.getTime() <= this.deps.clock().getTime() && !this.running)
        await this.backUpNow('scheduled');
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'the scheduled backup could not start');
    }
    await this.plan();
  }
}

/** Why `directory` cannot take backups (created if missing), or null. */
async function writableDirectory(directory: string): Promise<string | null> {
  try {
    await fsp.mkdir(directory, { recursive: true });
    await fsp.access(directory, fs.constants.W_OK);
    return null;
  } catch (error) {
    return `the backup directory ${directory} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it and give the node's user write access`;
  }
}
