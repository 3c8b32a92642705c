/**
 * A flood of bad TFTP requests from one address costs a few log lines with the count, not one line
 * each; a single bad request is still written at once with its address.
 */
import { afterEach, expect, it } from 'vitest';
import { encodePacket } from '../../src/protocols/tftp/index.js';
import { startFixture } from './helpers/fixture.js';
import type { Fixture } from './helpers/fixture.js';
import { HOST, closeSocket, openSocket, waitFor } from './helpers/udp-client.js';

const FLOOD = 200;
const WARN = 40;

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

/** Sends `datagrams` from one client port and waits for an answer to each. */
async function send(port: number, datagrams: Buffer[]): Promise<void> {
  const socket = await openSocket();
  let answers = 0;
  socket.on('message', () => answers++);
  for (const datagram of datagrams) socket.send(datagram, port, HOST);
  await waitFor(() => answers >= datagrams.length, 10_000);
  await closeSocket(socket);
}

const warnings = (f: Fixture, text: RegExp) =>
  f.logs.filter((l) => (l.level as number) >= WARN && text.test(String(l.msg)));
/** How many bad requests the lines account for: one each, or the count a folded line carries. */
const accounted = (lines: Array<Record<string, unknown>>) =>
  lines.reduce((n, l) => n + (typeof l.count === 'number' ? l.count : 1), 0);

it('writes a single malformed datagram at once, with the address it came from', async () => {
  fx = await startFixture();
  await send(fx.port, [Buffer.from([0, 99, 1, 2, 3])]);
  const lines = warnings(fx, /malformed/);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    peer: { address: '127.0.0.1' },
    detail: expect.stringContaining('opcode'),
  });
});

it('folds 200 malformed datagrams from one address into two lines with the count', async () => {
  // Every datagram within the error-answer budget, so that each one is answered and reported.
  fx = await startFixture({ errorRepliesPerSecond: 10_000 });
  await send(
    fx.port,
    Array.from({ length: FLOOD }, () => encodePacket({ type: 'ack', block: 7 })),
  );
  await fx.server.stop();
  const lines = warnings(fx, /malformed/);
  expect(lines).toHaveLength(2);
  expect(accounted(lines)).toBe(FLOOD);
  expect(lines[1].msg).toMatch(
    /^199 more malformed or unexpected TFTP datagrams within 10 s, .* from 127\.0\.0\.1 \(ACK block 7 sent to the request port/,
  );
  // The events (what the provisioning log and its counts are made of) are still one per datagram.
  expect(fx.events.filter((e) => e.type === 'malformed')).toHaveLength(FLOOD);
});

it('folds 200 read requests for names outside the served files, naming the address and a name', async () => {
  fx = await startFixture({ errorRepliesPerSecond: 10_000 });
  const rrq = (i: number) =>
    encodePacket({ type: 'rrq', fileName: `../etc/passwd${i}`, mode: 'octet', options: new Map() });
  await send(
    fx.port,
    Array.from({ length: FLOOD }, (_, i) => rrq(i)),
  );
  await fx.server.stop();
  const lines = warnings(fx, /outside the served files|name refused/);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ peer: { address: '127.0.0.1' }, file: '../etc/passwd0' });
  expect(accounted(lines)).toBe(FLOOD);
  expect(lines[1]).toMatchObject({ examples: ['127.0.0.1 (../etc/passwd1)'] });
});
