import { describe, expect, it } from 'vitest';
import { ClusterLocator } from './cluster-locator.js';
import { RegisteredLines } from './registered-lines.js';

function locator() {
  const lines = new RegisteredLines('cm1');
  return { lines, locator: new ClusterLocator('cm1', lines) };
}

const names = async (l: ClusterLocator, dn: string, scope?: 'local' | 'cluster') =>
  (await l.devicesFor(dn, scope)).map((d) => `${d.deviceName}@${d.node}`);

describe('ClusterLocator', () => {
  it("finds a DN registered on another node as that node's trunk device", async () => {
    const { locator: l } = locator();
    l.apply([{ name: 'SEP000000000002', registered: true, node: 'cm2', dns: ['2000'] }]);
    const [location] = await l.devicesFor('2000');
    expect(location).toMatchObject({ deviceName: 'TRUNK_cm2', node: 'cm2', protocol: 'trunk', dnd: false });
    expect(await names(l, '2001')).toEqual([]);
  });

  it("lists this node's registrations first, then one location per other node holding the DN", async () => {
    const { lines, locator: l } = locator();
    lines.registered({ deviceName: 'SEP000000000001', protocol: 'SCCP', lines: [{ index: 1, dn: '3000' }] });
    l.apply([
      { name: 'SEP000000000003', registered: true, node: 'cm3', dns: ['3000'] },
      { name: 'SEP000000000002', registered: true, node: 'cm2', dns: ['3000'] },
      { name: 'SEP000000000004', registered: true, node: 'cm2', dns: ['3000'] },
    ]);
    expect(await names(l, '3000')).toEqual(['SEP000000000001@cm1', 'TRUNK_cm2@cm2', 'TRUNK_cm3@cm3']);
  });

  it('routes a call that came over the trunk to local registrations only (no loops)', async () => {
    const { locator: l } = locator();
    l.apply([{ name: 'SEP000000000002', registered: true, node: 'cm2', dns: ['2000'] }]);
    expect(await names(l, '2000', 'local')).toEqual([]);
  });

  it('follows a phone that unregisters, moves to another node, or is on this node', async () => {
    const { locator: l } = locator();
    const phone = { name: 'SEP000000000002', dns: ['2000'] };
    l.apply([{ ...phone, registered: true, node: 'cm2' }]);
    l.apply([{ ...phone, registered: true, node: 'cm3' }]);
    expect(await names(l, '2000')).toEqual(['TRUNK_cm3@cm3']);
    l.apply([{ ...phone, registered: false, node: 'cm3' }]);
    expect(await names(l, '2000')).toEqual([]);
    l.apply([{ ...phone, registered: true, node: 'cm1' }]);
    // Its own registrations come from RegisteredLines, never through a trunk to itself.
    expect(await names(l, '2000')).toEqual([]);
    expect(l.size).toBe(0);
  });

  it('keeps a DN on a node while another of its devices there holds it', async () => {
    const { locator: l } = locator();
    l.apply([
      { name: 'SEP00000000000A', registered: true, node: 'cm2', dns: ['2000'] },
      { name: 'SEP00000000000B', registered: true, node: 'cm2', dns: ['2000', '2001'] },
    ]);
    l.apply([{ name: 'SEP00000000000B', registered: false, node: 'cm2', dns: ['2000', '2001'] }]);
    expect(l.nodesOf('2000')).toEqual(['cm2']);
    expect(l.nodesOf('2001')).toEqual([]);
  });

  it('forgets a node declared down, and is replaced whole after a reconnect', async () => {
    const { locator: l } = locator();
    l.apply([
      { name: 'SEP000000000002', registered: true, node: 'cm2', dns: ['2000'] },
      { name: 'SEP000000000003', registered: true, node: 'cm3', dns: ['3000'] },
    ]);
    l.nodeDown('cm2');
    expect(l.nodesOf('2000')).toEqual([]);
    expect(l.nodesOf('3000')).toEqual(['cm3']);
    l.replaceAll([{ name: 'SEP000000000004', registered: true, node: 'cm4', dns: ['4000'] }]);
    expect(l.nodesOf('3000')).toEqual([]);
    expect(l.nodesOf('4000')).toEqual(['cm4']);
  });
});
