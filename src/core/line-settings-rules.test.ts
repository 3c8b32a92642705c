import { describe, expect, it } from 'vitest';
import {
  MAX_CALLS_PER_LINE,
  dnFeaturesProblem,
  lineAppearanceProblem,
  lineTextsProblem,
} from './line-settings-rules.js';

describe('line settings rules', () => {
  it('takes 1 ≤ busy trigger ≤ max calls ≤ 6 and names the field it refuses', () => {
    expect(lineAppearanceProblem({ maxCalls: 2, busyTrigger: 2 })).toBeNull();
    expect(lineAppearanceProblem({ maxCalls: MAX_CALLS_PER_LINE, busyTrigger: 1 })).toBeNull();
    expect(lineAppearanceProblem({ maxCalls: 7, busyTrigger: 2 }, 'lines.0.')).toMatchObject({
      field: 'lines.0.maxCalls',
      message: expect.stringContaining('1 to 6'),
    });
    expect(lineAppearanceProblem({ maxCalls: 0, busyTrigger: 0 })?.field).toBe('maxCalls');
    expect(lineAppearanceProblem({ maxCalls: 2, busyTrigger: 3 })).toMatchObject({
      field: 'busyTrigger',
      message: expect.stringContaining('Maximum Number of Calls (2)'),
    });
    expect(lineAppearanceProblem({ maxCalls: 2, busyTrigger: 1.5 })?.field).toBe('busyTrigger');
  });

  it('takes printable display names and labels of at most 30 characters', () => {
    expect(lineTextsProblem({ displayName: 'Reception', label: '' })).toBeNull();
    expect(lineTextsProblem({ displayName: 'x'.repeat(31) })).toMatchObject({
      field: 'displayName',
      message: expect.stringContaining('at most 30 characters'),
    });
    expect(lineTextsProblem({ label: 'a\tb' }, 'lines.1.')).toMatchObject({
      field: 'lines.1.label',
      message: expect.stringContaining('control characters'),
    });
  });

  it('takes forward targets of digits, * and # that are not the DN itself, and digit pickup groups', () => {
    expect(
      dnFeaturesProblem('1001', {
        forwardAll: '*88#',
        forwardBusy: null,
        forwardNoAnswer: '2000',
        pickupGroup: '500',
      }),
    ).toBeNull();
    expect(dnFeaturesProblem('1001', { forwardAll: '1001' })).toMatchObject({
      field: 'forwardAll',
      message: expect.stringContaining('cannot be the directory number itself'),
    });
    expect(dnFeaturesProblem('1001', { forwardBusy: '9-555' })).toMatchObject({
      field: 'forwardBusy',
      message: expect.stringContaining('only 0-9, * and #'),
    });
    expect(dnFeaturesProblem('1001', { forwardNoAnswer: '1'.repeat(25) })?.field).toBe('forwardNoAnswer');
    expect(dnFeaturesProblem('1001', { forwardAll: '' })?.message).toContain('send null');
    expect(dnFeaturesProblem('1001', { pickupGroup: 'sales' }, 'lines.0.')?.field).toBe(
      'lines.0.pickupGroup',
    );
  });
});
