import { describe, expect, it } from 'vitest';
import { planSccpCapacity } from './capacity-plan.js';

// SIP TCP 10,000 + WebSocket 1,000 + TFTP 2 × 2,000 + event streams 256 + 1,000 (the defaults).
const RESERVED = 16_256;

describe('planSccpCapacity', () => {
  it('on 2 cores and 20,000 open files, forks enough workers for 60,000 phones by default', () => {
    const plan = planSccpCapacity({
      openFileLimit: 20_000,
      cores: 2,
      maxConnections: 60_000,
      workers: undefined,
      reservedInNodeProcess: RESERVED,
    });
    expect(plan).toMatchObject({ workers: 4, perProcess: 15_000, nodeCapacity: 60_000, warnings: [] });
    expect(plan.limitedBy).toBe('--sccp-max-connections 60000');
    expect(plan.summary).toContain('4 worker processes');
  });

  it('keeps SCCP in the node process when the open-file limit leaves room for every phone', () => {
    const plan = planSccpCapacity({
      openFileLimit: 524_288,
      cores: 8,
      maxConnections: 60_000,
      workers: undefined,
      reservedInNodeProcess: RESERVED,
    });
    expect(plan).toMatchObject({ workers: 0, perProcess: 60_000, nodeCapacity: 60_000, warnings: [] });
  });

  it('says so when the workers asked for cannot hold --sccp-max-connections', () => {
    const plan = planSccpCapacity({
      openFileLimit: 20_000,
      cores: 2,
      maxConnections: 60_000,
      workers: 2,
      reservedInNodeProcess: RESERVED,
    });
    expect(plan).toMatchObject({ workers: 2, perProcess: 18_000, nodeCapacity: 36_000 });
    expect(plan.limitedBy).toContain('open-file limit of 20000');
    expect(plan.warnings).toEqual([expect.stringContaining('can hold 36,000 SCCP phones, fewer than')]);
  });

  it('gives SCCP in the node process what the other listeners leave, at least a quarter, with a warning', () => {
    const plan = planSccpCapacity({
      openFileLimit: 20_000,
      cores: 2,
      maxConnections: 60_000,
      workers: 0,
      reservedInNodeProcess: RESERVED,
    });
    expect(plan).toMatchObject({ workers: 0, perProcess: 4500, nodeCapacity: 4500 });
    expect(plan.limitedBy).toContain('shares with SIP, TFTP and HTTP');
    expect(plan.warnings).toHaveLength(2);
    const roomy = planSccpCapacity({
      openFileLimit: 20_000,
      cores: 2,
      maxConnections: 60_000,
      workers: 0,
      reservedInNodeProcess: 5000,
    });
    expect(roomy.perProcess).toBe(13_000);
  });

  it('forks at most twice the cores by default, even when a small open-file limit would need more', () => {
    const plan = planSccpCapacity({
      openFileLimit: 4096,
      cores: 2,
      maxConnections: 60_000,
      workers: undefined,
      reservedInNodeProcess: RESERVED,
    });
    expect(plan).toMatchObject({ workers: 4, perProcess: 3686, nodeCapacity: 14_744 });
    expect(plan.warnings.join('\n')).toContain('below what SIP, TFTP and HTTP may hold');
  });

  it('without a known open-file limit, holds what is asked for in the node process', () => {
    const plan = planSccpCapacity({
      openFileLimit: null,
      cores: 2,
      maxConnections: 60_000,
      workers: undefined,
      reservedInNodeProcess: RESERVED,
    });
    expect(plan).toMatchObject({ workers: 0, perProcess: 60_000, nodeCapacity: 60_000 });
  });
});
