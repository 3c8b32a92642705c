import { describe, expect, it } from 'vitest';
import type { RepeatKind, RepeatPolicy } from './repeat-windows.js';
import { RepeatWindows } from './repeat-windows.js';

const policy: RepeatPolicy = {
  windowMs: 60_000,
  reportEveryMs: 5_000,
  maxOpen: 100,
  maxKeysPerGroup: 3,
  maxOpenedPerWindow: 1000,
};
let made = 0;
const at = (group: string) => ({ group, crowd: 'c' });
const data = (kind: RepeatKind) => `record ${++made} (${kind})`;

describe('RepeatWindows', () => {
  it('opens a window on the first occurrence and counts the repeats within it', () => {
    const w = new RepeatWindows<string>(policy);
    const first = w.note('a', at('g'), 0, data);
    expect(first.opened).toBe(true);
    for (let i = 1; i < 1000; i++) expect(w.note('a', at('g'), i, data).opened).toBe(false);
    expect(first.window).toMatchObject({ count: 1000, lastAt: 999, openedAt: 0, reported: 1 });
    expect(w.size).toBe(1);
  });

  it('reports new repeats at most every reportEveryMs, and the rest when the window ends', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', at('g'), 0, data);
    w.note('a', at('g'), 100, data);
    expect(w.due(1000)).toEqual([]);
    const [report] = w.due(5_000);
    expect(report).toMatchObject({ added: 1, closed: false, window: { count: 2, reported: 2 } });
    expect(w.due(6_000)).toEqual([]);
    w.note('a', at('g'), 7_000, data);
    w.note('a', at('g'), 8_000, data);
    expect(w.due(9_000)).toEqual([]);
    const [final] = w.due(60_000);
    expect(final).toMatchObject({ added: 2, closed: true, window: { count: 4, lastAt: 8_000 } });
    expect(w.size).toBe(0);
    expect(w.due(120_000)).toEqual([]);
  });

  it('a window that ended without repeats is forgotten without a report', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', at('g'), 0, data);
    expect(w.due(60_000)).toEqual([]);
    expect(w.size).toBe(0);
  });

  it('a window with repeats all reported is told once more when it ends, with nothing added', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', at('g'), 0, data);
    w.note('a', at('g'), 1, data);
    expect(w.due(5_000)).toMatchObject([{ added: 1, closed: false }]);
    expect(w.due(60_000)).toMatchObject([{ added: 0, closed: true, window: { count: 2 } }]);
  });

  it('opens a new window when the key comes back after the end, reporting the old one first', () => {
    const w = new RepeatWindows<string>(policy);
    const old = w.note('a', at('g'), 0, data).window;
    w.note('a', at('g'), 10, data);
    const next = w.note('a', at('g'), 60_000, data);
    expect(next.opened).toBe(true);
    expect(next.window).not.toBe(old);
    expect(w.due(60_001)).toEqual([{ added: 1, window: old, closed: true }]);
  });

  it('keys of one group beyond maxKeysPerGroup share the group overflow window', () => {
    const w = new RepeatWindows<string>(policy);
    for (const key of ['a', 'b', 'c']) expect(w.note(key, at('g'), 0, data).window.kind).toBe('own');
    const overflow = w.note('d', at('g'), 1, data);
    expect(overflow).toMatchObject({ opened: true, window: { kind: 'group' } });
    expect(overflow.window.data).toMatch(/\(group\)$/);
    for (const key of ['e', 'f', 'd']) expect(w.note(key, at('g'), 2, data)).toMatchObject({ opened: false });
    expect(overflow.window.count).toBe(4);
    // A key with its own window keeps counting there; another group is not affected.
    expect(w.note('a', at('g'), 3, data).window.kind).toBe('own');
    expect(w.note('x', at('other'), 3, data)).toMatchObject({ opened: true, window: { kind: 'own' } });
  });

  it('beyond maxOpenedPerWindow windows in all, new keys share their crowd window until the period ends', () => {
    const w = new RepeatWindows<string>({ ...policy, maxOpenedPerWindow: 3 });
    for (const key of ['a', 'b', 'c'])
      expect(w.note(key, { group: key, crowd: 'r1' }, 0, data).window.kind).toBe('own');
    const crowd = w.note('d', { group: 'd', crowd: 'r1' }, 1, data);
    expect(crowd).toMatchObject({ opened: true, window: { kind: 'crowd' } });
    expect(w.note('e', { group: 'e', crowd: 'r1' }, 2, data)).toMatchObject({
      opened: false,
      window: crowd.window,
    });
    // Another crowd (another reason) has its own shared window; a key with a window of its own keeps it.
    expect(w.note('f', { group: 'f', crowd: 'r2' }, 3, data).window.kind).toBe('crowd');
    expect(w.note('a', { group: 'a', crowd: 'r1' }, 4, data).window.kind).toBe('own');
    // The next period starts afresh.
    expect(w.note('g', { group: 'g', crowd: 'r1' }, 60_000, data).window.kind).toBe('own');
  });

  it('frees a group place when one of its windows ends', () => {
    const w = new RepeatWindows<string>(policy);
    for (const key of ['a', 'b', 'c']) w.note(key, at('g'), 0, data);
    w.due(60_000);
    expect(w.note('d', at('g'), 60_000, data).window.kind).toBe('own');
  });

  it('closes the oldest window early at maxOpen, reporting its repeats', () => {
    const w = new RepeatWindows<string>({ ...policy, maxOpen: 2, maxKeysPerGroup: 10 });
    const a = w.note('a', at('g'), 0, data).window;
    w.note('a', at('g'), 1, data);
    w.note('b', at('g'), 2, data);
    w.note('c', at('g'), 3, data);
    expect(w.size).toBe(2);
    expect(w.due(4)).toEqual([{ added: 1, window: a, closed: true }]);
    // 'a' comes back: a new window (its old one is gone).
    expect(w.note('a', at('g'), 5, data).opened).toBe(true);
  });

  it('drain reports every unreported repeat and forgets every window', () => {
    const w = new RepeatWindows<string>(policy);
    w.note('a', at('g'), 0, data);
    w.note('a', at('g'), 1, data);
    w.note('b', at('g'), 2, data);
    expect(w.drain().map((r) => [r.window.key, r.added, r.closed])).toEqual([['a', 1, true]]);
    expect(w.size).toBe(0);
  });
});
