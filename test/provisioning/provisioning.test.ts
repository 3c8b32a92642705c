import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { runClient } from '../tftp/helpers/run-client.js';

let t: TestNode;
let out: string;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

beforeAll(async () => {
  t = await startTestNode();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-prov-'));
});
afterAll(async () => {
  await t.destroy();
  fs.rmSync(out, { recursive: true, force: true });
});

type Client = 'tftp-hpa' | 'atftp' | 'curl';
/** Fetches `name` from the node's TFTP port with a real client; null when the server refused. */
async function fetchTftp(name: string, client: Client = 'tftp-hpa'): Promise<Buffer | null> {
  const file = path.join(out, `${client}-${randomBytes(4).toString('hex')}`);
  const port = String(t.node.ports.tftp);
  const [command, args] =
    client === 'tftp-hpa'
      ? ['tftp', ['127.0.0.1', port, '-m', 'binary', '-c', 'get', name, file]]
      : client === 'atftp'
        ? [
            'atftp',
            [
              '--option',
              'blksize 1428',
              '--option',
              'tsize 0',
              '-g',
              '-r',
              name,
              '-l',
              file,
              '127.0.0.1',
              port,
            ],
          ]
        : ['curl', ['-s', '-S', '--tftp-blksize', '1428', `tftp://127.0.0.1:${port}/${name}`, '-o', file]];
  const run = await runClient(command, args, out);
  if (/error|not found/i.test(run.output) || run.code !== 0 || !fs.existsSync(file)) return null;
  return fs.readFileSync(file);
}

interface CallManager {
  processNodeName: string;
  ports: { ethernetPhonePort: number; sipPort?: number };
}
const members = (group: { members: { member: unknown } }): CallManager[] =>
  ([] as { callManager: CallManager }[]).concat(group.members.member as never).map((m) => m.callManager);

describe('XMLDefault.cnf.xml', () => {
  it('points unknown phones at this node and names the SCCP loads while the parameter is SCCP', async () => {
    const doc = xml.parse((await fetchTftp('XMLDefault.cnf.xml'))!.toString());
    const [cm] = members(doc.Default.callManagerGroup);
    expect(cm.processNodeName).toBe('127.0.0.1');
    expect(cm.ports.ethernetPhonePort).toBe(t.node.ports.sccp);
    expect(doc.Default.loadInformation8).toEqual({ '#text': 'P00308010200', '@_model': 'Cisco 7940' });
    expect(doc.Default.loadInformation115['#text']).toBe('SCCP41.9-4-2SR1-1S');
  });

  it('names the SIP loads as soon as the parameter is SIP, no restart', async () => {
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    try {
      const doc = xml.parse((await fetchTftp('/xmldefault.CNF.xml', 'curl'))!.toString());
      expect(doc.Default.loadInformation115['#text']).toBe('SIP41.9-4-2SR1-1S');
      expect(doc.Default.loadInformation8['#text']).toBe('P0S3-8-12-00');
      const os79xx = await fetchTftp('OS79XX.TXT', 'atftp');
      expect(os79xx?.toString()).toBe('P0S3-8-12-00\n');
    } finally {
      await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
    }
  });
});

describe('SEP<MAC>.cnf.xml', () => {
  it('is not found for an unknown phone, and exists once it auto-registered', async () => {
    expect(await fetchTftp('SEP00AB00000001.cnf.xml')).toBeNull();
    const s = new SccpStation({ deviceName: 'SEP00AB00000001', deviceType: 8 });
    await s.connect('127.0.0.1', t.node.ports.sccp);
    expect((await s.register()).kind).toBe('registered');
    s.destroy();
    const doc = xml.parse((await fetchTftp('SEP00AB00000001.cnf.xml', 'atftp'))!.toString());
    expect(doc.device.deviceProtocol).toBe('SCCP');
    expect(doc.device.loadInformation).toBe('P00308010200');
    expect(members(doc.device.devicePool.callManagerGroup)[0].ports.ethernetPhonePort).toBe(
      t.node.ports.sccp,
    );
    // The fetches are remembered against the MAC (for the troubleshooter).
    expect(t.node.provisioningLog.recent('00AB00000001').map((f) => [f.file, f.found])).toEqual([
      ['SEP00AB00000001.cnf.xml', true],
      ['SEP00AB00000001.cnf.xml', false],
    ]);
  });

  it('carries the lines, proxy and registration settings of a SIP device, and its own load', async () => {
    const now = new Date();
    await t.node.store.transaction(async (tx) => {
      await tx.devices.reserveDns(['4000'], now);
      await tx.devices.insert(
        {
          name: 'SEP00AB00000002',
          model: '7941',
          protocol: 'SIP',
          description: 'Front desk',
          lines: [{ index: 1, dn: '4000' }],
          loadId: 'SIP41.8-5-4S',
        },
        now,
      );
    });
    const body = await fetch(`http://127.0.0.1:${t.node.ports.provisioningHttp}/SEP00AB00000002.cnf.xml`);
    expect(body.status).toBe(200);
    const doc = xml.parse(await body.text());
    expect(doc.device.deviceProtocol).toBe('SIP');
    expect(doc.device.loadInformation).toBe('SIP41.8-5-4S');
    expect(doc.device.sipProfile.sipLines.line).toMatchObject({
      name: 4000,
      featureLabel: 4000,
      proxy: 'USECALLMANAGER',
    });
    expect(doc.device.sipProfile.sipStack.timerRegisterExpires).toBe(3600);
  });
});

