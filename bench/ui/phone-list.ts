/**
 * How fast the Device > Phone list answers on a big cluster: fills a database with 100,000
 * phones (one line each, a mix of models, protocols and statuses), starts a real node on it and
 * times the queries the UI makes — first page, sorted by each column, deep pages, each filter.
 *
 *   npx tsx bench/ui/phone-list.ts [--rows 100000] [--runs 15] [--database-url postgres://…/empty_db]
 *
 * Prints median and p95 per query (milliseconds, over HTTP with Basic auth, as the UI's fetch
 * sees them minus the browser). Not a test: it asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Insertable } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { phoneModels } from '../../src/core/phone-models.js';
import { startNode } from '../../src/server.js';
import { openDatabase } from '../../src/store/database.js';
import type { Schema } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const ROWS = Number(arg('rows', '100000'));
const RUNS = Number(arg('runs', '15'));
const DATABASE_URL = process.argv.includes('--database-url') ? arg('database-url', '') : undefined;
const PASSWORD = 'bench-password-1';

async function fill(store: Store): Promise<void> {
  const models = phoneModels().filter((m) => m.sccpDeviceType >= 0);
  const statuses = ['registered', 'registered', 'registered', 'unregistered', 'rejected'];
  const now = new Date().toISOString();
  const BATCH = 2000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const devices: Insertable<Schema['devices']>[] = [];
    const dns: Insertable<Schema['directory_numbers']>[] = [];
    const lines: Insertable<Schema['lines']>[] = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
      const m = models[i % models.length];
      const name = `SEP${(0x001122000000 + i).toString(16).toUpperCase().padStart(12, '0')}`;
      const status = statuses[i % statuses.length];
      const dn = String(100000 + i);
      devices.push({
        name,
        model: m.model,
        protocol: m.protocols[i % m.protocols.length],
        description: `Auto ${dn} floor ${i % 40} room ${i % 997}`,
        load_id: null,
        created_at: now,
        status,
        status_node: status === 'unregistered' && i % 2 ? null : `cm${1 + (i % 4)}`,
        ip_address: status === 'registered' ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : null,
        active_load_id: null,
        status_changed_at: now,
      });
      dns.push({ dn, created_at: now });
      lines.push({ device_name: name, line_index: 1, dn });
    }
    await store.database.db.transaction().execute(async (tx) => {
      // Chunks keep each statement under the bound-parameter limits of both back ends.
      for (let i = 0; i < devices.length; i += 500) {
        await tx
          .insertInto('devices')
          .values(devices.slice(i, i + 500))
          .execute();
        await tx
          .insertInto('directory_numbers')
          .values(dns.slice(i, i + 500))
          .execute();
        await tx
          .insertInto('lines')
          .values(lines.slice(i, i + 500))
          .execute();
      }
    });
  }
}

const QUERIES: [string, string][] = [
  ['first page (sorted by name)', ''],
  ['page 1000 of 2000', 'page=1000'],
  ['last page', `page=${Math.ceil(ROWS / 50)}`],
  ['sorted by description, desc', 'sort=description&order=desc'],
  ['sorted by model', 'sort=model'],
  ['sorted by status, page 500', 'sort=status&page=500'],
  ['sorted by IP address', 'sort=ipAddress'],
  ['name contains "AB1"', 'name=AB1'],
  ['description contains "room 42"', 'description=room%2042'],
  ['DN contains "1999"', 'dn=1999'],
  ['IP contains "10.1.2."', 'ipAddress=10.1.2.'],
  ['status = rejected', 'status=rejected'],
  ['model = 7940, SCCP', 'model=7940&protocol=SCCP'],
  ['node = cm3, registered', 'node=cm3&status=registered'],
  ['250 rows per page', 'pageSize=250'],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-'));
  const database = openDatabase({ dataDir, databaseUrl: DATABASE_URL });
  const store = await Store.open(database);
  const t0 = performance.now();
  await fill(store);
  console.log(
    `filled ${ROWS} phones in ${((performance.now() - t0) / 1000).toFixed(1)} s (${database.flavor})`,
  );
  await store.close();

  const config = loadConfig({
    flags: {
      bind: '127.0.0.1',
      httpPort: 0,
      httpMode: 'serve',
      sccpPort: 0,
      sipPort: 0,
      tftpPort: 0,
      provisioningHttpPort: 0,
      dataDir,
      databaseUrl: DATABASE_URL,
    },
  });
  const node = await startNode(config, { logger: pino({ level: 'warn' }), adminPassword: PASSWORD });
  const auth = `Basic ${Buffer.from(`CCMAdministrator:${PASSWORD}`).toString('base64')}`;
  const base = `http://127.0.0.1:${node.ports.http}/api/v1/phones`;
  try {
    console.log(
      `\n${'query'.padEnd(34)} ${'total'.padStart(8)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)}`,
    );
    for (const [label, q] of QUERIES) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < RUNS + 2; i++) {
        const start = performance.now();
        const r = await fetch(`${base}?${q}`, { headers: { authorization: auth } });
        const body = (await r.json()) as { total: number };
        if (!r.ok) throw new Error(`${label}: ${r.status} ${JSON.stringify(body)}`);
        // The first two runs warm caches (and the Basic credential cache).
        if (i >= 2) times.push(performance.now() - start);
        total = body.total;
      }
      times.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(34)} ${String(total).padStart(8)} ${percentile(times, 50).toFixed(1).padStart(10)} ${percentile(times, 95).toFixed(1).padStart(8)}`,
      );
    }
  } finally {
    await node.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
