import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

/**
 * Line settings as an administrator and a phone see them: set over the REST API, read back,
 * refused with the field and rule, carried in the config files, shown by an SCCP phone, and
 * round-tripped through the phone CSV.
 */

interface LineBody {
  index: number;
  dn: string;
  displayName: string;
  label: string;
  maxCalls: number;
  busyTrigger: number;
  forwardAll: string | null;
  forwardBusy: string | null;
  forwardNoAnswer: string | null;
  pickupGroup: string | null;
}
interface PhoneBody {
  name: string;
  dnd: boolean;
  lines: LineBody[];
}
interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}

let t: TestNode;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
const provisioning = (file: string) => fetch(`http://127.0.0.1:${t.node.ports.provisioningHttp}/${file}`);

beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  await t.destroy();
});

describe('line settings over the REST API', () => {
  it('sets a line’s display name, label, max calls, busy trigger, its DN’s forwards and pickup group, and DND', async () => {
    const created = await t.api.post<PhoneBody>('/phones', {
      name: 'SEP00BB00000001',
      model: '7960',
      protocol: 'SCCP',
      description: 'Front desk',
      lines: [
        { index: 1, dn: '5001', displayName: 'Reception', label: 'Desk', maxCalls: 4, busyTrigger: 3 },
        { index: 2, dn: '5002' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.lines).toEqual([
      {
        index: 1,
        dn: '5001',
        displayName: 'Reception',
        label: 'Desk',
        maxCalls: 4,
        busyTrigger: 3,
        forwardAll: null,
        forwardBusy: null,
        forwardNoAnswer: null,
        pickupGroup: null,
      },
      {
        index: 2,
        dn: '5002',
        displayName: '',
        label: '',
        maxCalls: 2,
        busyTrigger: 2,
        forwardAll: null,
        forwardBusy: null,
        forwardNoAnswer: null,
        pickupGroup: null,
      },
    ]);
    expect(created.body.dnd).toBe(false);

    const patched = await t.api.patch<PhoneBody>('/phones/SEP00BB00000001', {
      dnd: true,
      lines: [
        { index: 1, dn: '5001', forwardAll: '*5002#', forwardNoAnswer: '5002', pickupGroup: '40' },
        { index: 2, dn: '5002', forwardBusy: '5001' },
      ],
    });
    expect(patched.status).toBe(200);
    // Settings left out keep their values: an API client sending only index and dn wipes nothing.
    expect(patched.body.lines[0]).toMatchObject({
      displayName: 'Reception',
      label: 'Desk',
      maxCalls: 4,
      busyTrigger: 3,
      forwardAll: '*5002#',
      forwardNoAnswer: '5002',
      pickupGroup: '40',
    });
    expect(patched.body.lines[1]).toMatchObject({ forwardBusy: '5001' });
    expect(patched.body.dnd).toBe(true);
    const read = await t.api.get<PhoneBody>('/phones/SEP00BB00000001');
    expect(read.body).toMatchObject({
      dnd: true,
      lines: [{ forwardAll: '*5002#' }, { forwardBusy: '5001' }],
    });

    // The call service sees the DN's features once the change is stored.
    expect(t.node.calls.dnFeatures.featuresOf('5001')).toEqual({
      forwardAll: '*5002#',
      forwardBusy: null,
      forwardNoAnswer: '5002',
      pickupGroup: '40',
    });

    const audit = await t.api.get<{ items: { changes: { field: string; old: unknown; new: unknown }[] }[] }>(
      '/audit-log?target=phone&targetName=SEP00BB00000001',
    );
    expect(audit.body.items[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'dnd', old: false, new: true },
        { field: 'line.1.forwardAll', old: null, new: '*5002#' },
      ]),
    );
    const off = await t.api.patch<PhoneBody>('/phones/SEP00BB00000001', {
      dnd: false,
      lines: [
        { index: 1, dn: '5001', forwardAll: null },
        { index: 2, dn: '5002' },
      ],
    });
    expect(off.body).toMatchObject({ dnd: false, lines: [{ forwardAll: null, pickupGroup: '40' }, {}] });
  });

  it('refuses a bad value with 400, naming the field and the rule, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ maxCalls: 7 }, 'lines.0.maxCalls', '1 to 6'],
      [{ maxCalls: 2, busyTrigger: 3 }, 'lines.0.busyTrigger', 'Maximum Number of Calls (2)'],
      [{ forwardAll: '5001' }, 'lines.0.forwardAll', 'directory number itself'],
      [{ forwardBusy: '50-02' }, 'lines.0.forwardBusy', '0-9, * and #'],
      [{ label: 'x'.repeat(31) }, 'lines.0.label', 'at most 30 characters'],
      [{ displayName: 'a\nb' }, 'lines.0.displayName', 'control characters'],
      [{ pickupGroup: 'sales' }, 'lines.0.pickupGroup', 'digits'],
    ];
    for (const [settings, field, rule] of cases) {
      const r = await t.api.patch<ErrorBody>('/phones/SEP00BB00000001', {
        lines: [{ index: 1, dn: '5001', ...settings }],
      });
      expect(r.status, field).toBe(400);
      expect(r.body.field).toBe(field);
      expect(r.body.message).toContain(rule);
    }
    expect((await t.api.get<PhoneBody>('/phones/SEP00BB00000001')).body.lines[0]).toMatchObject({
      maxCalls: 4,
      label: 'Desk',
      forwardAll: null,
    });
  });
});

