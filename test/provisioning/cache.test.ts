/**
 * Boot storms against a real node: XMLDefault.cnf.xml is not rendered from the database for every
 * request, unknown phones' SEP<MAC>.cnf.xml share one lookup, every fetch is still in the
 * provisioning log, and a change made through the node applies at once.
 */
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DirectoryFileSource } from '../../src/services/file-source.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { tftpGet } from '../tftp/helpers/udp-client.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

let t: TestNode | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.destroy();
  t = undefined;
});

/** Reads of the database a file is made of, counted on the node's real store. */
function countReads(node: TestNode) {
  const { store } = node.node;
  return {
    parameters: vi.spyOn(store.parameters, 'get'),
    nodes: vi.spyOn(store.nodes, 'list'),
    defaults: vi.spyOn(store.deviceDefaults, 'listStored'),
    device: vi.spyOn(store.devices, 'find'),
    devices: vi.spyOn(store.devices, 'findMany'),
  };
}

/** `count` TFTP reads of `name(i)` at once, 20 per source address (the per-address limit). */
function tftpStorm(node: TestNode, count: number, name: (i: number) => string) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      tftpGet(node.node.ports.tftp!, name(i), {
        localAddress: `127.0.0.${2 + Math.floor(i / 20)}`,
        keepData: true,
        timeoutMs: 3000,
      }),
    ),
  );
}

const httpGet = async (node: TestNode, name: string) => {
  const response = await fetch(`http://127.0.0.1:${node.node.ports.provisioningHttp}/${name}`);
  return { status: response.status, body: await response.text() };
};

const load7940 = (body: string): string => xml.parse(body).Default.loadInformation8['#text'];

describe('a boot storm', () => {
  it('renders XMLDefault.cnf.xml from one read of the database for 200 phones', async () => {
    // The HTTP half comes from one address: as many phones behind NAT, with the limit raised for them.
    t = await startTestNode({
      config: { provisioningCacheSeconds: 60, provisioningHttpMaxConnectionsPerAddress: 200 },
    });
    const reads = countReads(t);
    const [tftp, http] = await Promise.all([
      tftpStorm(t, 100, () => 'XMLDefault.cnf.xml'),
      Promise.all(Array.from({ length: 100 }, () => httpGet(t!, 'XMLDefault.cnf.xml'))),
    ]);
    const first = tftp[0].ok ? tftp[0].data!.toString() : '';
    expect(load7940(first)).toBe('P00308010200');
    expect(tftp.every((r) => r.ok && r.data!.toString() === first)).toBe(true);
    expect(http.every((r) => r.status === 200 && r.body === first)).toBe(true);
    expect(reads.parameters).toHaveBeenCalledTimes(1);
    expect(reads.nodes).toHaveBeenCalledTimes(1);
    expect(reads.defaults).toHaveBeenCalledTimes(1);
  });

  it('answers 200 unknown phones "File not found" from a few shared lookups, and logs every fetch', async () => {
    t = await startTestNode();
    const reads = countReads(t);
    const loads = vi.spyOn(DirectoryFileSource.prototype, 'open');
    const mac = (i: number) => `00CC0000${i.toString(16).toUpperCase().padStart(4, '0')}`;
    const results = await tftpStorm(t, 200, (i) => `SEP${mac(i)}.cnf.xml`);
    expect(results.every((r) => !r.ok && r.code === 1)).toBe(true);
    expect(reads.device).not.toHaveBeenCalled();
    const asked = reads.devices.mock.calls.flatMap(([names]) => names);
    expect(asked).toHaveLength(200);
    expect(reads.devices.mock.calls.length).toBeLessThanOrEqual(50);
    // Nor is a missing phone's file looked for among the firmware loads.
    expect(loads).not.toHaveBeenCalled();
    // The troubleshooter still sees each phone's fetch.
    for (let i = 0; i < 200; i++) {
      expect(t.node.provisioningLog.recent(mac(i))).toMatchObject([
        { file: `SEP${mac(i)}.cnf.xml`, found: false, via: 'tftp' },
      ]);
    }
  });
});

describe('changes', () => {
  it('made through the node apply at once; made behind its back, within the cache time', async () => {
    t = await startTestNode({ config: { provisioningCacheSeconds: 2 } });
    expect(load7940((await httpGet(t, 'XMLDefault.cnf.xml')).body)).toBe('P00308010200');
    expect((await t.api.patch('/device-defaults/7940/SCCP', { loadId: 'P00308010300' })).status).toBe(200);
    expect(load7940((await httpGet(t, 'XMLDefault.cnf.xml')).body)).toBe('P00308010300');
    expect((await tftpGet(t.node.ports.tftp!, 'OS79XX.TXT', { keepData: true })).ok).toBe(true);

    // Another node of a cluster changes the shared database: this node notices within 2 s.
    await t.node.store.deviceDefaults.save({
      model: '7940',
      protocol: 'SCCP',
      loadId: 'P00308010400',
      devicePool: 'Default',
    });
    expect(load7940((await httpGet(t, 'XMLDefault.cnf.xml')).body)).toBe('P00308010300');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(load7940((await httpGet(t, 'XMLDefault.cnf.xml')).body)).toBe('P00308010400');

    // The enterprise parameter through the API: at once.
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    expect((await httpGet(t, 'OS79XX.TXT')).body).toBe('P0S3-8-12-00\n');
  });

  it("a phone's own file is read afresh: a device added behind the node's back is served at once", async () => {
    t = await startTestNode({ config: { provisioningCacheSeconds: 60 } });
    expect((await httpGet(t, 'SEP00CC00000ABC.cnf.xml')).status).toBe(404);
    const now = new Date();
    await t.node.store.transaction(async (tx) => {
      await tx.devices.reserveDns(['4100'], now);
      await tx.devices.insert(
        {
          name: 'SEP00CC00000ABC',
          model: '7941',
          protocol: 'SCCP',
          description: 'Lobby',
          lines: [{ index: 1, dn: '4100' }],
          loadId: null,
        },
        now,
      );
    });
    const found = await httpGet(t, 'SEP00CC00000ABC.cnf.xml');
    expect(found.status).toBe(200);
    expect(xml.parse(found.body).device.deviceProtocol).toBe('SCCP');
  });
});

describe('the provisioning log', () => {
  it('records one fetch over HTTP for an unknown phone, as over TFTP', async () => {
    t = await startTestNode();
    expect((await httpGet(t, 'SEP00CC00000DEF.cnf.xml')).status).toBe(404);
    expect(t.node.provisioningLog.recent('00CC00000DEF')).toMatchObject([
      { file: 'SEP00CC00000DEF.cnf.xml', found: false, via: 'http' },
    ]);
  });
});
