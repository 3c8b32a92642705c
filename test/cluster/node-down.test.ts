/**
 * Liveness across two node processes on one PostgreSQL database: `kill -9` of one, and the
 * survivor's API shows its phones unregistered within a few seconds (heartbeat 1 s, down after
 * 3 s) and the dead node down; each phone gets a registration event saying why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { ChildNode } from '../support/child-node.js';
import { startChildNode } from '../support/child-node.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { eventually } from '../support/node.js';

interface Phone {
  status: string;
  node: string | null;
}
interface NodeBody {
  name: string;
  liveness?: { state: string; phonesRegistered: number; lastHeartbeat: string | null; summary: string };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(database: TestDatabase, name: string): Promise<ChildNode> {
  const n = await startChildNode([
    '--database-url',
    database.databaseUrl!,
    '--node-name',
    name,
    '--sccp-workers',
    '0',
  ]);
  cleanups.push(() => n.stop());
  return n;
}

describe('a node killed with SIGKILL', () => {
  it('is shown down on the survivor, and its phones unregistered, within seconds', async (ctx) => {
    if (!(await postgresAvailable())) ctx.skip();
    const database = await createPostgresDatabase();
    cleanups.push(() => database.drop());
    // Two processes starting from source take a while on a loaded machine: side by side.
    const [n1, n2] = await Promise.all([node(database, 'n1'), node(database, 'n2')]);

    const names = ['SEP00DD00000001', 'SEP00DD00000002', 'SEP00DD00000003'];
    for (const name of names) {
      const s = new SccpStation({ deviceName: name, deviceType: 8 });
      await s.connect('127.0.0.1', n1.ports.sccp);
      cleanups.push(() => s.destroy());
      expect((await s.register()).kind).toBe('registered');
    }
    // The survivor's API shows them registered on n1, and n1 up.
    await eventually(async () => {
      const phones = await Promise.all(
        names.map(async (name) => (await n2.api.get<Phone>(`/phones/${name}`)).body),
      );
      return phones.every((p) => p.status === 'registered' && p.node === 'n1');
    }, 30_000);
    const before = (await n2.api.get<NodeBody[]>('/nodes')).body.find((n) => n.name === 'n1');
    expect(before?.liveness).toMatchObject({ state: 'up', phonesRegistered: 3 });

    n1.child.kill('SIGKILL');

    await eventually(async () => {
      const phones = await Promise.all(
        names.map(async (name) => (await n2.api.get<Phone>(`/phones/${name}`)).body),
      );
      return phones.every((p) => p.status === 'unregistered');
    }, 15_000);
    const nodes = (await n2.api.get<NodeBody[]>('/nodes')).body;
    expect(nodes.find((n) => n.name === 'n1')?.liveness).toMatchObject({
      state: 'down',
      phonesRegistered: 0,
    });
    expect(nodes.find((n) => n.name === 'n2')?.liveness?.state).toBe('up');
    const events = (
      await n2.api.get<{ items: { reason: string; message: string; node: string }[] }>(
        `/registration-events?device=${names[0]}`,
      )
    ).body.items;
    expect(events[0]).toMatchObject({ reason: 'node-down', node: 'n1' });
    expect(events[0].message).toMatch(/its node stopped answering/);
  }, 180_000);
});
