/**
 * How long after `kill -9` of a node the survivor shows it down and its phones unregistered
 * (reference/cluster.md §3.f T4: ≤ 5 s with heartbeat 1 s, down after 3 s): two node processes on
 * a fresh PostgreSQL database, N SCCP phones registered on n1, SIGKILL, then the survivor's API
 * polled every 50 ms. Repeated --rounds times.
 *
 *   npx tsx bench/cluster/node-down.ts [--phones 50] [--rounds 3] [--database-url postgres://…]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { startChildNode } from '../../test/support/child-node.js';
import { createPostgresDatabase, TEST_POSTGRES_URL } from '../../test/support/databases.js';

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    'database-url': { type: 'string', default: TEST_POSTGRES_URL },
  },
});
const phones = Number(values.phones);
const rounds = Number(values.rounds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

console.log(`cores ${os.availableParallelism()}, load average ${os.loadavg()[0].toFixed(1)} at start`);
console.log('| round | phones | kill → node shown down (ms) | kill → all phones unregistered (ms) |');
console.log('|---|---|---|---|');
for (let round = 1; round <= rounds; round++) {
  const database = await createPostgresDatabase(values['database-url']);
  const flags = (name: string) => [
    '--database-url',
    database.databaseUrl!,
    '--node-name',
    name,
    '--sccp-workers',
    '0',
  ];
  const n1 = await startChildNode(flags('n1'));
  const n2 = await startChildNode(flags('n2'));
  const stations: SccpStation[] = [];
  try {
    for (let i = 0; i < phones; i++) {
      const s = new SccpStation({
        deviceName: `SEP00DE${i.toString(16).toUpperCase().padStart(8, '0')}`,
        deviceType: 8,
      });
      await s.connect('127.0.0.1', n1.ports.sccp);
      stations.push(s);
      if ((await s.register()).kind !== 'registered') throw new Error(`phone ${i} was not registered`);
    }
    const registeredOnN1 = async () =>
      (await n2.api.get<{ total: number }>('/phones?status=registered&node=n1&pageSize=1')).body.total;
    while ((await registeredOnN1()) < phones) await sleep(50);
    const killedAt = performance.now();
    n1.child.kill('SIGKILL');
    let downAt = 0;
    let unregisteredAt = 0;
    while (downAt === 0 || unregisteredAt === 0) {
      const now = performance.now();
      if (now - killedAt > 60_000) throw new Error('nothing changed within 60 s');
      if (downAt === 0) {
        const nodes = (await n2.api.get<{ name: string; liveness?: { state: string } }[]>('/nodes')).body;
        if (nodes.find((n) => n.name === 'n1')?.liveness?.state === 'down') downAt = performance.now();
      }
      if (unregisteredAt === 0 && (await registeredOnN1()) === 0) unregisteredAt = performance.now();
      await sleep(50);
    }
    console.log(
      `| ${round} | ${phones} | ${Math.round(downAt - killedAt)} | ${Math.round(unregisteredAt - killedAt)} |`,
    );
  } finally {
    for (const s of stations) s.destroy();
    await n2.stop();
    await n1.stop();
    await database.drop();
  }
}
console.log(`load average ${os.loadavg()[0].toFixed(1)} at end`);
