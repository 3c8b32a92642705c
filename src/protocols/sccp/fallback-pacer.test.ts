import { expect, it } from 'vitest';
import { FallbackPacer, NodeFallbackTokens } from './fallback-pacer.js';

it('grants a second’s worth at once, then books each refused phone a later second at the pace', () => {
  let now = 1_000_000;
  const pacer = new FallbackPacer(10, () => now);
  const answers = Array.from({ length: 40 }, () => pacer.take());
  expect(answers.slice(0, 10).every((a) => a.granted)).toBe(true);
  const waits = answers.slice(10).map((a) => (a.granted ? 0 : a.waitSeconds));
  // 30 refused: told 1, 2 and 3 s, ten of each: they come back at the pace of 10 per second.
  expect(waits.filter((w) => w === 1)).toHaveLength(10);
  expect(waits.filter((w) => w === 2)).toHaveLength(10);
  expect(waits.filter((w) => w === 3)).toHaveLength(10);
  expect(pacer.refused).toBe(30);
  // A second later the bucket holds a second's worth again.
  now += 1000;
  const next = Array.from({ length: 11 }, () => pacer.take());
  expect(next.filter((a) => a.granted)).toHaveLength(10);
  // Booked after the 30 promised before: 3 s away, not 1.
  expect(next[10]).toEqual({ granted: false, waitSeconds: 3 });
});

it('counts and reports each refusal as the fallbackPace limit, naming the phone', async () => {
  const reported: { limit: string; device: string; message: string }[] = [];
  const tokens = new NodeFallbackTokens(1, () => 0, {
    reached: (limit, context, message) => reported.push({ limit, device: context.device, message }),
  });
  expect(await tokens.request('SEP000000000001', '10.0.0.1')).toEqual({ granted: true });
  expect(await tokens.request('SEP000000000002', '10.0.0.2')).toEqual({ granted: false, waitSeconds: 1 });
  expect(reported).toEqual([
    {
      limit: 'fallbackPace',
      device: 'SEP000000000002',
      message: expect.stringContaining('--fallback-pace') as string,
    },
  ]);
});
