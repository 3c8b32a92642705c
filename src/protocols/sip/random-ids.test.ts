import { describe, expect, it } from 'vitest';
import { newBranch, newTag, randomHex } from './random-ids.js';

describe('random ids', () => {
  it('gives tags of 48 random bits as 12 hex digits, none repeated over several pool refills', () => {
    const tags = Array.from({ length: 10_000 }, () => newTag());
    for (const tag of tags) expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('gives branches with the RFC 3261 magic cookie and 80 random bits, none repeated', () => {
    const branches = Array.from({ length: 10_000 }, () => newBranch());
    for (const branch of branches) expect(branch).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
    expect(new Set(branches).size).toBe(branches.length);
  });

  it('serves an id larger than the pool whole', () => {
    expect(randomHex(20_000)).toMatch(/^[0-9a-f]{40000}$/);
  });

  it('does not hand out constant bytes: every hex digit shows up across ids', () => {
    const digits = new Set(Array.from({ length: 200 }, () => newTag()).join(''));
    expect(digits.size).toBe(16);
  });
});
