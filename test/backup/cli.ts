import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from '../support/databases.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `openucm …` from source, as an operator would run the installed command. */
export function openucm(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The store options of a test database, as flags. */
export function storeFlags(database: TestDatabase): string[] {
  return [
    '--data-dir',
    database.dataDir,
    ...(database.databaseUrl ? ['--database-url', database.databaseUrl] : []),
  ];
}
