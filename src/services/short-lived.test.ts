import { describe, expect, it } from 'vitest';
import { ShortLived } from './short-lived.js';

describe('ShortLived', () => {
  it('works a value out once for every caller within its time, including those who ask meanwhile', async () => {
    const value = new ShortLived<number>(1000);
    let made = 0;
    const make = async () => ++made;
    const together = await Promise.all([value.get(0, make), value.get(0, make), value.get(999, make)]);
    expect(together).toEqual([1, 1, 1]);
    expect(await value.get(1000, make)).toBe(2);
    value.drop();
    expect(await value.get(1001, make)).toBe(3);
  });

  it('keeps no failure, and with a time of 0 keeps nothing', async () => {
    const value = new ShortLived<number>(1000);
    await expect(value.get(0, () => Promise.reject(new Error('database down')))).rejects.toThrow('down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await value.get(1, async () => 7)).toBe(7);
    const never = new ShortLived<number>(0);
    let made = 0;
    await never.get(0, async () => ++made);
    await never.get(0, async () => ++made);
    expect(made).toBe(2);
  });
});
