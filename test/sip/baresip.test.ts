/** baresip (Debian baresip-core), a real SIP user agent, registers as SEP<MAC> and unregisters on exit. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;
let dir: string;

beforeAll(async () => {
  t = await startTestNode();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-baresip-'));
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

it('auto-registers baresip with a DN, and records its unregistration when it quits', async () => {
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  const port = t.node.ports.sip!;
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method epoll',
      'sip_listen 127.0.0.1:0',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module_app account.so',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'accounts'),
    `<sip:SEP00BA5E000001@127.0.0.1:${port};transport=udp>;regint=600\n`,
  );
  // -t: quit after 3 s (sending its un-REGISTER first); stdin is /dev/null, so it runs without a console.
  const child = spawn('baresip', ['-f', dir, '-t', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const phone = await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string; protocol: string; model: string; lines: { dn: string }[] }>(
        '/phones/SEP00BA5E000001',
      );
      return r.status === 200 && r.body.status === 'registered' ? r.body : null;
    });
    expect(phone).toMatchObject({ protocol: 'SIP', model: 'ThirdPartySIP', lines: [{ dn: '1000' }] });
    await exited;
    expect(output).toContain('200 OK (openucm/');
    await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string }>('/phones/SEP00BA5E000001');
      return r.body.status === 'unregistered';
    });
  } finally {
    child.kill('SIGKILL');
  }
});
