/**
 * kill -9 of a node (a child process started through the CLI) in the middle of an
 * auto-registration storm, round after round on the same database: every phone that was told it
 * is registered (SCCP RegisterAck, SIP 200 OK) exists after the crash with the DN it was given
 * (what it read in LineStatRes, or in its SIP<MAC>.cnf), no DN is held twice, and no device that
 * existed before a crash is missing after it. Even rounds storm with SCCP phones, odd rounds with
 * SIP ones (the enterprise parameter is switched through the API at the start of each round).
 *
 * OPENUCM_CRASH_ROUNDS sets the rounds per database: 4 by default (about a minute for both
 * databases, as the suite runs it), 20 for the full check (README: Test).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { parseSipText, sipSettings } from '../../src/sim/sip-text-config.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { apiClient } from '../support/node.js';

const ROUNDS = Number(process.env.OPENUCM_CRASH_ROUNDS ?? 4);
const PHONES_PER_ROUND = 30;
const PASSWORD = 'crash-secret';
const root = path.resolve(import.meta.dirname, '../..');

interface Ports {
  http: number;
  sccp: number;
  sip: number;
  provisioningHttp: number;
}

/** `openucm start` in a child process, on loopback with every port picked by the system. */
async function startNode(database: TestDatabase): Promise<{ child: ChildProcess; ports: Ports }> {
  const args = [
    '--import',
    'tsx',
    'src/main.ts',
    'start',
    '--bind',
    '127.0.0.1',
    '--data-dir',
    database.dataDir,
  ];
  for (const flag of ['--http-port', '--sccp-port', '--sip-port', '--tftp-port', '--provisioning-http-port'])
    args.push(flag, '0');
  args.push('--http-mode', 'serve');
  if (database.databaseUrl) args.push('--database-url', database.databaseUrl);
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, OPENUCM_ADMIN_PASSWORD: PASSWORD, OPENUCM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<Ports>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; ports?: Ports };
      if (entry.msg === 'listening' && entry.ports) resolve(entry.ports);
    });
    child.once('exit', (code) => reject(new Error(`the node exited with ${code} before listening`)));
    setTimeout(() => reject(new Error('the node did not log "listening" within 60 s')), 60_000).unref();
  });
  return { child, ports };
}

/** What the phones were told: device name → DN (null: acknowledged, but the DN was not read before the crash). */
type Acknowledged = Map<string, string | null>;

async function sccpPhone(
  name: string,
  ports: Ports,
  told: Acknowledged,
  open: Array<() => void>,
): Promise<void> {
  const station = new SccpStation({ deviceName: name, deviceType: 8 });
  open.push(() => station.destroy());
  await station.connect('127.0.0.1', ports.sccp, undefined, 5000);
  if ((await station.register(5000)).kind !== 'registered') return;
  told.set(name, null);
  const dn = (await station.startup()).lines[0]?.dn;
  if (dn) told.set(name, dn);
}

async function sipPhone(
  mac: string,
  ports: Ports,
  told: Acknowledged,
  open: Array<() => void>,
): Promise<void> {
  const phone = new SipRegistration({
    mac,
    modelEnum: 7,
    userAgent: 'Cisco-CP7960G/8.0',
    expires: 3600,
    localAddress: '127.0.0.1',
    t1Ms: 100,
  });
  open.push(() => phone.close());
  await phone.open();
  const name = `SEP${mac}`;
  const line = { index: 1, name, authName: name };
  if ((await phone.register(line, { host: '127.0.0.1', port: ports.sip })).kind !== 'registered') return;
  told.set(name, null);
  // A 7960 on a SIP load reads its line's number from SIP<MAC>.cnf (provisioning.md §4.2).
  const response = await fetch(`http://127.0.0.1:${ports.provisioningHttp}/SIP${mac}.cnf`);
  if (!response.ok) return;
  const dn = sipSettings(parseSipText(await response.text())).lines[0]?.name;
  if (dn) told.set(name, dn);
}

/** Every device and the DN of its line 1, read from the database itself while no node runs. */
async function storedDevices(database: TestDatabase): Promise<Array<{ name: string; dn: string | null }>> {
  const query = `SELECT d.name AS name, l.dn AS dn FROM devices d LEFT JOIN lines l ON l.device_name = d.name AND l.line_index = 1`;
  if (!database.databaseUrl) {
    const db = new SqliteDatabase(path.join(database.dataDir, 'openucm.sqlite'));
    try {
      return db.prepare(query).all() as Array<{ name: string; dn: string | null }>;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ name: string; dn: string | null }>(query)).rows;
  } finally {
    await client.end();
  }
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-crash-'));
  return {
    flavor: 'sqlite',
    dataDir,
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

describe.each([
  { flavor: 'sqlite', create: sqliteDatabase, available: async () => true },
  { flavor: 'postgres', create: createPostgresDatabase, available: postgresAvailable },
])('kill -9 during auto-registration storms on $flavor', ({ create, available }) => {
  it(`keeps every acknowledged phone with its DN, through ${ROUNDS} crashes on the same database`, async (ctx) => {
    if (!(await available())) ctx.skip();
    const database = await create();
    const told: Acknowledged = new Map();
    let known = new Set<string>();
    let node: ChildProcess | null = null;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const started = await startNode(database);
        node = started.child;
        const { ports } = started;
        const api = apiClient(ports.http, 'CCMAdministrator', PASSWORD);
        const protocol = round % 2 === 0 ? 'SCCP' : 'SIP';
        expect(
          (await api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: protocol })).status,
        ).toBe(200);
        const open: Array<() => void> = [];
        const macs = Array.from(
          { length: PHONES_PER_ROUND },
          () => `00CE${randomBytes(4).toString('hex').toUpperCase()}`,
        );
        // Phones power on 10 ms apart, and the crash lands anywhere in the storm after the first
        // answer (a loaded machine may take longer than the storm to answer at all): some are
        // answered and stored, some are stored but not yet answered, some not yet stored.
        let crashed = false;
        const toldBefore = told.size;
        const storm = macs.map(async (mac, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 10));
          if (crashed) return;
          const phone =
            protocol === 'SCCP'
              ? sccpPhone(`SEP${mac}`, ports, told, open)
              : sipPhone(mac, ports, told, open);
          await phone.catch(() => undefined);
        });
        const answeredBy = Date.now() + 30_000;
        while (told.size === toldBefore && Date.now() < answeredBy)
          await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        crashed = true;
        const exited = new Promise((resolve) => node!.once('exit', resolve));
        node.kill('SIGKILL');
        await exited;
        node = null;
        for (const close of open) close();
        await Promise.all(storm);

        const stored = await storedDevices(database);
        const byName = new Map(stored.map((d) => [d.name, d.dn]));
        const missing = [...told].filter(
          ([name, dn]) => !byName.has(name) || (dn !== null && byName.get(name) !== dn),
        );
        expect(missing, `round ${round}: acknowledged phones missing or with another DN`).toEqual([]);
        expect(
          [...known].filter((name) => !byName.has(name)),
          `round ${round}: devices lost`,
        ).toEqual([]);
        const dns = stored.map((d) => d.dn);
        expect(
          dns.filter((dn, i) => dn === null || dns.indexOf(dn) !== i),
          `round ${round}: DN twice`,
        ).toEqual([]);
        known = new Set(byName.keys());
      }
      // Every storm registered phones before its crash.
      expect(told.size).toBeGreaterThanOrEqual(ROUNDS);
    } finally {
      node?.kill('SIGKILL');
      await database.drop();
    }
  }, 600_000);
});
