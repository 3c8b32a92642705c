import { describe, expect, it } from 'vitest';
import { analyseDigits, dialComplete } from './dial-plan.js';
import { DirectoryNumberSet } from './dn-set.js';

const plan = new DirectoryNumberSet(['1001', '1002', '100', '1000', '2000', '30']);

describe('dial plan', () => {
  it('routes at once on a unique full match', () => {
    expect(analyseDigits('1001', plan)).toEqual({ kind: 'route', dn: '1001' });
    expect(analyseDigits('30', plan)).toEqual({ kind: 'route', dn: '30' });
  });

  it('waits for more digits while a longer DN could still match', () => {
    expect(analyseDigits('', plan)).toEqual({ kind: 'more-digits' });
    expect(analyseDigits('1', plan)).toEqual({ kind: 'more-digits' });
    expect(analyseDigits('10', plan)).toEqual({ kind: 'more-digits' });
    expect(analyseDigits('200', plan)).toEqual({ kind: 'more-digits' });
  });

  it('waits on an exact match that a longer DN overlaps (100 and 1000), as CUCM does until T302', () => {
    expect(analyseDigits('100', plan)).toEqual({ kind: 'could-grow', dn: '100' });
    expect(dialComplete('100', plan)).toEqual({ kind: 'route', dn: '100' });
    expect(analyseDigits('1000', plan)).toEqual({ kind: 'route', dn: '1000' });
  });

  it('refuses digits no DN is or can become: unallocated number', () => {
    expect(analyseDigits('5', plan)).toEqual({ kind: 'unallocated' });
    expect(analyseDigits('10010', plan)).toEqual({ kind: 'unallocated' });
    expect(analyseDigits('*', plan)).toEqual({ kind: 'unallocated' });
  });

  it('ends dialling with #: the exact match rings, a partial number is unallocated', () => {
    expect(analyseDigits('100#', plan)).toEqual({ kind: 'route', dn: '100' });
    expect(analyseDigits('10#', plan)).toEqual({ kind: 'unallocated' });
    expect(analyseDigits('#', plan)).toEqual({ kind: 'unallocated' });
  });

  it('routes what was dialled when T302 expires or a number arrives en bloc', () => {
    expect(dialComplete('2000', plan)).toEqual({ kind: 'route', dn: '2000' });
    expect(dialComplete('200', plan)).toEqual({ kind: 'unallocated' });
    expect(dialComplete('', plan)).toEqual({ kind: 'unallocated' });
  });

  it('answers "could a longer DN match?" from a sorted set', () => {
    const set = new DirectoryNumberSet(['1', '12', '123', '2']);
    expect(set.hasLongerThan('1')).toBe(true);
    expect(set.hasLongerThan('12')).toBe(true);
    expect(set.hasLongerThan('123')).toBe(false);
    expect(set.hasLongerThan('2')).toBe(false);
    expect(set.hasLongerThan('3')).toBe(false);
    expect(set.size).toBe(4);
  });
});
