import os from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { ConfigError, loadConfig } from '../config.js';
import { createBackup } from '../services/backup/create-backup.js';
import { contentsSummary } from '../services/backup/manifest.js';
import { RestoreRefusedError, restoreBackup } from '../services/backup/restore-backup.js';
import { VERSION } from '../version.js';

/** Exit code of `openucm restore` refused because a node runs on the store (1: it failed, 2: bad settings). */
export const EXIT_NODE_RUNNING = 3;

interface StoreOptions {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

function withStoreOptions(command: Command): Command {
  return command
    .option('--config <file>', "the node's JSON settings file (its dataDir and databaseUrl are used)")
    .option(
      '--data-dir <dir>',
      "the node's data directory: SQLite database and firmware loads [OPENUCM_DATA_DIR]",
    )
    .option('--database-url <url>', 'postgres://… when the node uses PostgreSQL [OPENUCM_DATABASE_URL]')
    .option('--json', 'print the result as JSON');
}

/** The node's store as `openucm start` would find it: same file, variables and flags. */
function storeOf(opts: StoreOptions): Pick<Config, 'dataDir' | 'databaseUrl'> {
  const config = loadConfig({
    file: opts.config,
    env: process.env,
    flags: { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl },
  });
  return { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
}

/** Runs a command's work; prints an error as one line an operator can act on, with an exit code. */
async function run(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(`openucm ${name}: ${(error as Error).message}`);
    process.exitCode =
      error instanceof ConfigError ? 2 : error instanceof RestoreRefusedError ? EXIT_NODE_RUNNING : 1;
  }
}

/** `openucm backup --out FILE` and `openucm restore FILE` (README: Backup and restore). */
export function registerBackupCommands(program: Command): void {
  withStoreOptions(
    program
      .command('backup')
      .description(
        "write a backup archive (.tar.gz) of a node's database and firmware loads; safe while the node runs",
      )
      .requiredOption('--out <file>', 'the archive to write; an existing file is never overwritten'),
  ).action((opts: StoreOptions & { out: string }) =>
    run('backup', async () => {
      const result = await createBackup({
        ...storeOf(opts),
        out: opts.out,
        madeBy: `openucm backup on ${os.hostname()}`,
        version: VERSION,
        now: new Date(),
      });
      for (const warning of result.warnings) console.error(`openucm backup: warning: ${warning}`);
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else
        console.log(
          `wrote ${result.file} (${result.bytes} bytes): ${result.manifest.database.flavor} database with ${contentsSummary(result.manifest)}`,
        );
    }),
  );

  withStoreOptions(
    program
      .command('restore')
      .argument('<file>', 'a backup archive written by openucm backup (or by a node)')
      .description(
        "replace a node's database and firmware loads with those of a backup; stop the node(s) first",
      )
      .option(
        '--force',
        'overwrite the store even though a node is running on it (then restart that node at once)',
      ),
  ).action((file: string, opts: StoreOptions & { force?: boolean }) =>
    run('restore', async () => {
      const store = storeOf(opts);
      const result = await restoreBackup({ ...store, file, force: opts.force === true, now: new Date() });
      for (const warning of result.warnings) console.error(`openucm restore: warning: ${warning}`);
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else {
        const m = result.manifest;
        console.log(
          `restored the backup of ${m.createdAt} (made by ${m.madeBy}, openucm ${m.openucmVersion}) into ` +
            `${store.databaseUrl ? 'PostgreSQL' : store.dataDir}: ${contentsSummary(m)}. Everyone signs in again.`,
        );
        if (result.overwroteRunning.length > 0)
          console.log(
            `restart now the node(s) that were running on it: ${result.overwroteRunning.join(', ')}`,
          );
        else console.log('start the node(s) now.');
      }
    }),
  );
}
