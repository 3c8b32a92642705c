/**
 * A flood of connections that break Skinny framing, or of phones that Register twice: the first is
 * logged at once with its address, the rest as one line with the count, not one line each.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const FLOOD = 200;
const PHONES = 10;

let t: TestNode;
const stations: SccpStation[] = [];
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  for (const s of stations) s.destroy();
  await t.destroy();
});

/** Opens a connection, sends a header whose length field no Skinny frame has, and waits for the node to close it. */
function brokenFrame(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(t.node.ports.sccp, '127.0.0.1');
    const header = Buffer.alloc(12);
    header.writeUInt32LE(2, 0);
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(header));
    socket.on('close', () => resolve());
  });
}

const warnings = (from: number, text: string) =>
  t.logs.slice(from).filter((l) => l.level === 40 && String(l.msg).includes(text));
const accounted = (lines: Array<Record<string, unknown>>) =>
  lines.reduce((n, l) => n + (typeof l.count === 'number' ? l.count : 1), 0);

it('logs the first connection with broken framing at once and folds the flood after it into a count', async () => {
  const from = t.logs.length;
  const lines = () => warnings(from, 'SCCP connection');
  await brokenFrame();
  expect(lines()).toEqual([
    expect.objectContaining({
      address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      code: 'length-too-small',
    }),
  ]);
  for (let sent = 1; sent < FLOOD; sent += 20) {
    await Promise.all(Array.from({ length: Math.min(20, FLOOD - sent) }, () => brokenFrame()));
  }
  await eventually(() => accounted(lines()) === FLOOD, 20_000);
  expect(lines()).toHaveLength(2);
  // Every connection came from 127.0.0.1: one example for that address, whatever the count.
  expect(lines()[1]).toMatchObject({ count: FLOOD - 1, examples: [expect.stringMatching(/^127\.0\.0\.1:/)] });
  expect(lines()[1].msg).toMatch(
    /^closed 199 more SCCP connections within 10 s whose peer did not frame Skinny correctly, e\.g\. 127\.0\.0\.1:\d+ \(length-too-small\):/,
  );
}, 60_000);

it('folds the warnings of phones that send a second Register into one line with the count', async () => {
  for (let i = 0; i < PHONES; i++) {
    const station = new SccpStation({
      deviceName: `SEP00AC0000C${i.toString(16).padStart(3, '0').toUpperCase()}`,
      deviceType: 8,
    });
    stations.push(station);
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register(5000)).kind).toBe('registered');
  }
  const from = t.logs.length;
  for (const station of stations) {
    station.send({
      type: 'Register',
      deviceName: 'SEP00AC0000CFFF',
      stationIpAddr: '127.0.0.1',
      deviceType: 8,
    });
  }
  const lines = () => warnings(from, 'second Register');
  await eventually(() => accounted(lines()) === PHONES, 20_000);
  expect(lines()).toHaveLength(2);
  expect(lines()[0]).toMatchObject({
    device: 'SEP00AC0000C000',
    address: expect.stringMatching(/^127\.0\.0\.1:/),
  });
  expect(lines()[1].msg).toMatch(
    /^ignored a second Register on 9 more registered SCCP connections within 10 s, e\.g\. 127\.0\.0\.1:\d+ \(SEP00AC0000C001\)/,
  );
}, 60_000);
