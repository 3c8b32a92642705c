import { describe, expect, it } from 'vitest';
import { ReplyBudget } from './reply-budget.js';

describe('ReplyBudget', () => {
  it('allows so many answers per address and second, each address on its own', () => {
    let now = 0;
    const budget = new ReplyBudget(3, () => now);
    expect([1, 2, 3, 4].map(() => budget.allow('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(budget.allow('10.0.0.2')).toBe(true);
    now = 999;
    expect(budget.allow('10.0.0.1')).toBe(false);
    now = 1000;
    expect(budget.allow('10.0.0.1')).toBe(true);
  });

  it('counts at most so many addresses a second: a flood of forged ones gets no answers', () => {
    const budget = new ReplyBudget(5, () => 0, 2);
    expect(budget.allow('a')).toBe(true);
    expect(budget.allow('b')).toBe(true);
    expect(budget.allow('c')).toBe(false);
    expect(budget.allow('a')).toBe(true);
  });
});
