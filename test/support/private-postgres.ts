/**
 * A PostgreSQL cluster of a test's own (initdb into a temporary directory, its own port), for tests
 * that restart or kill the server: the machine's shared server on 5432 is never touched.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pgClient from 'pg';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/<version>/bin), or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : null;
}

/**
 * True when a private cluster can be made here; outside CI a machine without the server binaries
 * skips, in CI it is an error (the restart tests must run).
 */
export function privatePostgresAvailable(): boolean {
  if (postgresBinaries()) return true;
  if (process.env.CI)
    throw new Error(
      'PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are missing; CI must install them',
    );
  return false;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** pg_ctl restart -m fast (or immediate: a crash of the server, with recovery at start). */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** pg_ctl stop (-m immediate: as a crash or a lost machine, nothing flushed on the way out). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** A standby: pg_ctl promote, waiting until it takes writes. */
  promote(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

type PgRunner = (tool: string, args: string[]) => Promise<unknown>;

/** The binaries, run as the postgres OS user when the test runs as root (initdb refuses root). */
function runner(dir: string): { pg: PgRunner; chown(): Promise<void> } {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries');
  const asOwner = process.getuid?.() === 0;
  return {
    pg: (tool, args) =>
      asOwner
        ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
        : run(path.join(bin, tool), args),
    chown: async () => {
      if (asOwner) await run('chown', ['postgres:postgres', dir]);
    },
  };
}

/** Starts the cluster in `dir`/data on `port` and returns its handle. */
async function serve(dir: string, port: number, pg: PgRunner): Promise<PrivatePostgres> {
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'log');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  await pg('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart(mode) {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-l', log, '-w', 'restart']);
    },
    async stop(mode) {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    },
    async promote() {
      await pg('pg_ctl', ['-D', data, '-w', 'promote']);
    },
    async destroy() {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-pg-'));
  const { pg, chown } = runner(dir);
  await chown();
  // initdb's trust rules include replication connections from 127.0.0.1 (pg_basebackup, walreceiver).
  await pg('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-instructions']);
  return serve(dir, await freePort(), pg);
}

/**
 * A streaming replica of `primary` (pg_basebackup -R: standby.signal and primary_conninfo), a hot
 * standby on its own port. With `synchronous`, the primary then waits for it to flush each commit
 * (synchronous_standby_names = '*', set on the primary alone by ALTER SYSTEM after the copy, so the
 * promoted standby does not wait for a standby of its own): what a node was told is committed is
 * on both.
 */
export async function startStreamingReplica(
  primary: PrivatePostgres,
  options: { synchronous: boolean },
): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-pg-standby-'));
  const { pg, chown } = runner(dir);
  await chown();
  const data = path.join(dir, 'data');
  await pg('pg_basebackup', [
    '-D',
    data,
    '-R',
    '-X',
    'stream',
    // Start at once instead of after a spread checkpoint (minutes on an idle server).
    '--checkpoint=fast',
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
  ]);
  const standby = await serve(dir, await freePort(), pg);
  const admin = new pgClient.Client({ connectionString: primary.url });
  await admin.connect();
  try {
    for (;;) {
      const r = await admin.query<{ state: string }>('SELECT state FROM pg_stat_replication');
      if (r.rows.some((row) => row.state === 'streaming')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (options.synchronous) {
      await admin.query(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
      await admin.query('SELECT pg_reload_conf()');
      for (;;) {
        const r = await admin.query<{ sync_state: string }>('SELECT sync_state FROM pg_stat_replication');
        if (r.rows.some((row) => row.sync_state === 'sync')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return standby;
}
