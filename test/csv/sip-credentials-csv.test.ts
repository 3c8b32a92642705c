/**
 * The phone CSV's SIP columns over a real socket: `SIP Digest User` and the write-only
 * `SIP Password (write-only)`. An import sets credentials with the phones, all or nothing; an
 * export names the digest user and leaves the password empty; a phone then registers with it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { credentialHashes } from '../../src/core/sip-credential.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openSipPhone, sipTarget } from '../sip/helpers/sip-phone.js';

interface Report {
  imported: boolean;
  rows: number;
  credentialsSet: number;
  errors: { line: number; column: string; message: string }[];
}

let t: TestNode;
const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
const url = (path: string) => `http://127.0.0.1:${t.node.ports.http}/api/v1${path}`;
const HEADER =
  'Device Name,Description,Model,Protocol,Phone Load Name,SIP Digest User,SIP Password (write-only),Line 1';

async function importCsv(rows: string[]): Promise<{ status: number; report: Report }> {
  const r = await fetch(url('/phones/import'), {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'text/csv' },
    body: [HEADER, ...rows].join('\n'),
  });
  return { status: r.status, report: (await r.json()) as Report };
}
const exported = async () =>
  (await fetch(url('/phones/export.csv'), { headers: { authorization: auth } })).text();

beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  await t.destroy();
});

it('sets SIP credentials from an import and exports the digest user without the password', async () => {
  const { status, report } = await importCsv([
    'SEP0044DD000001,Front desk,7961,SIP,,,first-import-pw,7001',
    'SEP0044DD000002,Back office,7940,SIP,,7002,second-import-pw,7002',
    'SEP0044DD000003,No credentials,7940,SCCP,,,,7003',
  ]);
  expect(status).toBe(200);
  expect(report).toMatchObject({ imported: true, rows: 3, credentialsSet: 2 });
  expect(await t.node.store.credentials.byDevice('SEP0044DD000001')).toMatchObject({
    username: 'SEP0044DD000001',
    ...credentialHashes('SEP0044DD000001', 'ccmsipline', 'first-import-pw'),
  });
  const csv = await exported();
  expect(csv).toContain(
    'SEP0044DD000001,Front desk,7961,SIP,,Default,Standard Non-Secure Profile,SEP0044DD000001,,7001',
  );
  expect(csv).toContain(
    'SEP0044DD000002,Back office,7940,SIP,,Default,Standard Non-Secure Profile,7002,,7002',
  );
  expect(csv).toContain(
    'SEP0044DD000003,No credentials,7940,SCCP,,Default,Standard Non-Secure Profile,,,7003',
  );
  expect(csv).not.toContain('import-pw');
  const audit = await t.api.get<{ items: { summary: string }[] }>('/audit-log?target=/phones/import');
  expect(audit.body.items[0].summary).toContain('sipCredentialsSet');
  expect(JSON.stringify(audit.body)).not.toContain('import-pw');
});

it('lets the phone register with the imported password; an exported file imports again unchanged', async () => {
  const phone = await openSipPhone('0044dd000002', { userAgent: 'Cisco-CP7940G/8.0' });
  try {
    const target = sipTarget(t);
    const line = { index: 1, name: '7002', authName: '7002' };
    expect(await phone.register({ ...line, password: 'wrong-password' }, target)).toMatchObject({
      status: 403,
    });
    expect((await phone.register({ ...line, password: 'second-import-pw' }, target)).kind).toBe('registered');
  } finally {
    phone.close();
  }
  const again = await fetch(url('/phones/import'), {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'text/csv' },
    body: await exported(),
  });
  expect(((await again.json()) as Report).credentialsSet).toBe(0);
  expect((await t.node.store.credentials.byDevice('SEP0044DD000002'))?.ha1Md5).toBe(
    credentialHashes('7002', 'ccmsipline', 'second-import-pw').ha1Md5,
  );
});

it('refuses a file whose SIP cells break a rule, naming line, column and rule, and writes nothing', async () => {
  const { status, report } = await importCsv([
    'SEP0044DD000010,short,7961,SIP,,,short,7010',
    'SEP0044DD000011,dup a,7961,SIP,,same-user,password-one,7011',
    'SEP0044DD000012,dup b,7961,SIP,,same-user,password-two,7012',
    'SEP0044DD000013,taken,7961,SIP,,7002,password-three,7013',
    'SEP0044DD000014,user only,7961,SIP,,someone,,7014',
    'SEP0044DD000001,rename without pw,7961,SIP,,front-desk,,7001',
    'SEP0044DD000015,bad user,7961,SIP,,has space,password-four,7015',
  ]);
  expect(status).toBe(400);
  expect(report.imported).toBe(false);
  const where = report.errors.map((e) => `${e.line}:${e.column}`);
  expect(where).toEqual(
    expect.arrayContaining([
      '2:SIP Password (write-only)',
      '4:SIP Digest User',
      '5:SIP Digest User',
      '6:SIP Password (write-only)',
      '7:SIP Password (write-only)',
      '8:SIP Digest User',
    ]),
  );
  const message = (line: number) => report.errors.find((e) => e.line === line)?.message ?? '';
  expect(message(2)).toContain('8 to 64');
  expect(message(4)).toContain('also given to SEP0044DD000011 on line 3');
  expect(message(5)).toContain('belongs to SEP0044DD000002');
  expect(message(6)).toContain('a digest user needs a password');
  expect(message(7)).toContain('give the password too');
  expect(JSON.stringify(report)).not.toContain('password-one');
  expect((await t.api.get<{ total: number }>('/phones?name=SEP0044DD00001&pageSize=1')).body.total).toBe(0);
  expect((await t.node.store.credentials.byDevice('SEP0044DD000001'))?.username).toBe('SEP0044DD000001');
});
