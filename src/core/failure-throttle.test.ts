import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './failure-throttle.js';

describe('FailureThrottle', () => {
  it('lets the free failures through, then makes each further attempt wait twice as long', () => {
    const t = new FailureThrottle({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60_000 });
    for (let i = 0; i < 3; i++) expect(t.failed('10.0.0.2', 0).kind).toBe('allowed');
    expect(t.failed('10.0.0.2', 0)).toEqual({ kind: 'wait', until: 1000, failures: 4 });
    expect(t.check('10.0.0.2', 999).kind).toBe('wait');
    expect(t.check('10.0.0.2', 1000).kind).toBe('allowed');
    expect(t.failed('10.0.0.2', 1000)).toEqual({ kind: 'wait', until: 3000, failures: 5 });
    expect(t.failed('10.0.0.2', 3000)).toEqual({ kind: 'wait', until: 7000, failures: 6 });
  });

  it('caps the wait and keeps other keys free', () => {
    const t = new FailureThrottle({ freeFailures: 0, baseDelayMs: 1000, maxDelayMs: 5000 });
    let v = t.failed('a', 0);
    for (let i = 0; i < 40; i++) v = t.failed('a', 0);
    expect(v).toMatchObject({ kind: 'wait', until: 5000 });
    expect(t.check('b', 0).kind).toBe('allowed');
  });

  it('clears a key on success and forgets it after a quiet period', () => {
    const t = new FailureThrottle({ freeFailures: 0, baseDelayMs: 1000, forgetAfterMs: 10_000 });
    t.failed('a', 0);
    t.succeeded('a');
    expect(t.check('a', 1).kind).toBe('allowed');
    t.failed('b', 0);
    t.failed('b', 0);
    expect(t.check('b', 10_001).kind).toBe('allowed');
    expect(t.failed('b', 10_001)).toMatchObject({ failures: 1 });
  });

  it('remembers at most maxKeys keys, forgetting the oldest failure first', () => {
    const t = new FailureThrottle({ freeFailures: 0, baseDelayMs: 1000, maxKeys: 2 });
    t.failed('a', 0);
    t.failed('b', 0);
    t.failed('c', 0);
    expect(t.size).toBe(2);
    expect(t.check('a', 0).kind).toBe('allowed');
    expect(t.check('c', 0).kind).toBe('wait');
  });

  it('counts the failures of a key and lists the keys of a prefix', () => {
    const t = new FailureThrottle({ freeFailures: 1, baseDelayMs: 1000, forgetAfterMs: 10_000 });
    t.failed('ops\n10.0.0.2', 0);
    t.failed('ops\n10.0.0.2', 0);
    t.failed('ops\n10.0.0.3', 5000);
    t.failed('opsx\n10.0.0.2', 0);
    expect(t.failures('ops\n10.0.0.2', 1)).toBe(2);
    expect(t.failures('ops\n10.0.0.9', 1)).toBe(0);
    expect([...t.withPrefix('ops\n', 1)]).toEqual([
      { key: 'ops\n10.0.0.2', failures: 2, until: 1000 },
      { key: 'ops\n10.0.0.3', failures: 1, until: 0 },
    ]);
    expect([...t.withPrefix('ops\n', 12_000)].map((e) => e.key)).toEqual(['ops\n10.0.0.3']);
    expect(t.failures('ops\n10.0.0.2', 12_000)).toBe(0);
  });
});
