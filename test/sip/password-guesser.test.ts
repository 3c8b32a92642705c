/**
 * An online password guesser against a device with a good password: Debian's sipvicious
 * `svcrack` runs a word list over UDP. The node's throttle of failed authentications per source
 * address (--auth-failures-per-address, default 10) stops checking its guesses after a few, so it
 * finds nothing, not even the password put last in its list; a phone on another address still
 * registers at once.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openSipPhone, sipTarget } from './helpers/sip-phone.js';

const PASSWORD = 'Correct-Horse-Battery-9';
const COMMON = [
  '123456',
  'password',
  '12345678',
  'qwerty',
  '123456789',
  '12345',
  '1234',
  '111111',
  '1234567',
  'dragon',
  '123123',
  'baseball',
  'abc123',
  'football',
  'monkey',
  'letmein',
  '696969',
  'shadow',
  'master',
  '666666',
  'qwertyuiop',
  '123321',
  'mustang',
  '1234567890',
  'michael',
  '654321',
  'superman',
  '1qaz2wsx',
  '7777777',
  '4242',
  'cisco',
  'admin',
  'changeme',
  'secret',
  'voip',
  'sip',
  'phone',
  'welcome',
  'ccmsipline',
];

let t: TestNode;
let dir: string;

beforeAll(async () => {
  t = await startTestNode();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-svcrack-'));
  await t.api.post('/phones', {
    name: 'SEP0088AA000001',
    model: 'ThirdPartySIP',
    protocol: 'SIP',
    description: 'target',
    lines: [{ index: 1, dn: '4242' }],
  });
  expect(
    (await t.api.put('/phones/SEP0088AA000001/sip-credentials', { username: '4242', password: PASSWORD }))
      .status,
  ).toBe(200);
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

function svcrack(words: string[]): Promise<string> {
  const list = path.join(dir, 'words.txt');
  fs.writeFileSync(list, `${words.join('\n')}\n`);
  return new Promise((resolve) =>
    execFile(
      'svcrack',
      ['-u', '4242', '-d', list, '-p', String(t.node.ports.sip), '127.0.0.1'],
      { cwd: dir, timeout: 120_000, encoding: 'utf8' },
      (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
    ),
  );
}

it('finds nothing, not even the password at the end of its list, and is refused unchecked after a few guesses', async () => {
  const output = await svcrack([...COMMON, PASSWORD]);
  expect(output).toContain('found nothing');
  expect(output).not.toContain(PASSWORD);
  await t.node.statusWriter.flush();
  // Only the guesses checked before the throttle became registration events; the rest cost a counter.
  const failed = (
    await t.api.get<{ items: { reason: string }[] }>('/registration-events?device=SEP0088AA000001&limit=100')
  ).body.items.filter((e) => e.reason === 'sip-authentication-failed');
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.length).toBeLessThan(COMMON.length);
  const metrics = await fetch(`http://127.0.0.1:${t.node.ports.http}/metrics`, {
    headers: {
      authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
    },
  });
  expect(await metrics.text()).toMatch(
    /openucm_limit_refusals_total\{limit="authFailuresPerAddress"\} [1-9]/,
  );
});

it('lets the phone itself register from another address meanwhile', async () => {
  const phone = await openSipPhone('0088aa000001', {
    userAgent: 'Cisco-CP7960G/8.0',
    localAddress: '127.0.0.2',
  });
  try {
    const outcome = await phone.register(
      { index: 1, name: '4242', authName: '4242', password: PASSWORD },
      sipTarget(t),
    );
    expect(outcome.kind).toBe('registered');
  } finally {
    phone.close();
  }
});
