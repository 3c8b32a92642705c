/** A TftpServer on 127.0.0.1, port 0, serving a temporary directory, with its events recorded. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DirectoryFileSource, TftpServer } from '../../../src/protocols/tftp/index.js';
import type { TftpEvent, TftpServerOptions } from '../../../src/protocols/tftp/index.js';

export const SMALL_NAME = 'SEP001122AABBCC.cnf.xml';
/** 512 × 6: a block-size multiple, so clients must handle the empty final block. */
export const EXACT_NAME = 'RINGLIST.DAT';
export const BIG_NAME = 'SCCP41.9-4-2SR3-1S.loads.sbn';

export interface Fixture {
  server: TftpServer;
  port: number;
  /** Directory served; clients write their output files here too (under out/ names the server never lists). */
  dir: string;
  outDir: string;
  events: TftpEvent[];
  /** Every log line the server wrote (debug and up), parsed. */
  logs: Array<Record<string, unknown>>;
  files: Record<string, Buffer>;
  stop(): Promise<void>;
}

export async function startFixture(overrides: Partial<TftpServerOptions> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'openucm-tftp-'));
  const outDir = await mkdtemp(join(tmpdir(), 'openucm-tftp-out-'));
  const files: Record<string, Buffer> = {
    [SMALL_NAME]: Buffer.from(`<?xml version="1.0"?>\n<device>${'<line/>'.repeat(200)}</device>\n`),
    [EXACT_NAME]: randomBytes(512 * 6),
    [BIG_NAME]: randomBytes(3 * 1024 * 1024 + 777),
  };
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
  const events: TftpEvent[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const echo = process.env.TFTP_TEST_LOG === '1';
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
        if (echo) process.stderr.write(line);
      },
    },
  );
  const server = new TftpServer({
    host: '127.0.0.1',
    port: 0,
    files: new DirectoryFileSource(dir),
    logger,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  const { port } = await server.start();
  return {
    server,
    port,
    dir,
    outDir,
    events,
    logs,
    files,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
