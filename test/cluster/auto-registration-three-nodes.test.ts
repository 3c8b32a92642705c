/**
 * Issue #16: unknown phones auto-registering through three nodes that share one PostgreSQL database
 * and one auto-registration range: every phone gets a DN, no DN is given twice, all come from the
 * range, and every node's API counts them all. OPENUCM_CLUSTER_STORM_PHONES sets how many (600 by
 * default, as the suite runs it; 3000 for the full figure).
 */
import { expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const PHONES = Number(process.env.OPENUCM_CLUSTER_STORM_PHONES ?? 600);
const RANGE = { startingDn: '50000', endingDn: '59999' };

it(`${PHONES} unknown phones through three nodes on one range get ${PHONES} different DNs`, async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const database = await createPostgresDatabase();
  const nodes: TestNode[] = [];
  const stations: SccpStation[] = [];
  try {
    for (const name of ['cm1', 'cm2', 'cm3'])
      nodes.push(await startTestNode({ database, config: { nodeName: name } }));
    for (const [i, t] of nodes.entries())
      expect((await t.api.patch(`/nodes/cm${i + 1}`, { autoRegistration: RANGE })).status).toBe(200);

    for (let i = 0; i < PHONES; i++)
      stations.push(
        new SccpStation({
          deviceName: `SEP00CD${i.toString(16).toUpperCase().padStart(8, '0')}`,
          deviceType: 8,
        }),
      );
    // Phone i powers on towards node i mod 3, all at once, 300 phones per source address (a node
    // takes 1000 connections from one address by default).
    await Promise.all(
      stations.map((s, i) =>
        s.connect('127.0.0.1', nodes[i % 3].node.ports.sccp, `127.2.${Math.floor(i / 300)}.1`),
      ),
    );
    const outcomes = await Promise.all(stations.map((s) => s.register(30_000)));
    expect(outcomes.filter((o) => o.kind !== 'registered').slice(0, 3)).toEqual([]);
    const dns = await Promise.all(stations.map(async (s) => (await s.startup()).lines[0]?.dn));
    expect(dns.filter((dn) => dn === undefined)).toEqual([]);
    expect(new Set(dns).size).toBe(PHONES);
    expect(dns.filter((dn) => !dn || dn < RANGE.startingDn || dn > RANGE.endingDn)).toEqual([]);
    for (const t of nodes) {
      const phones = await t.api.get<{ total: number }>('/phones?pageSize=1');
      expect(phones.body.total).toBe(PHONES);
    }
  } finally {
    for (const s of stations) s.destroy();
    for (const t of nodes.slice(1)) await t.stop();
    await nodes[0]?.destroy();
  }
}, 300_000);
