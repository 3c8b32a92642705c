import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { DATABASES } from '../support/databases.js';
import type { TestNode } from '../support/node.js';
import { startTestNode } from '../support/node.js';
import { openucm, storeFlags } from './cli.js';

/**
 * Registers unknown 7940s over SCCP, numbered from `first`, `inFlight` at a time, while `more()`
 * says so; the names acknowledged with RegisterAck.
 */
async function register(
  t: TestNode,
  first: number,
  more: (n: number) => boolean,
  inFlight = 10,
): Promise<string[]> {
  const acknowledged: string[] = [];
  let next = first;
  const worker = async () => {
    while (more(next - first)) {
      const name = `SEP00BD${(next++).toString(16).toUpperCase().padStart(8, '0')}`;
      const station = new SccpStation({ deviceName: name, deviceType: 8 });
      try {
        await station.connect('127.0.0.1', t.node.ports.sccp);
        if ((await station.register()).kind === 'registered') acknowledged.push(name);
      } finally {
        station.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return acknowledged;
}

describe.each(DATABASES)('a backup while phones auto-register on $flavor', ({ create, available }) => {
  it('holds one consistent state: every phone acknowledged before it began, each with its own DN', async (ctx) => {
    if (!(await available())) ctx.skip();
    const source = await startTestNode({ database: await create() });
    const target = await create();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-backup-'));
    const out = path.join(dir, 'during-storm.tar.gz');
    let restored: TestNode | null = null;
    try {
      const range = { startingDn: '10000', endingDn: '99999' };
      expect((await source.api.patch('/nodes/cm1', { autoRegistration: range })).status).toBe(200);
      const before = await register(source, 0, (n) => n < 100);
      expect(before).toHaveLength(100);
      // Phones keep being created (a device, a line and a DN each) from the backup's start to its end.
      let backingUp = true;
      const backup = openucm(['backup', '--out', out, ...storeFlags(source.database)]).finally(
        () => (backingUp = false),
      );
      const during = await register(source, 100_000, () => backingUp);
      const { code, stderr } = await backup;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(during.length).toBeGreaterThan(0);

      expect((await openucm(['restore', out, ...storeFlags(target)])).code).toBe(0);
      restored = await startTestNode({ database: target });
      const phones: { name: string; lines: { dn: string }[] }[] = [];
      for (let page = 1; ; page++) {
        const { items } = (
          await restored.api.get<{ items: typeof phones }>(`/phones?pageSize=1000&page=${page}`)
        ).body;
        if (items.length === 0) break;
        phones.push(...items);
      }
      const names = new Set(phones.map((p) => p.name));
      console.log('RESTORED', phones.length, 'before', before.length, 'during', during.length);
      expect(before.filter((name) => !names.has(name))).toEqual([]);
      // Whole registrations only: no phone without its DN, no DN without its phone, none twice.
      expect(phones.every((p) => p.lines.length === 1)).toBe(true);
      const dns = phones.map((p) => p.lines[0].dn);
      expect(new Set(dns).size).toBe(phones.length);
      const directoryNumbers = (await restored.api.get<{ total: number }>('/directory-numbers?pageSize=1'))
        .body;
      expect(directoryNumbers.total).toBe(phones.length);
    } finally {
      await restored?.destroy();
      if (!restored) await target.drop();
      await source.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
