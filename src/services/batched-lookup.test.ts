import { describe, expect, it } from 'vitest';
import { BatchedLookup } from './batched-lookup.js';

describe('batched lookups', () => {
  it('answers the lookups of one turn with one query, each key asked once', async () => {
    const asked: string[][] = [];
    const lookup = new BatchedLookup<number>(async (keys) => {
      asked.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
    });
    const answers = await Promise.all(['a', 'bb', 'a', 'missing'].map((k) => lookup.get(k)));
    expect(answers).toEqual([1, 2, 1, null]);
    expect(asked).toEqual([['a', 'bb', 'missing']]);
    // A later turn is a new query.
    expect(await lookup.get('ccc')).toBe(3);
    expect(asked).toHaveLength(2);
  });

  it('sends a full batch at once and the rest with the next one', async () => {
    const asked: string[][] = [];
    const lookup = new BatchedLookup<string>(
      async (keys) => {
        asked.push(keys);
        return new Map(keys.map((k) => [k, k.toUpperCase()]));
      },
      16,
      2,
    );
    const answers = await Promise.all(['x', 'y', 'z'].map((k) => lookup.get(k)));
    expect(answers).toEqual(['X', 'Y', 'Z']);
    expect(asked).toEqual([['x', 'y'], ['z']]);
  });

  it('fails every lookup of a batch whose query failed, and serves the next batch', async () => {
    let fail = true;
    const lookup = new BatchedLookup<string>(async (keys) => {
      if (fail) throw new Error('database is gone');
      return new Map(keys.map((k) => [k, k]));
    });
    const results = await Promise.allSettled([lookup.get('a'), lookup.get('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await lookup.get('a')).toBe('a');
  });

  it('sends the lookups made in answer to one earlier answer at once when there are enough of them', async () => {
    const asked: string[][] = [];
    const lookup = new BatchedLookup<string>(async (keys) => {
      asked.push(keys);
      return new Map(keys.map((k) => [k, k]));
    }, 3);
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    // Each phone first waits for an earlier answer (one shared promise), as after a batched credential lookup.
    const earlier = Promise.resolve();
    const answers = await Promise.all(
      ['p1', 'p2', 'p3'].map(async (k) => {
        await earlier;
        return lookup.get(k);
      }),
    );
    expect(answers).toEqual(['p1', 'p2', 'p3']);
    expect(asked).toEqual([['p1', 'p2', 'p3']]);
    expect(turnEnded).toBe(false);
  });

  it('keeps a smaller batch open until the end of the turn, so later lookups of the turn join it', async () => {
    const asked: string[][] = [];
    const lookup = new BatchedLookup<string>(async (keys) => {
      asked.push(keys);
      return new Map(keys.map((k) => [k, k]));
    }, 3);
    const a = lookup.get('a');
    const b = new Promise((resolve) =>
      process.nextTick(() => process.nextTick(() => resolve(lookup.get('b')))),
    );
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(asked).toEqual([['a', 'b']]);
  });
});
