import { describe, expect, it } from 'vitest';
import { emptyStats } from './fleet.js';
import { finalReport, summaryLine } from './report.js';

const times = { elapsedMs: 12_000, allRegisteredMs: 2000, registrationsPerSecond: 0, keepalivesPerSecond: 0 };

describe('fleet report', () => {
  it('says nothing of calls when the fleet places none', () => {
    const s = emptyStats(10);
    expect(summaryLine(s, times)).not.toMatch(/calls/);
    expect(finalReport(s, times, 'x')).not.toMatch(/calls placed/);
  });

  it('counts calls placed, connected, failed by reason, in progress and one-way, with rates over the calling time', () => {
    const s = emptyStats(20);
    s.calls = {
      placed: 25,
      connected: 20,
      failed: { busy: 1, rejected: 3 },
      inProgress: 1,
      oneWay: 2,
      notPlaced: 4,
    };
    const t = { ...times, firstCallMs: 2000, placedPerSecond: 2.5, connectedPerSecond: 2 };
    expect(summaryLine(s, t)).toContain(
      'calls 25 placed  20 connected  1 in progress  4 failed (busy 1, rejected 3)  2 one-way  2.5 placed/s  2.0 connected/s  4 not placed',
    );
    const report = finalReport(s, t, 'x');
    expect(report).toContain('calls placed  25 (2.5/s over 10.0 s)');
    expect(report).toContain('connected     20 (2.0/s over 10.0 s)');
    expect(report).toContain('calls failed  4\n          3 × rejected\n          1 × busy');
    expect(report).toContain('one-way audio 2');
    expect(report).toContain('not placed    4');
  });
});
