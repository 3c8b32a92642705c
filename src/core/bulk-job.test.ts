import { describe, expect, it } from 'vitest';
import type { BulkJobStatus } from './bulk-job.js';
import { dnInSelectionRange, jobTransition } from './bulk-job.js';

const job = (status: BulkJobStatus) => ({ id: 'j1', status });

describe('jobTransition', () => {
  it('starts queued and scheduled jobs', () => {
    expect(jobTransition(job('queued'), 'start')).toEqual({ ok: true, status: 'running' });
    expect(jobTransition(job('scheduled'), 'start')).toEqual({ ok: true, status: 'running' });
    expect(jobTransition(job('paused'), 'start').ok).toBe(false);
  });

  it('pauses and resumes; a paused job whose time has not come is scheduled again', () => {
    expect(jobTransition(job('running'), 'pause')).toEqual({ ok: true, status: 'paused' });
    expect(jobTransition(job('scheduled'), 'pause')).toEqual({ ok: true, status: 'paused' });
    expect(jobTransition(job('paused'), 'resume')).toEqual({ ok: true, status: 'running' });
    expect(jobTransition(job('paused'), 'resume', { scheduledInFuture: true })).toEqual({
      ok: true,
      status: 'scheduled',
    });
    expect(jobTransition(job('running'), 'resume')).toEqual({
      ok: false,
      problem: 'job j1 is running: only a paused job can be resumed',
    });
  });

  it('cancels any unfinished job and refuses to touch finished ones', () => {
    for (const s of ['queued', 'scheduled', 'running', 'paused'] as const) {
      expect(jobTransition(job(s), 'cancel')).toEqual({ ok: true, status: 'cancelled' });
    }
    expect(jobTransition(job('completed'), 'cancel')).toEqual({
      ok: false,
      problem: 'job j1 is completed: a finished job cannot be cancelled',
    });
    expect(jobTransition(job('cancelled'), 'pause').ok).toBe(false);
  });

  it('completes and fails only running jobs', () => {
    expect(jobTransition(job('running'), 'complete')).toEqual({ ok: true, status: 'completed' });
    expect(jobTransition(job('running'), 'fail')).toEqual({ ok: true, status: 'failed' });
    expect(jobTransition(job('paused'), 'complete').ok).toBe(false);
  });
});

describe('dnInSelectionRange', () => {
  it('compares DNs as numbers, bounded by the lengths of the range ends', () => {
    expect(dnInSelectionRange('1500', '1000', '1999')).toBe(true);
    expect(dnInSelectionRange('2000', '1000', '1999')).toBe(false);
    expect(dnInSelectionRange('150', '1000', '1999')).toBe(false);
    // A leading zero is part of the DN: 0150 is not 150, and not in 1000–1999.
    expect(dnInSelectionRange('0150', '1000', '1999')).toBe(false);
    expect(dnInSelectionRange('0150', '0100', '0199')).toBe(true);
    expect(dnInSelectionRange('99999', '1000', undefined)).toBe(true);
    expect(dnInSelectionRange('12', undefined, '1999')).toBe(true);
    expect(dnInSelectionRange('12a', undefined, undefined)).toBe(false);
  });
});
