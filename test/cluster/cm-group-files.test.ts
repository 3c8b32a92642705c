/**
 * Issue #16: a phone's configuration file lists its device pool's Unified CM Group, in priority
 * order, byte for byte the same whichever node renders it (cluster.md §1.2); nodes that are not
 * running drop out, and with none left the rendering node is listed and the log says why.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, createSqliteDatabase, postgresAvailable } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const MAC = '00AA11BB22CC';

async function file(t: TestNode, name: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${t.node.ports.provisioningHttp}/${name}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The call managers a file lists: [name, priority, SCCP port]. */
function members(doc: { members: { member: unknown } }): [string, string, number][] {
  return (
    [] as { '@_priority': string; callManager: { name: string; ports: { ethernetPhonePort: number } } }[]
  )
    .concat(doc.members.member as never)
    .map((m) => [m.callManager.name, m['@_priority'], m.callManager.ports.ethernetPhonePort]);
}

describe('configuration files from Unified CM Groups, two nodes sharing PostgreSQL', () => {
  it('list the pool’s group in priority order, identical from both nodes, without the stopped node', async (ctx) => {
    if (!(await postgresAvailable())) ctx.skip();
    const database = await createPostgresDatabase();
    const config = { provisioningCacheSeconds: 0 };
    const cm1 = await startTestNode({ database, config: { ...config, nodeName: 'cm1' } });
    const cm2 = await startTestNode({ database, config: { ...config, nodeName: 'cm2' } });
    let cm2Running = true;
    try {
      const group = await cm1.api.post('/cm-groups', { name: 'East', members: ['cm2', 'cm1'] });
      expect(group.status).toBe(201);
      expect((await cm2.api.post('/device-pools', { name: 'East pool', cmGroup: 'East' })).status).toBe(201);
      const phone = await cm1.api.post('/phones', {
        name: `SEP${MAC}`,
        model: '7962',
        protocol: 'SCCP',
        lines: [{ index: 1, dn: '4100' }],
        devicePool: 'East pool',
      });
      expect(phone.status).toBe(201);
      expect((phone.body as { devicePool: string }).devicePool).toBe('East pool');

      const fromCm1 = await file(cm1, `SEP${MAC}.cnf.xml`);
      const fromCm2 = await file(cm2, `SEP${MAC}.cnf.xml`);
      expect(fromCm2).toBe(fromCm1);
      const pool = xml.parse(fromCm1).device.devicePool;
      expect(pool.name).toBe('East pool');
      expect(members(pool.callManagerGroup)).toEqual([
        ['cm2', '0', cm2.node.ports.sccp],
        ['cm1', '1', cm1.node.ports.sccp],
      ]);
      // Unknown phones: the auto-registration group (Default: the nodes in the order they first started).
      const default1 = await file(cm1, 'XMLDefault.cnf.xml');
      expect(await file(cm2, 'XMLDefault.cnf.xml')).toBe(default1);
      expect(members(xml.parse(default1).Default.callManagerGroup).map(([name]) => name)).toEqual([
        'cm1',
        'cm2',
      ]);

      await cm2.stop();
      cm2Running = false;
      const after = xml.parse(await file(cm1, `SEP${MAC}.cnf.xml`)).device.devicePool;
      expect(members(after.callManagerGroup)).toEqual([['cm1', '0', cm1.node.ports.sccp]]);
    } finally {
      if (cm2Running) await cm2.stop();
      await cm1.destroy();
    }
  });
});

describe('configuration files when no member of the group runs', () => {
  it('list the rendering node and say so in the log, once', async () => {
    const t = await startTestNode({
      database: await createSqliteDatabase(),
      config: { provisioningCacheSeconds: 0 },
    });
    try {
      // cm9 is known (it started once, long ago) but has no fresh heartbeat.
      await t.node.store.nodes.ensure(
        'cm9',
        { enabled: false, startingDn: '9000', endingDn: '9099' },
        new Date(),
      );
      await t.node.store.nodes.announce('cm9', { address: '127.0.0.9', sccpPort: 2000, sipPort: 5060 });
      expect((await t.api.post('/cm-groups', { name: 'Far', members: ['cm9'] })).status).toBe(201);
      expect((await t.api.post('/device-pools', { name: 'Far', cmGroup: 'Far' })).status).toBe(201);
      expect(
        (
          await t.api.post('/phones', {
            name: `SEP${MAC}`,
            model: '7940',
            protocol: 'SCCP',
            devicePool: 'Far',
          })
        ).status,
      ).toBe(201);
      for (let i = 0; i < 3; i++) {
        const pool = xml.parse(await file(t, `SEP${MAC}.cnf.xml`)).device.devicePool;
        expect(members(pool.callManagerGroup)).toEqual([[t.node.config.nodeName, '0', t.node.ports.sccp]]);
      }
      const warnings = await eventually(() => {
        const found = t.logs.filter((l) => String(l.msg).startsWith('Cisco Unified CM Group Far:'));
        return found.length > 0 ? found : null;
      });
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toContain('none of its members (cm9) is running');
    } finally {
      await t.destroy();
    }
  });
});
