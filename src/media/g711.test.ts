import { describe, expect, it } from 'vitest';
import { alawToLinear, decodeG711, encodeG711, linearToAlaw, linearToUlaw, ulawToLinear } from './g711.js';

describe('G.711', () => {
  it('encodes the known values of the Recommendation', () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
    expect(linearToUlaw(-1)).toBe(0x7f);
  });

  it('decodes the end points and silence', () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
  });

  it('decodes every code to a value that encodes back to the same code', () => {
    for (let code = 0; code < 256; code++) {
      // µ-law has two zeros (0x7f and 0xff): −0 encodes as +0.
      if (code !== 0x7f) expect(linearToUlaw(ulawToLinear(code))).toBe(code);
      expect(linearToAlaw(alawToLinear(code))).toBe(code);
    }
  });

  it('round-trips linear audio within the quantisation step of its segment', () => {
    const samples = Int16Array.from({ length: 2000 }, (_, i) => Math.round(Math.sin(i / 7) * 20000));
    for (const law of ['ulaw', 'alaw'] as const) {
      const back = decodeG711(encodeG711(samples, law), law);
      for (let i = 0; i < samples.length; i++)
        expect(Math.abs(back[i] - samples[i])).toBeLessThanOrEqual(Math.abs(samples[i]) / 16 + 16);
    }
  });
});