describe('line settings on the phone', () => {
  it('carries display name, label, max calls and busy trigger in a SIP phone’s config files', async () => {
    const created = await t.api.post('/phones', {
      name: 'SEP00BB00000002',
      model: '7941',
      protocol: 'SIP',
      description: 'Back office',
      lines: [{ index: 1, dn: '5003', displayName: 'Accounts', label: 'Acct', maxCalls: 5, busyTrigger: 4 }],
    });
    expect(created.status).toBe(201);
    const doc = xml.parse(await (await provisioning('SEP00BB00000002.cnf.xml')).text());
    expect(doc.device.sipProfile.sipLines.line).toMatchObject({
      name: 5003,
      featureLabel: 'Acct',
      displayName: 'Accounts',
      maxNumCalls: 5,
      busyTrigger: 4,
    });
    await t.api.post('/phones', {
      name: 'SEP00BB00000003',
      model: '7960',
      protocol: 'SIP',
      lines: [{ index: 1, dn: '5004', displayName: 'Stores', label: 'Store' }],
    });
    const text = await (await provisioning('SIP00BB00000003.cnf')).text();
    expect(text).toContain('line1_shortname: "Store"');
    expect(text).toContain('line1_displayname: "Stores"');
  });

  it('shows an SCCP phone the stored label beside its line button, and its Forward All', async () => {
    const station = new SccpStation({ deviceName: 'SEP00BB00000001', deviceType: 9 });
    try {
      await t.api.patch('/phones/SEP00BB00000001', {
        lines: [
          { index: 1, dn: '5001', forwardAll: '5002' },
          { index: 2, dn: '5002' },
        ],
      });
      await station.connect('127.0.0.1', t.node.ports.sccp);
      expect((await station.register()).kind).toBe('registered');
      const { lines } = await station.startup();
      expect(lines).toEqual([
        { index: 1, dn: '5001', label: 'Desk', displayName: 'Reception' },
        { index: 2, dn: '5002', label: '5002', displayName: 'Front desk' },
      ]);
      const forward = station.next('ForwardStat');
      station.send({ type: 'ForwardStatReq', lineNumber: 1 });
      expect(await forward).toMatchObject({ lineNumber: 1, forwardAllActive: 1, forwardAllNumber: '5002' });
    } finally {
      station.destroy();
    }
  });
});

describe('line settings in the phone CSV', () => {
  it('exports the settings and imports them back; a bad cell is refused with its column and rule', async () => {
    const exported = await (
      await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/phones/export.csv?name=SEP00BB00000001`, {
        headers: { authorization: auth },
      })
    ).text();
    const [header, row] = exported.trim().split('\n');
    expect(header).toContain('Line 1 Label,Line 1 Max Calls,Line 1 Busy Trigger,Line 1 Forward All');
    expect(header.endsWith('Do Not Disturb')).toBe(true);
    expect(row).toContain('Reception,Desk,4,3,5002,,5002,40');

    const edited = `${header}\n${row.replace('Reception,Desk,4,3', 'Lobby,Front,6,5').replace(/false$/, 'true')}\n`;
    const imported = await importCsv(edited);
    expect(imported).toMatchObject({ imported: true, updated: 1 });
    const phone = (await t.api.get<PhoneBody>('/phones/SEP00BB00000001')).body;
    expect(phone.dnd).toBe(true);
    expect(phone.lines[0]).toMatchObject({
      displayName: 'Lobby',
      label: 'Front',
      maxCalls: 6,
      busyTrigger: 5,
      forwardAll: '5002',
      pickupGroup: '40',
    });

    const bad = await importCsv(`${header}\n${row.replace('Reception,Desk,4,3', 'Lobby,Front,6,7')}\n`);
    expect(bad.imported).toBe(false);
    expect(bad.errors).toEqual([
      {
        line: 2,
        column: 'Line 1 Busy Trigger',
        message: expect.stringContaining('Maximum Number of Calls (6)'),
      },
    ]);
  });
});

async function importCsv(csv: string): Promise<{
  imported: boolean;
  updated: number;
  errors: { line: number; column: string; message: string }[];
}> {
  const r = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/phones/import`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'text/csv', accept: 'application/json' },
    body: csv,
  });
  return (await r.json()) as never;
}
