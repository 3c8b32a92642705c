import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { startChildNode } from '../support/child-node.js';
import { apiClient } from '../support/node.js';

const root = path.resolve(import.meta.dirname, '../..');

it('openucm start logs the actual ports, serves phones and the API, and stops cleanly on SIGTERM', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-cli-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      'start',
      '--bind',
      '127.0.0.1',
      '--http-port',
      '0',
      '--sccp-port',
      '0',
      '--sip-port',
      '0',
      '--tftp-port',
      '0',
      '--provisioning-http-port',
      '0',
      '--data-dir',
      dataDir,
      ...['--http-mode', 'serve'],
    ],
    {
      cwd: root,
      env: { ...process.env, OPENUCM_ADMIN_PASSWORD: 'cli-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  const listening = new Promise<{ http: number; sccp: number }>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === 'listening') resolve(entry.ports as { http: number; sccp: number });
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  try {
    const ports = await listening;
    expect(ports.http).toBeGreaterThan(0);
    expect(ports.sccp).toBeGreaterThan(0);
    const station = new SccpStation({ deviceName: 'SEP00EE00000001', deviceType: 8 });
    await station.connect('127.0.0.1', ports.sccp);
    expect((await station.register()).kind).toBe('registered');
    const api = apiClient(ports.http, 'CCMAdministrator', 'cli-secret');
    expect((await api.get<{ status: string }>('/phones/SEP00EE00000001')).body.status).toBe('registered');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(station.isClosed || (await station.next('KeepAliveAck', 2000)) === null).toBe(true);
    expect(lines.map((l) => l.msg)).toContain('stopped');
    expect(fs.existsSync(path.join(dataDir, 'openucm.sqlite'))).toBe(true);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

it('refuses a bad flag value with a message naming the flag', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'start', '--http-port', 'eighty'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('--http-port / OPENUCM_HTTP_PORT');
});

it('writes the "listening" line with the ports whatever --log-level says', async () => {
  const node = await startChildNode(['--log-level', 'warn', '--sccp-workers', '0']);
  try {
    expect(node.ports.sip).toBeGreaterThan(0);
    const listening = node.logs.filter((l) => l.msg === 'listening');
    expect(listening).toHaveLength(1);
    // Nothing else below warn was written.
    expect(node.logs.filter((l) => l.msg !== 'listening').every((l) => (l.level as number) >= 40)).toBe(true);
  } finally {
    await node.stop();
  }
});
