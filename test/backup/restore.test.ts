import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, DATABASES, postgresAvailable } from '../support/databases.js';
import type { TestNode } from '../support/node.js';
import { startTestNode } from '../support/node.js';
import { openucm, storeFlags } from './cli.js';

const phone = (name: string, dn: string) => ({
  name,
  model: '7940',
  protocol: 'SCCP',
  description: name,
  lines: [{ index: 1, dn }],
});
const names = async (t: TestNode) =>
  (await t.api.get<{ items: { name: string }[] }>('/phones?pageSize=100&sort=name')).body.items.map(
    (p) => p.name,
  );

describe.each(DATABASES)('restore over an existing store on $flavor', ({ create, available }) => {
  let t: TestNode;
  let dir: string;
  let out: string;

  beforeEach(async (ctx) => {
    if (!(await available())) ctx.skip();
    t = await startTestNode({ database: await create() });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-backup-'));
    out = path.join(dir, 'backup.tar.gz');
    expect((await t.api.post('/phones', phone('SEP00BB00000001', '2001'))).status).toBe(201);
    expect((await openucm(['backup', '--out', out, ...storeFlags(t.database)])).code).toBe(0);
    // Changed after the backup: a restore must take these away again.
    expect((await t.api.post('/phones', phone('SEP00BB00000002', '2002'))).status).toBe(201);
  });
  afterEach(async () => {
    await t?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses while the node runs (exit 3, naming it and --force) and changes nothing', async () => {
    const refused = await openucm(['restore', out, ...storeFlags(t.database)]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/node cm1 \(heartbeat \d+ s ago\) is running on this store/);
    expect(refused.stderr).toContain('--force');
    expect(await names(t)).toEqual(['SEP00BB00000001', 'SEP00BB00000002']);
  });

  it('once the node has stopped, takes the store back to the backup', async () => {
    await t.stop();
    const restored = await openucm(['restore', out, ...storeFlags(t.database)]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    t = await startTestNode({ database: t.database });
    expect(await names(t)).toEqual(['SEP00BB00000001']);
    expect((await t.api.get<{ items: unknown[] }>('/directory-numbers')).body.items).toEqual([
      expect.objectContaining({ dn: '2001', deviceName: 'SEP00BB00000001' }),
    ]);
  });

  it('with --force overwrites the store of a running node, and says to restart it', async () => {
    const forced = await openucm(['restore', out, '--force', ...storeFlags(t.database)]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('restart now the node(s) that were running on it: cm1');
    await t.stop();
    t = await startTestNode({ database: t.database });
    expect(await names(t)).toEqual(['SEP00BB00000001']);
  });
});

describe('archives that are not whole', () => {
  let t: TestNode;
  let dir: string;
  let out: string;

  beforeEach(async () => {
    t = await startTestNode();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-backup-'));
    out = path.join(dir, 'backup.tar.gz');
    expect((await t.api.post('/phones', phone('SEP00BC00000001', '2001'))).status).toBe(201);
    expect((await openucm(['backup', '--out', out, ...storeFlags(t.database)])).code).toBe(0);
    expect((await t.api.post('/phones', phone('SEP00BC00000002', '2002'))).status).toBe(201);
    await t.stop();
  });
  afterEach(async () => {
    await t.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const restoreLeavesStoreAlone = async (archive: string, message: RegExp) => {
    const r = await openucm(['restore', archive, ...storeFlags(t.database)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    t = await startTestNode({ database: t.database });
    expect(await names(t)).toEqual(['SEP00BC00000001', 'SEP00BC00000002']);
  };

  it('refuses an archive cut short, and changes nothing', async () => {
    const cut = path.join(dir, 'cut.tar.gz');
    fs.writeFileSync(cut, fs.readFileSync(out).subarray(0, Math.floor(fs.statSync(out).size / 2)));
    await restoreLeavesStoreAlone(cut, /tar --list failed/);
  });

  it('refuses an archive whose database differs from its manifest, and changes nothing', async () => {
    const unpacked = path.join(dir, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', out, '-C', unpacked]);
    fs.appendFileSync(path.join(unpacked, 'database', 'openucm.sqlite'), Buffer.alloc(4096));
    const tampered = path.join(dir, 'tampered.tar.gz');
    execFileSync('tar', ['-czf', tampered, '-C', unpacked, 'manifest.json', 'database/openucm.sqlite']);
    await restoreLeavesStoreAlone(tampered, /is damaged: database\/openucm\.sqlite has \d+ bytes/);
  });

  it('refuses a SQLite backup for a PostgreSQL store, saying how to restore it', async (ctx) => {
    if (!(await postgresAvailable())) ctx.skip();
    const postgres = await createPostgresDatabase();
    try {
      const r = await openucm(['restore', out, ...storeFlags(postgres)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'is a backup of a SQLite store: restore it into a data directory (--data-dir)',
      );
    } finally {
      await postgres.drop();
    }
    t = await startTestNode({ database: t.database });
  });
});
