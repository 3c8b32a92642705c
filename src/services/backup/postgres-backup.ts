import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CLUSTER_OBJECTS_DROP_SQL } from '../../store/cluster-objects.js';
import { parsePostgresUrl } from '../../store/postgres-hosts.js';
import { writableUrl } from '../../store/postgres-writable.js';
import { OPENUCM_TABLES } from '../../store/tables.js';
import type { DatabaseContents } from './sqlite-copy.js';

/** Where Debian and Ubuntu install each major version of the PostgreSQL client programs. */
const DEBIAN_PG_LIB = '/usr/lib/postgresql';

export interface PgTool {
  path: string;
  version: string;
  major: number;
}

/** The major version in `pg_dump (PostgreSQL) 15.20 (Debian …)` or `16.4`; null if none. */
export function majorVersion(text: string): number | null {
  const m = /(\d+)(?:\.(\d+))?/.exec(text);
  return m ? Number(m[1]) : null;
}

/** Runs a PostgreSQL program; rejects with its own words (stderr) when it fails. */
function runTool(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out = (out + chunk.toString()).slice(-65536)));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-65536)));
    child.once('error', (error) => reject(error));
    child.once('close', (code, signal) => {
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `${path.basename(program)} failed (${signal ?? `exit code ${code}`}): ${err.trim() || out.trim()}`,
          ),
        );
    });
  });
}

async function toolAt(program: string): Promise<PgTool | null> {
  try {
    const version = (await runTool(program, ['--version'], process.env)).trim();
    const major = majorVersion(version.replace(/^\D+/, ''));
    return major === null ? null : { path: program, version, major };
  } catch {
    return null;
  }
}

/**
 * Of the `found` versions of `name` (in order of preference), the first of at least the server's
 * major version: pg_dump refuses to dump a newer server. Throws naming what to install.
 */
export function chooseTool(name: 'pg_dump' | 'psql', found: readonly PgTool[], serverMajor: number): PgTool {
  const fit = found.find((t) => t.major >= serverMajor);
  if (fit) return fit;
  const have =
    found.length > 0 ? `only ${found.map((t) => t.version).join(', ')} found` : `${name} not found`;
  throw new Error(
    `${name} of PostgreSQL ${serverMajor} or newer is needed for a PostgreSQL ${serverMajor} server (${have}): ` +
      `install postgresql-client-${serverMajor} (Debian/Ubuntu) or put its bin directory on PATH`,
  );
}

/** `name` on PATH, then in Debian's per-version directories, newest first (see chooseTool). */
async function findTool(name: 'pg_dump' | 'psql', serverMajor: number): Promise<PgTool> {
  const versions = fs.existsSync(DEBIAN_PG_LIB)
    ? fs
        .readdirSync(DEBIAN_PG_LIB)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const found: PgTool[] = [];
  for (const program of [name, ...versions.map((v) => path.join(DEBIAN_PG_LIB, v, 'bin', name))]) {
    const tool = await toolAt(program);
    if (tool) found.push(tool);
    if (tool && tool.major >= serverMajor) break;
  }
  return chooseTool(name, found, serverMajor);
}

/**
 * The URL for the PostgreSQL programs without its password, which goes to them in PGPASSWORD:
 * on the command line `ps` would show it to every user of the machine.
 */
function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

async function serverMajor(client: pg.Client): Promise<{ version: string; major: number }> {
  const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]
    .server_version;
  const num = Number(
    (await client.query<{ server_version_num: string }>('show server_version_num')).rows[0]
      .server_version_num,
  );
  return { version, major: Math.floor(num / 10000) };
}

