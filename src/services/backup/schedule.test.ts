import { describe, expect, it } from 'vitest';
import type { BackupRecord, BackupSchedule } from './schedule.js';
import { beyondRetention, nextScheduledBackup } from './schedule.js';

const schedule: BackupSchedule = { enabled: true, intervalHours: 24, directory: '/b', keep: 2, node: 'cm1' };
const last = (outcome: BackupRecord['outcome']): BackupRecord => ({
  trigger: 'scheduled',
  node: 'cm1',
  startedAt: '2026-12-05T02:00:00.000Z',
  finishedAt: '2026-12-05T02:00:05.000Z',
  outcome,
  file: null,
  bytes: null,
  message: '',
});

describe('scheduled backup', () => {
  it('runs at once when there has been none, then an interval after the last start', () => {
    expect(nextScheduledBackup(schedule, null, 'cm1')).toEqual(new Date(0));
    expect(nextScheduledBackup(schedule, last('succeeded'), 'cm1')).toEqual(new Date('2026-12-06T02:00:00Z'));
  });

  it('tries again after an hour when the last one failed', () => {
    expect(nextScheduledBackup(schedule, last('failed'), 'cm1')).toEqual(new Date('2026-12-05T03:00:00Z'));
  });

  it('runs only on its node, and only when enabled', () => {
    expect(nextScheduledBackup(schedule, null, 'cm2')).toBeNull();
    expect(nextScheduledBackup({ ...schedule, enabled: false }, null, 'cm1')).toBeNull();
  });

  it('keeps the newest archives', () => {
    const a = (name: string, modifiedAt: string) => ({ name, modifiedAt });
    const old = [
      a('x', '2026-12-01T00:00:00Z'),
      a('z', '2026-12-03T00:00:00Z'),
      a('y', '2026-12-02T00:00:00Z'),
    ];
    expect(beyondRetention(old, 2).map((f) => f.name)).toEqual(['x']);
    expect(beyondRetention(old, 5)).toEqual([]);
  });
});
