import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, statusPayloads } from './channels.js';

describe('statusPayloads', () => {
  it('names every device once, in payloads under the budget', () => {
    const names = Array.from(
      { length: 1000 },
      (_, i) => `SEP${i.toString(16).toUpperCase().padStart(12, '0')}`,
    );
    const payloads = statusPayloads('cm1', names);
    expect(payloads.length).toBe(3);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const parsed = payloads.map((p) => JSON.parse(p) as { from: string; names: string[] });
    expect(parsed.flatMap((p) => p.names)).toEqual(names);
    expect(parsed.every((p) => p.from === 'cm1')).toBe(true);
  });

  it('sends nothing for no names, and keeps long names under the budget too', () => {
    expect(statusPayloads(null, [])).toEqual([]);
    const long = Array.from({ length: 40 }, (_, i) => `${'x'.repeat(500)}${i}`);
    for (const p of statusPayloads(null, long))
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });
});
