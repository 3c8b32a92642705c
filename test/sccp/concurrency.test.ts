import { describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { DATABASES } from '../support/databases.js';
import { startTestNode } from '../support/node.js';

const PHONES = 1000;

describe.each(DATABASES)('1,000 unknown phones registering at once on $flavor', ({ create, available }) => {
  it('all get a DN, and no two get the same one', async (ctx) => {
    if (!(await available())) ctx.skip();
    const t = await startTestNode({ database: await create() });
    const stations = Array.from(
      { length: PHONES },
      (_, i) =>
        new SccpStation({
          deviceName: `SEP00CC${i.toString(16).toUpperCase().padStart(8, '0')}`,
          deviceType: 8,
        }),
    );
    try {
      await Promise.all(stations.map((s) => s.connect('127.0.0.1', t.node.ports.sccp)));
      const outcomes = await Promise.all(stations.map((s) => s.register()));
      expect(outcomes.filter((o) => o.kind !== 'registered')).toEqual([]);
      const lines = await Promise.all(stations.map(async (s) => (await s.startup()).lines));
      const dns = lines.map((l) => l[0]?.dn);
      expect(new Set(dns).size).toBe(PHONES);
      // The lowest numbers of the range, none skipped.
      expect([...dns].sort()).toEqual(Array.from({ length: PHONES }, (_, i) => String(1000 + i)));
      const registered = await t.api.get<{ total: number }>('/phones?status=registered&pageSize=1');
      expect(registered.body.total).toBe(PHONES);
    } finally {
      for (const s of stations) s.destroy();
      await t.destroy();
    }
  });
});
