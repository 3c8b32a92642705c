import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { DATABASES } from '../support/databases.js';
import { uploadFirmware } from '../support/firmware.js';
import type { TestNode } from '../support/node.js';
import { apiClient, startTestNode } from '../support/node.js';
import { openucm, storeFlags } from './cli.js';

/** What an administrator sees of a node: the state a restore must bring back. */
async function snapshot(t: TestNode) {
  const phones = (await t.api.get<{ items: unknown[] }>('/phones?pageSize=100&sort=name')).body.items.map(
    (p) => {
      const { name, model, protocol, description, lines, loadId } = p as Record<string, unknown>;
      return { name, model, protocol, description, lines, loadId };
    },
  );
  return {
    phones,
    directoryNumbers: (await t.api.get('/directory-numbers')).body,
    users: (await t.api.get<{ name: string; role: string }[]>('/users')).body.map(({ name, role }) => ({
      name,
      role,
    })),
    parameters: (await t.api.get('/enterprise-parameters')).body,
    nodes: (await t.api.get<{ name: string; autoRegistration: unknown }[]>('/nodes')).body.map((n) => ({
      name: n.name,
      autoRegistration: n.autoRegistration,
    })),
    adminSettings: (await t.api.get('/admin-settings')).body,
    deviceDefaults: (await t.api.get('/device-defaults')).body,
    loads: (
      await t.api.get<{ loadId: string; files: { file: string; size: number }[] }[]>('/firmware-loads')
    ).body.map((l) => ({ loadId: l.loadId, files: l.files.map(({ file, size }) => ({ file, size })) })),
  };
}

describe.each(DATABASES)('backup and restore on $flavor', ({ create, available }) => {
  it('a backup made while the node runs restores into a fresh node: phones, DNs, users, settings and loads', async (ctx) => {
    if (!(await available())) ctx.skip();
    const source = await startTestNode({ database: await create() });
    const target = await create();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-backup-')), 'cm1.tar.gz');
    const image = randomBytes(300 * 1024);
    let restored: TestNode | null = null;
    try {
      // An auto-registered phone, one added by hand with a shared line, and the settings around them.
      const station = new SccpStation({ deviceName: 'SEP00BA00000001', deviceType: 8 });
      await station.connect('127.0.0.1', source.node.ports.sccp);
      expect((await station.register()).kind).toBe('registered');
      station.destroy();
      expect(
        (
          await source.api.post('/phones', {
            name: 'SEP00BA00000002',
            model: '7960',
            protocol: 'SIP',
            description: 'Lobby',
            lines: [
              { index: 1, dn: '2001' },
              { index: 2, dn: '1000' },
            ],
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await source.api.post('/users', {
            name: 'operator',
            role: 'read-only',
            password: 'Operator-pass-1',
          })
        ).status,
      ).toBe(201);
      expect(
        (await source.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' })).status,
      ).toBe(200);
      expect(
        (await source.api.patch('/nodes/cm1', { autoRegistration: { startingDn: '1000', endingDn: '1499' } }))
          .status,
      ).toBe(200);
      expect((await source.api.patch('/admin-settings', { autoRegistrationWarningDays: 3 })).status).toBe(
        200,
      );
      expect((await source.api.patch('/device-defaults/7940/SCCP', { loadId: 'P00308010200' })).status).toBe(
        200,
      );
      const upload = await uploadFirmware(source.node.ports.http, {
        'P00308010200.bin': image,
        'P00308010200.loads': Buffer.from('P00308010200.bin\n'),
      });
      expect(upload.status).toBe(201);
      const before = await snapshot(source);

      const backup = await openucm(['backup', '--out', out, ...storeFlags(source.database)]);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain('2 phones, 2 DNs, 2 users, 2 firmware files');
      // It holds password hashes: readable by its owner only.
      expect(fs.statSync(out).mode & 0o077).toBe(0);

      const restore = await openucm(['restore', out, ...storeFlags(target)]);
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      restored = await startTestNode({ database: target });
      expect(await snapshot(restored)).toEqual(before);
      // The restored user signs in with the password it had; phones download the restored load.
      expect(
        (await apiClient(restored.node.ports.http, 'operator', 'Operator-pass-1').get('/phones')).status,
      ).toBe(200);
      const served = await fetch(`http://127.0.0.1:${restored.node.ports.provisioningHttp}/P00308010200.bin`);
      expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);
    } finally {
      await restored?.destroy();
      if (!restored) await target.drop();
      await source.destroy();
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});
