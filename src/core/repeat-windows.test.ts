import { describe, expect, it } from 'vitest';
import type { RepeatPolicy } from './repeat-windows.js';
import { RepeatWindows } from './repeat-windows.js';

const policy: RepeatPolicy = { windowMs: 60_000, reportEveryMs: 5_000, maxOpen: 100, maxKeysPerGroup: 3 };
let made = 0;
const data = (overflow: boolean) => `record ${++made}${overflow ? ' (overflow)' : ''}`;

describe('RepeatWindows', () => {
  it('opens a window on the first occurrence and counts the repeats within it', () => {
    const w = new RepeatWindows<string>(policy);
    const first = w.note('a', 'g', 0, data);
    expect(first.opened).toBe(true);
    for (let i = 1; i < 1000; i++) expect(w.note('a', 'g', i, data).opened).toBe(false);
    expect(first.window).toMatchObject({ count: 1000, lastAt: 999, openedAt: 0, reported: 1 });
    expect(w.size).toBe(1);
  });

  it('reports new repeats at most every reportEveryMs, and the rest when the window ends', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', 'g', 0, data);
    w.note('a', 'g', 100, data);
    expect(w.due(1000)).toEqual([]);
    const [report] = w.due(5_000);
    expect(report).toMatchObject({ added: 1, closed: false, window: { count: 2, reported: 2 } });
    expect(w.due(6_000)).toEqual([]);
    w.note('a', 'g', 7_000, data);
    w.note('a', 'g', 8_000, data);
    expect(w.due(9_000)).toEqual([]);
    const [final] = w.due(60_000);
    expect(final).toMatchObject({ added: 2, closed: true, window: { count: 4, lastAt: 8_000 } });
    expect(w.size).toBe(0);
    expect(w.due(120_000)).toEqual([]);
  });

  it('a window that ended without repeats is forgotten without a report', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', 'g', 0, data);
    expect(w.due(60_000)).toEqual([]);
    expect(w.size).toBe(0);
  });

  it('a window with repeats all reported is told once more when it ends, with nothing added', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', 'g', 0, data);
    w.note('a', 'g', 1, data);
    expect(w.due(5_000)).toMatchObject([{ added: 1, closed: false }]);
    expect(w.due(60_000)).toMatchObject([{ added: 0, closed: true, window: { count: 2 } }]);
  });

  it('opens a new window when the key comes back after the end, reporting the old one first', () => {
    const w = new RepeatWindows<string>(policy);
    const old = w.note('a', 'g', 0, data).window;
    w.note('a', 'g', 10, data);
    const next = w.note('a', 'g', 60_000, data);
    expect(next.opened).toBe(true);
    expect(next.window).not.toBe(old);
    expect(w.due(60_001)).toEqual([{ added: 1, window: old, closed: true }]);
  });

  it('keys of one group beyond maxKeysPerGroup share the group overflow window', () => {
    const w = new RepeatWindows<string>(policy);
    for (const key of ['a', 'b', 'c']) expect(w.note(key, 'g', 0, data).window.overflow).toBe(false);
    const overflow = w.note('d', 'g', 1, data);
    expect(overflow).toMatchObject({ opened: true, window: { overflow: true } });
    expect(overflow.window.data).toMatch(/\(overflow\)$/);
    for (const key of ['e', 'f', 'd']) expect(w.note(key, 'g', 2, data)).toMatchObject({ opened: false });
    expect(overflow.window.count).toBe(4);
    // A key with its own window keeps counting there; another group is not affected.
    expect(w.note('a', 'g', 3, data).window.overflow).toBe(false);
    expect(w.note('x', 'other', 3, data)).toMatchObject({ opened: true, window: { overflow: false } });
  });

  it('frees a group place when one of its windows ends', () => {
    const w = new RepeatWindows<string>(policy);
    for (const key of ['a', 'b', 'c']) w.note(key, 'g', 0, data);
    w.due(60_000);
    expect(w.note('d', 'g', 60_000, data).window.overflow).toBe(false);
  });

  it('closes the oldest window early at maxOpen, reporting its repeats', () => {
    const w = new RepeatWindows<string>({ ...policy, maxOpen: 2, maxKeysPerGroup: 10 });
    const a = w.note('a', 'g', 0, data).window;
    w.note('a', 'g', 1, data);
    w.note('b', 'g', 2, data);
    w.note('c', 'g', 3, data);
    expect(w.size).toBe(2);
    expect(w.due(4)).toEqual([{ added: 1, window: a, closed: true }]);
    // 'a' comes back: a new window (its old one is gone).
    expect(w.note('a', 'g', 5, data).opened).toBe(true);
  });

  it('drain reports every unreported repeat and forgets every window', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', 'g', 0, data);
    w.note('a', 'g', 1, data);
    w.note('b', 'g', 2, data);
    expect(w.drain().map((r) => [r.window.key, r.added, r.closed])).toEqual([['a', 1, true]]);
    expect(w.size).toBe(0);
  });
});
