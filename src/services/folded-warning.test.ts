import pino from 'pino';
import { expect, it } from 'vitest';
import { FOLD_MS, FoldedWarning, FoldedWarnings, more } from './folded-warning.js';

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

it('names one example per source, so that one address flooding does not hide the others', () => {
  const { lines, logger } = capture();
  let now = 0;
  const folded = new FoldedWarning({
    logger,
    now: () => now,
    summary: (count, examples) => `${count} more: ${examples.join(', ')}`,
  });
  folded.warn({}, 'first', 'x');
  for (let i = 0; i < 500; i++) folded.warn({}, 'flood', `10.0.0.1 "${i}"`, '10.0.0.1');
  folded.warn({}, 'phone', '10.0.0.7 "SEP1"', '10.0.0.7');
  now = FOLD_MS;
  folded.flush();
  expect(lines[1]).toMatchObject({ msg: '501 more: 10.0.0.1 "0", 10.0.0.7 "SEP1"', count: 501 });
});

it('folds each kind of a component apart and flushes them all at once', () => {
  const { lines, logger } = capture();
  const warnings = new FoldedWarnings(logger, () => 0, {
    malformed: (count) => `${more(count, 'malformed datagram')}`,
    refused: (count) => `${more(count, 'refused name')}`,
  });
  for (let i = 0; i < 3; i++) warnings.warn('malformed', {}, 'malformed', 'a');
  warnings.warn('refused', {}, 'refused', 'b');
  warnings.warn('refused', {}, 'refused', 'b');
  warnings.flush();
  expect(lines.map((l) => l.msg)).toEqual([
    'malformed',
    'refused',
    '2 more malformed datagrams',
    '1 more refused name',
  ]);
});
