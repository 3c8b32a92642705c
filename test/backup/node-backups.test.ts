import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import type { TestNode } from '../support/node.js';
import { apiClient, eventually, startTestNode } from '../support/node.js';

interface BackupRecord {
  trigger: string;
  node: string;
  startedAt: string;
  outcome: string;
  file: string | null;
  bytes: number | null;
  message: string;
}
interface BackupStatus {
  schedule: { enabled: boolean; intervalHours: number; directory: string; keep: number; node: string };
  last: BackupRecord | null;
  running: boolean;
  nextAt: string | null;
  archives: { file: string; bytes: number; modifiedAt: string }[];
}

describe.each(DATABASES)('backups run by the node on $flavor', ({ create, available }) => {
  let t: TestNode;
  let dir: string;
  beforeEach(async (ctx) => {
    if (!(await available())) ctx.skip();
    t = await startTestNode({ database: await create() });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-backups-'));
  });
  afterEach(async () => {
    await t?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('"back up now" writes an archive into the directory and shows it as the last backup', async () => {
    expect((await t.api.patch('/backups/schedule', { directory: dir })).status).toBe(200);
    const r = await t.api.post<BackupRecord>('/backups');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ trigger: 'manual', node: 'cm1', outcome: 'succeeded' });
    expect(path.dirname(r.body.file!)).toBe(dir);
    expect(fs.statSync(r.body.file!).size).toBe(r.body.bytes);
    expect(execFileSync('tar', ['-tzf', r.body.file!], { encoding: 'utf8' })).toContain('manifest.json');
    const status = (await t.api.get<BackupStatus>('/backups')).body;
    expect(status.last).toEqual(r.body);
    expect(status.archives.map((a) => a.file)).toEqual([path.basename(r.body.file!)]);
  });
});

describe('the scheduled backup', () => {
  let t: TestNode;
  let dir: string;
  beforeEach(async () => {
    t = await startTestNode();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-backups-'));
  });
  afterEach(async () => {
    await t.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs once enabled, keeps the newest archives, and after a restart waits for the interval', async () => {
    // Archives of earlier days, and a file of someone else's that retention must leave alone.
    for (const day of ['01', '02', '03']) {
      const file = path.join(dir, `openucm-backup-cm1-2026-12-${day}T02-00-00-000Z.tar.gz`);
      fs.writeFileSync(file, 'old');
      fs.utimesSync(file, new Date(`2026-12-${day}T02:00:00Z`), new Date(`2026-12-${day}T02:00:00Z`));
    }
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    const saved = await t.api.patch('/backups/schedule', {
      enabled: true,
      intervalHours: 24,
      keep: 2,
      directory: dir,
    });
    expect(saved.status).toBe(200);
    const last = await eventually(async () => (await t.api.get<BackupStatus>('/backups')).body.last, 30_000);
    expect(last).toMatchObject({ trigger: 'scheduled', outcome: 'succeeded' });
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['notes.txt', 'openucm-backup-cm1-2026-12-03T02-00-00-000Z.tar.gz', path.basename(last.file!)].sort(),
    );

    await t.stop();
    t = await startTestNode({ database: t.database });
    const status = (await t.api.get<BackupStatus>('/backups')).body;
    expect(status.schedule).toMatchObject({ enabled: true, keep: 2, directory: dir, node: 'cm1' });
    expect(status.last).toEqual(last);
    expect(status.nextAt).toBe(new Date(Date.parse(last.startedAt) + 24 * 3600_000).toISOString());
  });

  it('a node that starts with its scheduled backup overdue runs it at once', async () => {
    expect(
      (await t.api.patch('/backups/schedule', { enabled: true, intervalHours: 24, directory: dir })).status,
    ).toBe(200);
    const first = await eventually(async () => (await t.api.get<BackupStatus>('/backups')).body.last, 30_000);
    // As if the node had been down for two days since.
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000).toISOString();
    await t.node.store.adminSettings.set('lastBackup', JSON.stringify({ ...first, startedAt: twoDaysAgo }));
    await t.stop();
    t = await startTestNode({ database: t.database });
    const next = await eventually(async () => {
      const last = (await t.api.get<BackupStatus>('/backups')).body.last;
      return last && last.startedAt !== twoDaysAgo ? last : null;
    }, 30_000);
    expect(next).toMatchObject({ trigger: 'scheduled', outcome: 'succeeded' });
  });

  it('refuses a directory it cannot write, and reports a backup that fails with why', async () => {
    const refused = await t.api.patch<{ field: string; message: string }>('/backups/schedule', {
      directory: '/dev/null/backups',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe('directory');
    expect(refused.body.message).toContain('cannot be written');
    expect(
      (await t.api.patch<{ field: string }>('/backups/schedule', { directory: 'relative/dir' })).body.field,
    ).toBe('directory');

    const gone = path.join(dir, 'gone');
    expect((await t.api.patch('/backups/schedule', { directory: gone })).status).toBe(200);
    fs.rmSync(gone, { recursive: true });
    fs.writeFileSync(gone, 'a file where the directory was');
    const failed = await t.api.post<{ error: string; message: string }>('/backups');
    expect(failed.status).toBe(500);
    expect(failed.body.error).toBe('backup-failed');
    expect(failed.body.message).toContain(`the backup into ${gone} failed`);
    expect((await t.api.get<BackupStatus>('/backups')).body.last).toMatchObject({
      outcome: 'failed',
      file: null,
    });
  });

  it('a read-only user sees the backups but cannot start one', async () => {
    await t.api.post('/users', { name: 'viewer', role: 'read-only', password: 'Viewer-pass-1' });
    const viewer = apiClient(t.node.ports.http, 'viewer', 'Viewer-pass-1');
    expect((await viewer.get('/backups')).status).toBe(200);
    expect((await viewer.post('/backups')).status).toBe(403);
  });
});
