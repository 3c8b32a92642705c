/**
 * What a SIP phone needs to answer the challenge comes in its configuration files, fetched over
 * TFTP with curl as a phone would: a 79x1 reads authName/authPassword in SEP<MAC>.cnf.xml, a
 * 7940/7960 on SIP firmware line1_authname/line1_password in SIP<MAC>.cnf. A node whose secret key
 * is not the one that sealed a password says so and sends the files without it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqliteDatabase } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let database: TestDatabase;
let t: TestNode;
let otherKeyDir: string;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/** The file as a phone gets it over TFTP (curl's TFTP client). */
function tftpGet(name: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'curl',
      ['-s', '-S', `tftp://127.0.0.1:${t.node.ports.tftp}/${name}`],
      { timeout: 20_000, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve(stdout)),
    ),
  );
}

async function addPhone(name: string, model: string, protocol: string, dns: string[]): Promise<void> {
  const lines = dns.map((dn, i) => ({ index: i + 1, dn }));
  expect((await t.api.post('/phones', { name, model, protocol, description: 'cfg', lines })).status).toBe(
    201,
  );
}

interface Line {
  authName: string;
  authPassword?: string;
}
const sipLines = (file: string): Line[] => {
  const line = xml.parse(file).device.sipProfile.sipLines.line as Line | Line[];
  return Array.isArray(line) ? line : [line];
};

beforeAll(async () => {
  database = await createSqliteDatabase();
  otherKeyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-otherkey-'));
  t = await startTestNode({ database });
  await addPhone('SEP0022BB000001', '7961', 'SIP', ['5001', '5002']);
  await addPhone('SEP0022BB000002', '7940', 'SIP', ['5003']);
  await addPhone('SEP0022BB000003', '7940', 'SCCP', ['5004']);
  await t.api.put('/phones/SEP0022BB000001/sip-credentials', { password: 'first-Password-1' });
  await t.api.put('/phones/SEP0022BB000002/sip-credentials', {
    username: '5003',
    password: 'second-Password-2',
  });
  await t.api.put('/phones/SEP0022BB000003/sip-credentials', { password: 'third-Password-3' });
});

afterAll(async () => {
  await t.destroy();
  fs.rmSync(otherKeyDir, { recursive: true, force: true });
});

it('puts the digest user and password on every line of a 79x1 SIP phone’s SEP<MAC>.cnf.xml', async () => {
  const lines = sipLines(await tftpGet('SEP0022BB000001.cnf.xml'));
  expect(lines).toHaveLength(2);
  for (const line of lines)
    expect(line).toMatchObject({ authName: 'SEP0022BB000001', authPassword: 'first-Password-1' });
});

it('puts them in a 7940’s SIP<MAC>.cnf, and nothing of them in an SCCP phone’s file', async () => {
  const text = await tftpGet('SIP0022BB000002.cnf');
  expect(text).toContain('line1_authname: "5003"');
  expect(text).toContain('line1_password: "second-Password-2"');
  const sccp = await tftpGet('SEP0022BB000003.cnf.xml');
  expect(sccp).toContain('<deviceProtocol>SCCP</deviceProtocol>');
  expect(sccp).not.toContain('third-Password-3');
});

it('keeps the password out of the files of a phone whose Phone Security Profile is secure (they travel in clear)', async () => {
  expect(
    (
      await t.api.post('/phone-security-profiles', {
        name: 'Authenticated TLS',
        deviceSecurityMode: 'authenticated',
      })
    ).status,
  ).toBe(201);
  for (const name of ['SEP0022BB000001', 'SEP0022BB000002'])
    expect((await t.api.patch(`/phones/${name}`, { securityProfile: 'Authenticated TLS' })).status).toBe(200);
  const lines = sipLines(await tftpGet('SEP0022BB000001.cnf.xml'));
  expect(lines[0]).toEqual(expect.objectContaining({ authName: 'SEP0022BB000001' }));
  for (const line of lines) expect(line.authPassword).toBeUndefined();
  const legacy = await tftpGet('SIP0022BB000002.cnf');
  expect(legacy).toContain('line1_authname: "5003"');
  expect(legacy).not.toContain('second-Password-2');
  const summary = await t.api.get<{ passwordInConfigFiles: boolean; problem: string }>(
    '/phones/SEP0022BB000001/sip-credentials',
  );
  expect(summary.body.passwordInConfigFiles).toBe(false);
  expect(summary.body.problem).toContain('"Authenticated TLS" is authenticated');
  for (const name of ['SEP0022BB000001', 'SEP0022BB000002'])
    await t.api.patch(`/phones/${name}`, { securityProfile: 'Standard Non-Secure Profile' });
  expect(sipLines(await tftpGet('SEP0022BB000001.cnf.xml'))[0].authPassword).toBe('first-Password-1');
});

it('changes the configuration’s versionStamp when the password changes', async () => {
  const stamp = async () => xml.parse(await tftpGet('SEP0022BB000001.cnf.xml')).device.versionStamp as string;
  const before = await stamp();
  await t.api.put('/phones/SEP0022BB000001/sip-credentials', { password: 'first-Password-1b' });
  expect(await stamp()).not.toBe(before);
  await t.api.put('/phones/SEP0022BB000001/sip-credentials', { password: 'first-Password-1' });
});

it('on a node with another secret key, says so at start and sends the files without the password', async () => {
  await t.stop();
  t = await startTestNode({ database, config: { secretKeyFile: path.join(otherKeyDir, 'secret.key') } });
  const error = t.logs.find(
    (l) => l.level === 50 && String(l.msg).includes('sealed with another secret key'),
  );
  expect(error?.msg).toContain('3 SIP password(s)');
  expect(error?.msg).toContain('--secret-key-file');
  const lines = sipLines(await tftpGet('SEP0022BB000001.cnf.xml'));
  expect(lines[0]).toEqual(expect.objectContaining({ authName: 'SEP0022BB000001' }));
  expect(lines[0].authPassword).toBeUndefined();
  const summary = await t.api.get<{ passwordInConfigFiles: boolean; problem: string }>(
    '/phones/SEP0022BB000001/sip-credentials',
  );
  expect(summary.body.passwordInConfigFiles).toBe(false);
  expect(summary.body.problem).toContain('copy the key file');
  expect(t.logs.some((l) => String(l.msg).includes('go out without its SIP password'))).toBe(true);
  // Back with the key of the data directory, the password is there again.
  await t.stop();
  t = await startTestNode({ database });
  expect(sipLines(await tftpGet('SEP0022BB000001.cnf.xml'))[0].authPassword).toBe('first-Password-1');
});
