import type { BulkJobStatus, ItemState, JobProgress, MigrationDirection, MigrationStep } from '../api/types';
import { number } from '../format';

export const DIRECTION_LABEL: Record<MigrationDirection, string> = {
  SCCP_TO_SIP: 'SCCP → SIP',
  SIP_TO_SCCP: 'SIP → SCCP',
};

export const STEP_LABEL: Record<MigrationStep, string> = {
  'upgrade-sccp-load': 'Intermediate SCCP upgrade',
  'switch-protocol': 'Switch protocol (reset)',
  'await-registration': 'Wait for registration',
};

/** Item states with an icon and a word each (never colour alone). */
export const STATE_LABEL: Record<ItemState, { icon: string; label: string }> = {
  pending: { icon: '○', label: 'Not started' },
  running: { icon: '↻', label: 'Running' },
  waiting: { icon: '…', label: 'Waiting' },
  done: { icon: '✔', label: 'Done' },
  failed: { icon: '✖', label: 'Failed' },
  skipped: { icon: '–', label: 'Skipped' },
  cancelled: { icon: '⊘', label: 'Cancelled' },
};

export const JOB_STATUS_LABEL: Record<BulkJobStatus, string> = {
  queued: 'Queued',
  scheduled: 'Scheduled',
  running: 'Running',
  paused: 'Paused',
  cancelled: 'Cancelled',
  completed: 'Completed',
  failed: 'Failed',
};

export const JOB_FINISHED: BulkJobStatus[] = ['cancelled', 'completed', 'failed'];

export function JobStatusBadge({ status }: { status: BulkJobStatus }) {
  return <span className={`badge badge-job-${status}`}>{JOB_STATUS_LABEL[status]}</span>;
}

export function StateText({ state }: { state: ItemState }) {
  const s = STATE_LABEL[state];
  return (
    <span className={`state state-${state}`}>
      <span aria-hidden="true">{s.icon} </span>
      {s.label}
    </span>
  );
}

// Bar segments, in the order drawn.
const SEGMENTS: { state: ItemState; className: string }[] = [
  { state: 'done', className: 'seg-done' },
  { state: 'failed', className: 'seg-failed' },
  { state: 'skipped', className: 'seg-skipped' },
  { state: 'cancelled', className: 'seg-cancelled' },
  { state: 'running', className: 'seg-running' },
  { state: 'waiting', className: 'seg-waiting' },
];

/** A progress bar of a job, with the counts written beside it. */
export function ProgressBar({ progress, label }: { progress: JobProgress; label: string }) {
  const { total, counts, percent } = progress;
  const text = SEGMENTS.map((s) => `${number(counts[s.state])} ${STATE_LABEL[s.state].label.toLowerCase()}`)
    .concat(`${number(counts.pending)} not started`)
    .join(', ');
  return (
    <div className="job-progress">
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% finished: ${text}`}
      >
        {SEGMENTS.map((s) =>
          counts[s.state] > 0 && total > 0 ? (
            <span
              key={s.state}
              className={`progress-seg ${s.className}`}
              style={{ width: `${(counts[s.state] * 100) / total}%` }}
            />
          ) : null,
        )}
      </div>
      <p className="progress-text">
        <strong>{percent}%</strong> — {number(progress.finished)} of {number(total)} phone(s) finished:{' '}
        {SEGMENTS.map((s) => (
          <span key={s.state} className="progress-count">
            <span className={`legend ${s.className}`} aria-hidden="true" />
            {STATE_LABEL[s.state].label} {number(counts[s.state])}
          </span>
        ))}
        <span className="progress-count">
          <span className="legend seg-pending" aria-hidden="true" />
          Not started {number(counts.pending)}
        </span>
      </p>
    </div>
  );
}

/** Phones per step and state: where a job stands, step by step. */
export function StepTable({ progress }: { progress: JobProgress }) {
  const states: ItemState[] = ['pending', 'running', 'waiting', 'done', 'failed', 'skipped', 'cancelled'];
  return (
    <table className="grid-table steps">
      <caption>Phones at each step</caption>
      <thead>
        <tr>
          <th scope="col">Step</th>
          {states.map((s) => (
            <th key={s} scope="col" className="num">
              {STATE_LABEL[s].label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {progress.steps.map((step) => (
          <tr key={step.step} data-step={step.step}>
            <th scope="row">{STEP_LABEL[step.step]}</th>
            {states.map((s) => (
              <td
                key={s}
                className={`num${s === 'failed' && step.counts[s] > 0 ? ' bad' : ''}${s === 'done' && step.counts[s] > 0 ? ' ok' : ''}`}
              >
                {number(step.counts[s])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
