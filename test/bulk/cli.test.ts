/** `openucm bulk migrate` as an operator runs it: a client of the REST API of a running node. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestNode } from '../support/node.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import { dnsOf, enableAutoRegistration, startFleet } from './support/fleet.js';
import type { ScriptedPhone } from './support/scripted-phone.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bulk-cli-'));
let t: TestNode;
let phones: ScriptedPhone[] = [];

beforeAll(async () => {
  t = await startTestNode();
  await enableAutoRegistration(t);
  phones = await startFleet(t, 2, { load: 'P00303020214' });
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await t.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

function openucm(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, OPENUCM_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

it('refuses a CSV of device names with errors, listing every one, and sends nothing', async () => {
  const csv = path.join(dir, 'bad.csv');
  fs.writeFileSync(csv, 'Device Name\nSEP00aa00000001\nPHONE\n');
  const r = await openucm([
    'bulk',
    'migrate',
    '--url',
    `http://127.0.0.1:${t.node.ports.http}`,
    '--device-names',
    csv,
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('has 2 problem(s); nothing was sent');
  expect(r.stderr).toContain('line 2: device name "SEP00aa00000001" must use upper-case hex digits');
  expect(r.stderr).toContain('line 3: device name "PHONE" must start with SEP');
  expect((await t.api.get<{ total: number }>('/bulk-jobs')).body.total).toBe(0);
});

it('previews, runs and follows a migration from a CSV of device names, saves the report and the generated SIP passwords', async () => {
  const before = await dnsOf(
    t,
    phones.map((p) => p.deviceName),
  );
  const csv = path.join(dir, 'phones.csv');
  fs.writeFileSync(csv, `Device Name\n${phones.map((p) => p.deviceName).join('\n')}\n`);
  const report = path.join(dir, 'report.csv');
  const passwords = path.join(dir, 'sip-passwords.csv');
  const r = await openucm([
    'bulk',
    'migrate',
    '--url',
    `http://127.0.0.1:${t.node.ports.http}`,
    '--device-names',
    csv,
    '--to',
    'SIP',
    '--switch-auto-registration-protocol',
    '--step-timeout',
    '20',
    '--yes',
    '--report',
    report,
    '--create-sip-credentials',
    '--sip-passwords',
    passwords,
  ]);
  expect(r.stderr).not.toContain('Error');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Migrate Phones SCCP → SIP: 2 phone(s) selected');
  expect(r.stdout).toContain('2 will migrate (2 first take a newer SCCP load)');
  expect(r.stdout).toContain('2 × load P00308010200 then P0S3-8-12-00');
  expect(r.stdout).toContain('Auto Registration Phone Protocol will be switched to SIP when the job starts.');
  expect(r.stdout).toMatch(/Job \S+ completed: 2 migrated, 0 failed, 0 skipped, 0 cancelled/);
  expect(fs.readFileSync(report, 'utf8').trim().split('\n')).toHaveLength(3);
  expect(r.stdout).toContain(`2 generated SIP password(s) written to ${passwords} (readable by you only)`);
  expect(fs.statSync(passwords).mode & 0o777).toBe(0o600);
  const rows = fs.readFileSync(passwords, 'utf8').trim().split('\n');
  expect(
    rows
      .slice(1)
      .map((row) => row.split(',')[0])
      .sort(),
  ).toEqual(phones.map((p) => p.deviceName).sort());
  // Handed out once: the node holds them no more.
  const again = await openucm([
    'bulk',
    'sip-passwords',
    '--url',
    `http://127.0.0.1:${t.node.ports.http}`,
    r.stdout.match(/Job (\S+) created/)![1],
    '--out',
    path.join(dir, 'again.csv'),
  ]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('collected by CCMAdministrator');
  expect(fs.existsSync(path.join(dir, 'again.csv'))).toBe(false);
  expect(
    await dnsOf(
      t,
      phones.map((p) => p.deviceName),
    ),
  ).toEqual(before);
});