/** The migrations a database had; null when it has no openucm schema. */
async function migrationsOf(client: pg.Client): Promise<string[] | null> {
  const exists = await client.query(`select to_regclass('kysely_migration') is not null as present`);
  if (!(exists.rows[0] as { present: boolean }).present) return null;
  return (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map(
    (r) => r.name,
  );
}

async function contentsOf(client: pg.Client): Promise<DatabaseContents> {
  const migrations = await migrationsOf(client);
  if (!migrations) throw new Error('the database has no openucm schema (no kysely_migration table)');
  const count = async (table: string) =>
    Number((await client.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0].n);
  return {
    counts: {
      phones: await count('devices'),
      directoryNumbers: await count('directory_numbers'),
      users: await count('users'),
    },
    migrations,
  };
}

/**
 * Dumps the database at `url` to the plain-SQL file `file` with pg_dump, from one snapshot that
 * the counts in the manifest are read from too: consistent while nodes write.
 */
export async function dumpPostgres(
  givenUrl: string,
  file: string,
): Promise<DatabaseContents & { serverVersion: string; dumpVersion: string }> {
  // Several hosts: the writable one, for pg_dump too (the snapshot exists only there).
  const url = await writableUrl(parsePostgresUrl(givenUrl));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const server = await serverMajor(client);
    const dump = await findTool('pg_dump', server.major);
    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0].id;
    const contents = await contentsOf(client);
    const { dbname, env } = toolConnection(url);
    // The exporting transaction stays open until pg_dump has taken the snapshot (and finished).
    await runTool(
      dump.path,
      [
        '--format=plain',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${snapshot}`,
        `--file=${file}`,
        `--dbname=${dbname}`,
      ],
      env,
    );
    await client.query('commit');
    return { ...contents, serverVersion: server.version, dumpVersion: dump.version };
  } finally {
    await client.end();
  }
}

/**
 * Replaces openucm's tables in the database at `url` with those of the dump `sqlFile`, then runs
 * `resetSql`, all in one transaction (psql --single-transaction): a failure changes nothing.
 * `knownMigrations`: a database used by a newer openucm (with migrations unknown here) is refused.
 */
export async function restorePostgres(options: {
  url: string;
  sqlFile: string;
  workDir: string;
  resetSql: readonly string[];
  backupServerVersion?: string;
  knownMigrations: readonly string[];
}): Promise<DatabaseContents> {
  // Several hosts: the writable one, for psql too.
  const url = await writableUrl(parsePostgresUrl(options.url));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const server = await serverMajor(client);
    const from = options.backupServerVersion ? majorVersion(options.backupServerVersion) : null;
    if (from !== null && from > server.major)
      throw new Error(
        `the backup was dumped from PostgreSQL ${options.backupServerVersion}; restore it into PostgreSQL ${from} or newer (this server is ${server.version})`,
      );
    const unknown = ((await migrationsOf(client)) ?? []).filter((m) => !options.knownMigrations.includes(m));
    if (unknown.length > 0)
      throw new Error(
        `the database was used by a newer openucm (migrations ${unknown.join(', ')}); restore with that version`,
      );
    const psql = await findTool('psql', server.major);
    const prelude = path.join(options.workDir, 'prelude.sql');
    const postlude = path.join(options.workDir, 'postlude.sql');
    // Every table openucm knows, so that none of a newer schema's survives beside the backup's.
    fs.writeFileSync(
      prelude,
      `drop table if exists ${OPENUCM_TABLES.map((t) => `"${t}"`).join(', ')} cascade;\n${CLUSTER_OBJECTS_DROP_SQL}`,
    );
    // The dump empties search_path for its session; the reset statements name tables plainly.
    fs.writeFileSync(postlude, ['reset search_path', ...options.resetSql].map((s) => `${s};\n`).join(''));
    const { dbname, env } = toolConnection(url);
    await runTool(
      psql.path,
      [
        '--no-psqlrc',
        '--quiet',
        '--single-transaction',
        '--set=ON_ERROR_STOP=1',
        `--dbname=${dbname}`,
        `--file=${prelude}`,
        `--file=${options.sqlFile}`,
        `--file=${postlude}`,
      ],
      env,
    );
    return await contentsOf(client);
  } finally {
    await client.end();
  }
}
