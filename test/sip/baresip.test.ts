/** baresip (Debian baresip-core), a real SIP user agent, registers as SEP<MAC> and unregisters on exit. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { runBaresip } from './helpers/baresip.js';

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
  const baresip = runBaresip(dir, `<sip:SEP00BA5E000001@127.0.0.1:${port};transport=udp>;regint=600`, 3);
  try {
    const phone = await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string; protocol: string; model: string; lines: { dn: string }[] }>(
        '/phones/SEP00BA5E000001',
      );
      return r.status === 200 && r.body.status === 'registered' ? r.body : null;
    });
    expect(phone).toMatchObject({ protocol: 'SIP', model: 'ThirdPartySIP', lines: [{ dn: '1000' }] });
    expect(await baresip.done).toContain('200 OK (openucm/');
    await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string }>('/phones/SEP00BA5E000001');
      return r.body.status === 'unregistered';
    });
  } finally {
    baresip.kill();
  }
});
