import { describe, expect, it } from 'vitest';
import { DirectoryNumberSet } from './dn-set.js';

describe('DirectoryNumberSet', () => {
  it('answers for numbers added after it was built as for those it was built with', () => {
    const set = new DirectoryNumberSet(['2000', '1000']);
    expect(set.hasLongerThan('100')).toBe(true);
    expect(set.hasLongerThan('300')).toBe(false);
    set.add(['3001', '1000', '100']);
    expect(set.size).toBe(4);
    expect(set.isDirectoryNumber('3001')).toBe(true);
    expect(set.isDirectoryNumber('100')).toBe(true);
    expect(set.hasLongerThan('300')).toBe(true);
    expect(set.hasLongerThan('100')).toBe(true);
    expect(set.hasLongerThan('3001')).toBe(false);
  });
});
