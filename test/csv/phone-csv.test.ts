import { afterAll, beforeAll, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

interface Report {
  imported: boolean;
  rows: number;
  inserted: number;
  updated: number;
  errors: { line: number; column: string; message: string }[];
  errorCount: number;
}

let t: TestNode;
const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
const url = (path: string) => `http://127.0.0.1:${t.node.ports.http}/api/v1${path}`;

async function importCsv(
  csv: string,
  accept = 'application/json',
): Promise<{ status: number; text: string }> {
  const r = await fetch(url('/phones/import'), {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'text/csv', accept },
    body: csv,
  });
  return { status: r.status, text: await r.text() };
}
const total = async () => (await t.api.get<{ total: number }>('/phones?pageSize=1')).body.total;

beforeAll(async () => {
  t = await startTestNode();
  const s = new SccpStation({ deviceName: 'SEP00CE00000001', deviceType: 8 });
  await s.connect('127.0.0.1', t.node.ports.sccp);
  await s.register();
  s.destroy();
});
afterAll(async () => {
  await t.destroy();
});

it('exports phones and DNs with the columns an administrator edits', async () => {
  const phones = await (await fetch(url('/phones/export.csv'), { headers: { authorization: auth } })).text();
  expect(phones).toBe(
    'Device Name,Description,Model,Protocol,Phone Load Name,Device Pool,Device Security Profile,SIP Digest User,SIP Password (write-only),Line 1,' +
      'Line 1 Display Name,Line 1 Label,Line 1 Max Calls,Line 1 Busy Trigger,Line 1 Forward All,Line 1 Forward Busy,' +
      'Line 1 Forward No Answer,Line 1 Pickup Group,Do Not Disturb\n' +
      'SEP00CE00000001,Auto 1000,7940,SCCP,,Default,Standard Non-Secure Profile,,,1000,,,2,2,,,,,false\n',
  );
  const dns = await (
    await fetch(url('/directory-numbers/export.csv'), { headers: { authorization: auth } })
  ).text();
  expect(dns).toBe('Directory Number,Device Name,Line,Description\n1000,SEP00CE00000001,1,Auto 1000\n');
});

it('refuses a file with errors, listing every one with line, column and rule, and writes nothing', async () => {
  const before = await total();
  const csv = [
    'Device Name,Description,Model,Protocol,Phone Load Name,Line 1,Line 2,Colour',
    'SEP00CE000000AA,Good one,7960,SCCP,,3000,,blue',
    'SEP00ce000000AB,lower case,7940,SCCP,,3001,,',
    'SEP00CE000000AC,unknown model,7999,SCCP,,3002,,',
    'SEP00CE000000AD,bad dn,7940,SIP,,30x3,,',
    'SEP00CE000000AA,duplicate,7940,SCCP,,3004,,',
    'SEP00CE000000AE,steals 1000,7940,SCCP,,1000,,',
    'SEP00CE000000AF,too many lines,7911,SCCP,,3005,3006,',
    'SEP00CE000000B0,short row',
  ].join('\n');
  const { status, text } = await importCsv(csv);
  expect(status).toBe(400);
  const report = JSON.parse(text) as Report;
  expect(report.imported).toBe(false);
  const summary = report.errors.map((e) => `${e.line}:${e.column}`);
  expect(summary).toEqual(
    expect.arrayContaining([
      '1:Colour',
      '3:Device Name',
      '4:Model',
      '5:Line 1',
      '6:Device Name',
      '7:Line 1',
      '8:Line 2',
      '9:*',
    ]),
  );
  expect(report.errors.find((e) => e.line === 3)?.message).toContain('upper-case');
  expect(report.errors.find((e) => e.line === 7)?.message).toContain('held by SEP00CE00000001');
  expect(report.errors.find((e) => e.line === 6)?.message).toContain('also on line 2');
  expect(report.errorCount).toBe(report.errors.length);
  expect(await total()).toBe(before);
  expect((await t.api.get('/phones/SEP00CE000000AA')).status).toBe(404);
});

it('inserts and updates phones from a valid file, and a re-import of an export changes nothing', async () => {
  const csv = [
    'Device Name,Description,Model,Protocol,Phone Load Name,Line 1,Line 2',
    'SEP00CE00000001,Reception,7940,SCCP,P00308010200,1000,1001',
    'SEP00CE00000002,Lab,7962,SIP,,2000,',
  ].join('\n');
  const { status, text } = await importCsv(csv);
  expect(status).toBe(200);
  expect(JSON.parse(text)).toMatchObject({ imported: true, rows: 2, inserted: 1, updated: 1, errors: [] });
  const phone = await t.api.get<{ description: string; loadId: string; lines: unknown[] }>(
    '/phones/SEP00CE00000001',
  );
  expect(phone.body).toMatchObject({
    description: 'Reception',
    loadId: 'P00308010200',
    lines: [
      { index: 1, dn: '1000' },
      { index: 2, dn: '1001' },
    ],
  });
  const exported = await (
    await fetch(url('/phones/export.csv'), { headers: { authorization: auth } })
  ).text();
  const again = JSON.parse((await importCsv(exported)).text) as Report;
  expect(again).toMatchObject({ imported: true, inserted: 0, updated: 2 });
});

it('streams a 12,000-row import with progress lines', async () => {
  const rows = ['Device Name,Description,Model,Protocol,Phone Load Name,Line 1'];
  for (let i = 0; i < 12_000; i++) {
    rows.push(`SEP00CF${i.toString(16).toUpperCase().padStart(8, '0')},Bulk ${i},7940,SCCP,,${50000 + i}`);
  }
  const { status, text } = await importCsv(rows.join('\n'), 'application/x-ndjson');
  expect(status).toBe(200);
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { progress?: { phase: string }; report?: Report });
  expect(lines.filter((l) => l.progress?.phase === 'validating').length).toBeGreaterThanOrEqual(2);
  expect(lines.filter((l) => l.progress?.phase === 'writing').length).toBeGreaterThanOrEqual(2);
  expect(lines.at(-1)?.report).toMatchObject({ imported: true, inserted: 12_000 });
  expect((await t.api.get<{ total: number }>('/phones?description=bulk&pageSize=1')).body.total).toBe(12_000);
});
