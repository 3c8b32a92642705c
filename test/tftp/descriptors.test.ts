/**
 * 500 TFTP transfers that are never acknowledged, from 25 addresses at the default per-address limit,
 * against a real node: every socket and file handle they took is given back within the retransmission
 * budget of a client that acknowledges nothing.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodePacket } from '../../src/protocols/tftp/index.js';
import { defaultLimits } from '../../src/limits/index.js';
import { DEFAULT_TIMEOUT_MS } from '../../src/protocols/tftp/transfer.js';
import { FOLD_MS } from '../../src/services/folded-warning.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { HOST, closeSocket, openSocket, tftpGet } from './helpers/udp-client.js';

const ADDRESSES = 25;
const FIRMWARE = 'SCCP41.9-4-2SR3-1S.sbn';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
  fs.writeFileSync(path.join(t.database.dataDir, 'loads', FIRMWARE), randomBytes(256 * 1024));
});
afterAll(async () => {
  await t.destroy();
});

/** The node runs in this process: its descriptors are this process's. */
const openDescriptors = (): number => fs.readdirSync('/proc/self/fd').length;
const logged = (msg: string): number => t.logs.filter((l) => l.msg === msg).length;

it('500 never-acknowledged transfers give their descriptors back', async () => {
  const perAddress = defaultLimits().tftpMaxTransfersPerAddress;
  const port = t.node.ports.tftp!;
  // Warm up what the first transfer opens once (the loads directory, lazily loaded modules).
  expect((await tftpGet(port, FIRMWARE)).ok).toBe(true);
  await eventually(() => logged('TFTP read completed') === 1);
  const baseline = openDescriptors();
  let peak = baseline;

  for (let a = 0; a < ADDRESSES; a++) {
    const sockets = await Promise.all(
      Array.from({ length: perAddress }, () => openSocket(`127.0.0.${a + 2}`)),
    );
    const request = encodePacket({ type: 'rrq', fileName: FIRMWARE, mode: 'octet', options: new Map() });
    await Promise.all(
      sockets.map((s) => new Promise<void>((resolve) => s.send(request, port, HOST, () => resolve()))),
    );
    // The clients go away without a word: nothing will ever acknowledge DATA 1.
    await Promise.all(sockets.map((s) => closeSocket(s)));
    // One address at a time, so that the burst never overflows the request port's receive buffer.
    await eventually(() => logged('TFTP read started') === 1 + (a + 1) * perAddress);
    peak = Math.max(peak, openDescriptors());
  }
  const transfers = ADDRESSES * perAddress;
  await eventually(() => logged('TFTP read started') === 1 + transfers);
  // Each transfer holds its own UDP port and the firmware file open (the first may have ended already).
  expect(peak).toBeGreaterThanOrEqual(baseline + transfers);
  expect(t.node.limits.totals().get('tftpMaxTransfersPerAddress')).toBeUndefined();

  // DATA 1 and one retransmission, each after the 2 s timeout: then every transfer has given up.
  const budget = (1 + defaultLimits().tftpFirstPacketRetransmissions) * DEFAULT_TIMEOUT_MS;
  await eventually(() => openDescriptors() <= baseline, budget + 10_000);
  // Each timed-out transfer is logged: the first of each burst at once with its detail, the rest
  // of the burst folded into one line with their count when the fold interval ends.
  const written = () => t.logs.filter((l) => String(l.msg).startsWith('TFTP read timed out'));
  const folded = () => t.logs.filter((l) => /^\d+ more TFTP reads? timed out/.test(String(l.msg)));
  const timedOut = () => written().length + folded().reduce((sum, l) => sum + Number(l.count), 0);
  await eventually(() => timedOut() === transfers, FOLD_MS + 10_000);
  expect(written().length).toBeLessThan(transfers / 10);
  // None of those possibly forged peers got more than DATA 1 and one retransmission.
  expect(written().every((l) => String(l.msg).includes('no ACK 1 after 1 retransmissions'))).toBe(true);
});