describe('versionStamp', () => {
  it('stays while the phone registers and goes, and changes with its configuration', async () => {
    const name = 'SEP00AB00000004';
    const stamp = async (): Promise<string> => {
      const response = await fetch(`http://127.0.0.1:${t.node.ports.provisioningHttp}/${name}.cnf.xml`);
      return String(xml.parse(await response.text()).device.versionStamp);
    };
    const station = new SccpStation({ deviceName: name, deviceType: 8 });
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register()).kind).toBe('registered');
    const registered = await stamp();
    station.destroy();
    await eventually(async () => {
      const phone = await t.api.get<{ status: string }>(`/phones/${name}`);
      return phone.body.status === 'unregistered';
    });
    // Status, address and times are not configuration: a phone would re-apply it for nothing.
    expect(await stamp()).toBe(registered);
    expect((await t.api.patch(`/phones/${name}`, { description: 'Front desk' })).status).toBe(200);
    expect(await stamp()).not.toBe(registered);
  });
});

describe('7940/7960 SIP files', () => {
  it('serves SIPDefault.cnf and SIP<MAC>.cnf with the node as proxy', async () => {
    const sipDefault = (await fetchTftp('SIPDefault.cnf'))!.toString();
    expect(sipDefault).toContain('image_version: "P0S3-8-12-00"');
    expect(sipDefault).toContain('proxy1_address: "127.0.0.1"');
    const unknown = (await fetchTftp('SIP00AB000000FF.cnf', 'curl'))!.toString();
    expect(unknown).toContain('line1_name: "SEP00AB000000FF"');
  });
});

describe('firmware loads and device defaults', () => {
  it('warns when a default names a load that is not uploaded, and serves it to all clients once uploaded', async () => {
    const patch = await t.api.patch<{ warnings: string[]; deviceDefault: { loadAvailable: boolean } }>(
      '/device-defaults/7940/SCCP',
      { loadId: 'P00308010300' },
    );
    expect(patch.status).toBe(200);
    expect(patch.body.deviceDefault.loadAvailable).toBe(false);
    expect(patch.body.warnings[0]).toContain('phones keep the load they run until P00308010300 is uploaded');
    const image = randomBytes(2 * 1024 * 1024 + 123);
    const form = new FormData();
    form.append('file', new Blob([image]), 'P00308010300.bin');
    form.append('file', new Blob([Buffer.from('loads manifest')]), 'P00308010300.loads');
    const upload = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/firmware-loads`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
      body: form,
    });
    expect(upload.status).toBe(201);
    const list = await t.api.get<{ loadId: string; files: { file: string }[] }[]>('/firmware-loads');
    expect(list.body).toEqual([
      {
        loadId: 'P00308010300',
        files: [
          expect.objectContaining({ file: 'P00308010300.bin' }),
          expect.objectContaining({ file: 'P00308010300.loads' }),
        ],
      },
    ]);
    const defaults =
      await t.api.get<{ model: string; protocol: string; loadAvailable: boolean }[]>('/device-defaults');
    expect(defaults.body.find((d) => d.model === '7940' && d.protocol === 'SCCP')?.loadAvailable).toBe(true);
    for (const client of ['tftp-hpa', 'atftp', 'curl'] as const) {
      const fetched = await fetchTftp('P00308010300.bin', client);
      expect(fetched?.equals(image), client).toBe(true);
    }
    const doc = xml.parse((await fetchTftp('XMLDefault.cnf.xml'))!.toString());
    expect(doc.Default.loadInformation8['#text']).toBe('P00308010300');
    expect((await t.api.delete('/firmware-loads/P00308010300.loads')).status).toBe(204);
    expect((await t.api.delete('/firmware-loads/P00308010300.loads')).status).toBe(404);
  });

  it('refuses bad load ids and unknown models with the rule', async () => {
    const bad = await t.api.patch<{ field: string; message: string }>('/device-defaults/7940/SCCP', {
      loadId: '../evil',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('loadId');
    const empty = await t.api.patch<{ field: string }>('/device-defaults/7940/SCCP', { loadId: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.field).toBe('loadId');
    expect((await t.api.patch('/device-defaults/9999/SCCP', { loadId: 'X' })).status).toBe(404);
    expect((await t.api.patch('/device-defaults/7910/SIP', { loadId: 'X' })).status).toBe(404);
  });
});

describe('refusals', () => {
  it('refuses writes with an access violation and traversal with file-not-found, and logs both', async () => {
    fs.writeFileSync(path.join(out, 'upload.txt'), 'x');
    const put = await runClient(
      'tftp',
      ['127.0.0.1', String(t.node.ports.tftp), '-m', 'binary', '-c', 'put', 'upload.txt', 'x.txt'],
      out,
    );
    expect(put.output).toMatch(/Access violation/i);
    expect(await fetchTftp('../openucm.sqlite')).toBeNull();
    expect(await fetchTftp('/etc/passwd', 'curl')).toBeNull();
    const http = await fetch(`http://127.0.0.1:${t.node.ports.provisioningHttp}/..%2Fopenucm.sqlite`);
    expect(http.status).toBe(404);
    const messages = t.logs.map((l) => String(l.msg)).join('\n');
    expect(messages).toMatch(/read-only|write/i);
    expect(
      t.logs.some((l) => l.component === 'tftp' && /outside|refused|not found/i.test(String(l.msg))),
    ).toBe(true);
  });
});
