/**
 * Many SCCP phones that miss their keepalives at once (the switch in front of them died): each is
 * unregistered with its event, and the log says so in one line with the count and a few examples
 * instead of one warning per phone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const PHONES = 20;

let t: TestNode;
const stations: SccpStation[] = [];

beforeAll(async () => {
  // Keepalives every second: a phone is given up after two intervals and 5 s of grace.
  t = await startTestNode({ config: { keepaliveSeconds: 1 } });
});
afterAll(async () => {
  for (const s of stations) s.destroy();
  await t.destroy();
});

it('folds the warnings of phones that miss their keepalives together into one line with a count', async () => {
  for (let i = 0; i < PHONES; i++) {
    const station = new SccpStation({
      deviceName: `SEP00AB0000B${i.toString(16).padStart(3, '0').toUpperCase()}`,
      deviceType: 8,
    });
    stations.push(station);
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register(5000)).kind).toBe('registered');
  }
  const from = t.logs.length;
  // The phones stay connected but send no keepalives.
  const keepaliveLines = () =>
    t.logs.slice(from).filter((l) => l.level === 40 && String(l.msg).includes('keepalives'));
  const folded = () => keepaliveLines().reduce((n, l) => n + (typeof l.count === 'number' ? l.count : 1), 0);
  await eventually(() => folded() === PHONES, 30_000);
  expect(keepaliveLines().length).toBeLessThanOrEqual(2);
  const summary = keepaliveLines().find((l) => typeof l.count === 'number');
  expect(summary?.msg).toMatch(
    /^\d+ more phones stopped sending keepalives and were unregistered within 10 s, e\.g\. SEP00AB0000B/,
  );
  await t.node.statusWriter.flush();
  const registered = await t.api.get<{ total: number }>('/phones?status=registered&pageSize=1');
  expect(registered.body.total).toBe(0);
}, 60_000);
