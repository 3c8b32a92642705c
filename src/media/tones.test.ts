import { describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from './g711.js';
import { heardTones, toneFrame } from './tones.js';

const frames = (count: number, make: (from: number) => Int16Array) =>
  Int16Array.from(Array.from({ length: count }, (_, n) => [...make(n * 160)]).flat());

describe('test tones', () => {
  it('hears the tones a stream carries through G.711, and no other of the set', () => {
    const mix = frames(10, (from) => {
      const a = toneFrame(500, from);
      const b = toneFrame(1200, from);
      return decodeG711(
        encodeG711(
          a.map((s, i) => s + b[i]),
          'alaw',
        ),
        'alaw',
      );
    });
    expect(heardTones(mix, [500, 800, 1200])).toEqual([500, 1200]);
  });

  it('hears nothing in silence', () => {
    expect(heardTones(new Int16Array(1600), [500, 800, 1200])).toEqual([]);
    expect(heardTones([], [500])).toEqual([]);
  });
});
