import { describe, expect, it } from 'vitest';
import { autoRegistrationProblems, autoRegistrationSummary, inRange, lowestFreeDn } from './node.js';
import type { AutoRegistration } from './node.js';

const current: AutoRegistration = { enabled: true, startingDn: '1000', endingDn: '1999' };
const check = (
  proposed: Partial<AutoRegistration>,
  extra: Partial<Parameters<typeof autoRegistrationProblems>[0]> = {},
) =>
  autoRegistrationProblems({
    nodeName: 'cm1',
    proposed: { ...current, ...proposed },
    current,
    otherNodes: [],
    assignedInCurrentRange: [],
    ...extra,
  });

describe('auto-registration range rules', () => {
  it('accepts a plain range', () => {
    expect(check({ startingDn: '2000', endingDn: '2999' })).toEqual([]);
  });

  it('refuses a leading zero and says why instead of stripping it', () => {
    const [p] = check({ startingDn: '0100' });
    expect(p.field).toBe('startingDn');
    expect(p.message).toContain('starts with 0');
    expect(p.message).toContain('leading zero would be lost');
    expect(p.message).toContain('"100"');
  });

  it('refuses non-digits and names the field', () => {
    const [p] = check({ endingDn: '19x9' });
    expect(p).toMatchObject({ field: 'endingDn' });
    expect(p.message).toContain('only the digits 0-9');
  });

  it('refuses start > end', () => {
    const [p] = check({ startingDn: '3000', endingDn: '2000' });
    expect(p.field).toBe('endingDn');
    expect(p.message).toContain('lower than');
  });

  it('refuses a range overlapping another node', () => {
    const [p] = check(
      { startingDn: '1500', endingDn: '2500' },
      {
        otherNodes: [
          { name: 'cm2', autoRegistration: { enabled: true, startingDn: '2000', endingDn: '2999' } },
        ],
      },
    );
    expect(p.message).toContain("overlaps node cm2's range 2000–2999");
  });

  it('lets nodes share exactly the same range (a cluster drawing from one pool)', () => {
    const cm2 = { name: 'cm2', autoRegistration: { enabled: true, startingDn: '2000', endingDn: '2999' } };
    expect(check({ startingDn: '2000', endingDn: '2999' }, { otherNodes: [cm2] })).toEqual([]);
  });

  it('refuses a range that would drop assigned DNs, listing them', () => {
    const [p] = check(
      { startingDn: '1000', endingDn: '1004' },
      { assignedInCurrentRange: ['1000', '1005', '1010'] },
    );
    expect(p.field).toBe('endingDn');
    expect(p.message).toContain('leaves out 2 directory number(s)');
    expect(p.message).toContain('1005, 1010');
  });

  it('compares numerically across lengths', () => {
    expect(inRange({ startingDn: '900', endingDn: '1100' }, '1000')).toBe(true);
    expect(inRange({ startingDn: '900', endingDn: '1100' }, '0950')).toBe(false);
    expect(inRange({ startingDn: '900', endingDn: '1100' }, '899')).toBe(false);
  });
});

describe('lowestFreeDn', () => {
  it('returns the lowest number not taken, or null when the range is full', () => {
    const taken = new Set(['1000', '1001', '1003']);
    expect(lowestFreeDn({ startingDn: '1000', endingDn: '1003' }, (d) => taken.has(d))).toBe('1002');
    taken.add('1002');
    expect(lowestFreeDn({ startingDn: '1000', endingDn: '1003' }, (d) => taken.has(d))).toBeNull();
  });

  it('starts from a hint inside the range', () => {
    expect(lowestFreeDn({ startingDn: '1000', endingDn: '1999' }, () => false, '1500')).toBe('1500');
    expect(lowestFreeDn({ startingDn: '1000', endingDn: '1999' }, () => false, '5000')).toBe('1000');
  });
});

it('summarises the state in plain words', () => {
  expect(autoRegistrationSummary({ name: 'cm1', autoRegistration: current }, 37)).toBe(
    'Auto-registration is ON for cm1: DNs 1000–1999, 37 used',
  );
  expect(
    autoRegistrationSummary({ name: 'cm1', autoRegistration: { ...current, enabled: false } }, 0),
  ).toContain('OFF');
});
