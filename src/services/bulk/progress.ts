import type { BulkJobStatus, ItemState } from '../../core/bulk-job.js';
import { ITEM_STATES, isItemFinished } from '../../core/bulk-job.js';
import type { MigrationStep } from '../../core/migration.js';
import { MIGRATION_STEPS } from '../../core/migration.js';
import type { StepStateCount } from '../../store/bulk-job-repository.js';

export type StateCounts = Record<ItemState, number>;

/** How far a job is: phones per state, and per step per state (what the progress bar and the UI show). */
export interface JobProgress {
  total: number;
  /** Phones that reached a final state (done, failed, skipped, cancelled). */
  finished: number;
  /** finished / total, 0–100, rounded down (100 only when every phone is finished). */
  percent: number;
  counts: StateCounts;
  steps: { step: MigrationStep; counts: StateCounts }[];
}

/** Published on LiveEvents 'bulk-job-progress' when a job changes (at most a few times a second). */
export interface BulkJobProgressEvent {
  jobId: string;
  status: BulkJobStatus;
  progress: JobProgress;
  at: string;
}

function emptyCounts(): StateCounts {
  return Object.fromEntries(ITEM_STATES.map((s) => [s, 0])) as StateCounts;
}

/** Builds a job's progress from its per-step, per-state counts. */
export function progressOf(rows: StepStateCount[]): JobProgress {
  const counts = emptyCounts();
  const bySteps = new Map<MigrationStep, StateCounts>(MIGRATION_STEPS.map((s) => [s, emptyCounts()]));
  let total = 0;
  let finished = 0;
  for (const r of rows) {
    counts[r.state] += r.count;
    const step = bySteps.get(r.step);
    if (step) step[r.state] += r.count;
    total += r.count;
    if (isItemFinished(r.state)) finished += r.count;
  }
  return {
    total,
    finished,
    percent: total === 0 ? 100 : Math.floor((finished * 100) / total),
    counts,
    steps: MIGRATION_STEPS.map((step) => ({ step, counts: bySteps.get(step) ?? emptyCounts() })),
  };
}

/**
 * A job's counts kept in memory while it runs (so that progress events need no query): one
 * phone moves from (step, state) to (step, state).
 */
export class ProgressTally {
  private readonly cells = new Map<string, number>();

  constructor(rows: StepStateCount[]) {
    for (const r of rows) this.cells.set(`${r.step}/${r.state}`, r.count);
  }

  move(from: { step: MigrationStep; state: ItemState }, to: { step: MigrationStep; state: ItemState }): void {
    const a = `${from.step}/${from.state}`;
    const b = `${to.step}/${to.state}`;
    if (a === b) return;
    this.cells.set(a, Math.max(0, (this.cells.get(a) ?? 0) - 1));
    this.cells.set(b, (this.cells.get(b) ?? 0) + 1);
  }

  rows(): StepStateCount[] {
    return [...this.cells.entries()].map(([key, count]) => {
      const [step, state] = key.split('/') as [MigrationStep, ItemState];
      return { step, state, count };
    });
  }

  progress(): JobProgress {
    return progressOf(this.rows());
  }
}
