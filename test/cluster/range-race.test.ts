import { describe, expect, it } from 'vitest';
import type { Api } from '../support/node.js';
import { createPostgresDatabase, createSqliteDatabase, postgresAvailable } from '../support/databases.js';
import { startTestNode } from '../support/node.js';

const ROUNDS = 25;

interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}

interface NodeBody {
  name: string;
  autoRegistration: { enabled: boolean; startingDn: string; endingDn: string };
}

interface Setup {
  /** The API through which cm1 is changed, and the one through which cm2 is. */
  cm1: Api;
  cm2: Api;
  close(): Promise<void>;
}

/** Two nodes on one PostgreSQL database, each changed through its own API. */
async function twoNodesOnPostgres(): Promise<Setup> {
  const database = await createPostgresDatabase();
  const a = await startTestNode({ database, config: { nodeName: 'cm1' } });
  const b = await startTestNode({ database, config: { nodeName: 'cm2' } });
  return {
    cm1: a.api,
    cm2: b.api,
    close: async () => {
      await b.stop();
      await a.destroy();
    },
  };
}

/** One node on SQLite whose store also holds node cm2 (a node that is not running). */
async function oneNodeOnSqlite(): Promise<Setup> {
  const a = await startTestNode({ database: await createSqliteDatabase(), config: { nodeName: 'cm1' } });
  await a.node.store.nodes.ensure('cm2', { enabled: true, startingDn: '2000', endingDn: '2999' }, new Date());
  return { cm1: a.api, cm2: a.api, close: () => a.destroy() };
}

const overlaps = (x: NodeBody, y: NodeBody) =>
  BigInt(x.autoRegistration.startingDn) <= BigInt(y.autoRegistration.endingDn) &&
  BigInt(y.autoRegistration.startingDn) <= BigInt(x.autoRegistration.endingDn);

describe.each([
  { backend: 'two nodes sharing PostgreSQL', setup: twoNodesOnPostgres, available: postgresAvailable },
  { backend: 'one node on SQLite', setup: oneNodeOnSqlite, available: async () => true },
])('overlapping range changes at once, $backend', ({ setup, available }) => {
  it(`one wins, the other gets 409 naming the node it overlaps (${ROUNDS} rounds)`, async (ctx) => {
    if (!(await available())) ctx.skip();
    const { cm1, cm2, close } = await setup();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Each range alone is fine (the previous rounds' ranges lie below); together they overlap.
        const base = 10_000 + round * 100;
        const range = (from: number) => ({ startingDn: String(from), endingDn: String(from + 49) });
        const results = await Promise.all([
          cm1.patch<ErrorBody>('/nodes/cm1', { autoRegistration: range(base) }),
          cm2.patch<ErrorBody>('/nodes/cm2', { autoRegistration: range(base + 25) }),
        ]);
        expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 409]);
        const loser = results.find((r) => r.status === 409)!.body;
        expect(loser.error).toBe('conflict');
        expect(loser.field).toBe('startingDn');
        expect(loser.message).toMatch(/overlaps node cm[12]'s range/);
        const stored = (await cm1.get<NodeBody[]>('/nodes')).body;
        const [x, y] = ['cm1', 'cm2'].map((name) => stored.find((n) => n.name === name)!);
        expect(overlaps(x, y), `round ${round}: ${JSON.stringify(stored)}`).toBe(false);
      }
    } finally {
      await close();
    }
  });
});
