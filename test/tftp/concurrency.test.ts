/**
 * Phones fetching the same ~3 MB firmware file at once, blksize 1428, all byte-identical: 100 in
 * the suite (five times the default per-address limit), more with OPENUCM_TFTP_TRANSFERS=200.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIG_NAME, startFixture } from './helpers/fixture.js';
import type { Fixture } from './helpers/fixture.js';
import { sha256, tftpGet, waitFor } from './helpers/udp-client.js';

const TRANSFERS = Number(process.env.OPENUCM_TFTP_TRANSFERS ?? 100);

let fx: Fixture;
beforeAll(async () => {
  // The phones behind one address: the per-address limit (20 by default) is raised as it would be for NAT.
  fx = await startFixture({ maxTransfersPerAddress: TRANSFERS });
});
afterAll(async () => {
  await fx.stop();
});

// 300 MB through loopback: on a machine shared with other test runs this takes minutes, not seconds.
it(`serves ${TRANSFERS} simultaneous transfers of a 3 MB file byte-identical`, async () => {
  const expected = sha256(fx.files[BIG_NAME]);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: TRANSFERS }, () => tftpGet(fx.port, BIG_NAME, { blksize: 1428, tsize: true })),
  );
  const elapsed = Date.now() - started;
  const serverPorts = new Set<number>();
  for (const result of results) {
    expect(result.ok).toBe(true);
    if (!result.ok) continue;
    expect(result.oack?.get('tsize')).toBe(String(fx.files[BIG_NAME].length));
    expect(result.bytes).toBe(fx.files[BIG_NAME].length);
    expect(result.sha256).toBe(expected);
    serverPorts.add(result.serverPort);
  }
  // Each transfer had its own server port (TID).
  expect(serverPorts.size).toBe(TRANSFERS);
  await waitFor(() => fx.server.activeTransfers === 0);
  expect(fx.events.filter((e) => e.type === 'read-completed')).toHaveLength(TRANSFERS);
  expect(fx.events.filter((e) => e.type === 'timed-out')).toEqual([]);
  console.log(`${TRANSFERS} × ${fx.files[BIG_NAME].length} bytes in ${elapsed} ms`);
}, 180_000);
