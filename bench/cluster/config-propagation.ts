/**
 * How long a configuration change made through one node takes to reach another node's caches
 * (reference/cluster.md §3.f T5: p99 ≤ 250 ms, max ≤ 1 s): two nodes in this process on a fresh
 * PostgreSQL database, N PATCHes of an enterprise parameter through cm2's API; for each, the time
 * from the PATCH's answer (the change is committed) and from its sending to cm1 being told
 * (its LiveEvents' configuration-changed, which drops its caches).
 *
 *   npx tsx bench/cluster/config-propagation.ts [--changes 200] [--database-url postgres://…]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startNode } from '../../src/server.js';
import { apiClient } from '../../test/support/node.js';
import { createPostgresDatabase, TEST_POSTGRES_URL } from '../../test/support/databases.js';

const { values } = parseArgs({
  options: {
    changes: { type: 'string', default: '200' },
    'database-url': { type: 'string', default: TEST_POSTGRES_URL },
  },
});
const changes = Number(values.changes);
const PASSWORD = 'bench-password-1';

const database = await createPostgresDatabase(values['database-url']);
const logger = pino({ level: 'warn' });
const start = (nodeName: string) =>
  startNode(
    loadConfig({
      flags: {
        bind: '127.0.0.1',
        httpPort: 0,
        httpMode: 'serve',
        sccpPort: 0,
        sipPort: 0,
        tftpPort: 0,
        provisioningHttpPort: 0,
        sccpWorkers: 0,
        dataDir: database.dataDir,
        databaseUrl: database.databaseUrl,
        nodeName,
      },
    }),
    { logger, adminPassword: PASSWORD },
  );
const cm1 = await start('cm1');
const cm2 = await start('cm2');
const api = apiClient(cm2.ports.http, 'CCMAdministrator', PASSWORD);
const load = () => os.loadavg()[0].toFixed(1);
const loadAtStart = load();

const fromAnswer: number[] = [];
const fromSend: number[] = [];
try {
  for (let i = 0; i < changes; i++) {
    const protocol = i % 2 === 0 ? 'SIP' : 'SCCP';
    let heardAt = 0;
    const heard = new Promise<void>((resolve) => {
      const on = (c: { what: string }) => {
        if (c.what !== 'enterprise-parameters') return;
        heardAt = performance.now();
        cm1.live.off('configuration-changed', on);
        resolve();
      };
      cm1.live.on('configuration-changed', on);
    });
    const sentAt = performance.now();
    const answer = await api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: protocol });
    const answeredAt = performance.now();
    if (answer.status !== 200)
      throw new Error(`PATCH answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await heard;
    fromAnswer.push(Math.max(0, heardAt - answeredAt));
    fromSend.push(heardAt - sentAt);
  }
} finally {
  await cm2.stop();
  await cm1.stop();
  await database.drop();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(1);
};
const row = (name: string, xs: number[]) =>
  `| ${name} | ${xs.length} | ${pct(xs, 50)} | ${pct(xs, 99)} | ${Math.max(...xs).toFixed(1)} |`;
console.log(`cores ${os.availableParallelism()}, load average ${loadAtStart} at start, ${load()} at end`);
console.log('| measure (ms) | changes | p50 | p99 | max |');
console.log('|---|---|---|---|---|');
console.log(row('PATCH answered (committed) → cm1 told', fromAnswer));
console.log(row('PATCH sent → cm1 told', fromSend));
