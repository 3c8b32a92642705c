import pino from 'pino';
import { expect, it } from 'vitest';
import { FoldedWarning } from './folded-warning.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

it('writes the first of a burst at once and folds the rest into one line with a count and examples', () => {
  const { lines, logger } = capture();
  let now = 0;
  const folded = new FoldedWarning({
    logger,
    intervalMs: 10_000,
    now: () => now,
    summary: (count, examples) => `${count} more: ${examples.join(', ')}`,
  });
  for (let i = 1; i <= 1000; i++) folded.warn({ device: `P${i}` }, `P${i} went silent`, `P${i}`);
  expect(lines.map((l) => l.msg)).toEqual(['P1 went silent']);
  now = 10_000;
  folded.flush();
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatchObject({ msg: '999 more: P2, P3, P4, P5, P6', count: 999 });
  // A quiet spell later, the next one is written at once again; nothing was left to fold.
  now = 30_000;
  folded.warn({ device: 'Q' }, 'Q went silent', 'Q');
  folded.flush();
  expect(lines.map((l) => l.msg).slice(2)).toEqual(['Q went silent']);
});
