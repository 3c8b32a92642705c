import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

interface Diagnosis {
  verdict: string;
  firstProblem: { id: string; detail: string; fix?: string } | null;
  checks: { id: string; status: string; detail: string }[];
}

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  await t.destroy();
});

async function register(deviceName: string, deviceType = 8) {
  const s = new SccpStation({ deviceName, deviceType });
  await s.connect('127.0.0.1', t.node.ports.sccp);
  const outcome = await s.register();
  s.destroy();
  return outcome;
}

it('names the protocol parameter for a phone refused while the parameter is SIP, by MAC', async () => {
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  expect((await register('SEP00DA00000001')).kind).toBe('rejected');
  const { status, body } = await t.api.get<Diagnosis>('/diagnosis?mac=00:da:00:00:00:01');
  expect(status).toBe(200);
  expect(body.firstProblem?.id).toBe('protocol');
  expect(body.firstProblem?.fix).toContain(
    'Set Enterprise Parameter Auto Registration Phone Protocol to SCCP',
  );
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
  const after = await t.api.get<Diagnosis>('/diagnosis?mac=00DA00000001');
  expect(after.body.firstProblem).toBeNull();
  expect(after.body.verdict).toContain('no broken link');
});

it('names an exhausted range, and a model the catalogue does not know', async () => {
  await t.api.patch('/nodes/cm1', { autoRegistration: { startingDn: '7000', endingDn: '7000' } });
  expect((await register('SEP00DA00000002')).kind).toBe('registered');
  expect((await register('SEP00DA00000003')).kind).toBe('rejected');
  const full = await t.api.get<Diagnosis>('/phones/SEP00DA00000003/diagnosis');
  expect(full.body.firstProblem?.id).toBe('dn-range');
  expect(full.body.firstProblem?.detail).toContain('7000–7000');
  await t.api.patch('/nodes/cm1', { autoRegistration: { endingDn: '7999' } });
  expect((await register('SEP00DA00000004', 4242)).kind).toBe('rejected');
  const model = await t.api.get<Diagnosis>('/phones/SEP00DA00000004/diagnosis');
  expect(model.body.firstProblem?.id).toBe('model');
  expect(model.body.firstProblem?.detail).toContain('device type 4242');
});

it('refuses a malformed MAC naming the field', async () => {
  const r = await t.api.get<{ field: string }>('/diagnosis?mac=xyz');
  expect(r.status).toBe(400);
  expect(r.body.field).toBe('mac');
});

it('openucm diagnose prints the chain and exits 1 when a link is broken', async () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      'diagnose',
      'SEP00DA00000004',
      '--url',
      `http://127.0.0.1:${t.node.ports.http}`,
      '--password',
      ADMIN_PASSWORD,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(stdout).toContain('Diagnosis of SEP00DA00000004');
  expect(stdout).toMatch(/✔ Device name/);
  expect(stdout).toMatch(/✖ Phone model: .*device type 4242/);
  expect(stdout).toContain('fix: Add SEP00DA00000004 by hand');
  expect(code).toBe(1);
});
