/** A real TftpServer on 127.0.0.1 serving files a test writes, with the requests it saw. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DirectoryFileSource, TftpServer } from '../../src/protocols/tftp/index.js';
import type { TftpEvent } from '../../src/protocols/tftp/index.js';

export interface FileServer {
  port: number;
  dir: string;
  events: TftpEvent[];
  /** File names requested, in order (found or not). */
  requested(): string[];
  put(name: string, data: string | Buffer): Promise<void>;
  stop(): Promise<void>;
}

export async function startFileServer(files: Record<string, string | Buffer> = {}): Promise<FileServer> {
  const dir = await mkdtemp(join(tmpdir(), 'openucm-sim-tftp-'));
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
  const events: TftpEvent[] = [];
  const server = new TftpServer({
    host: '127.0.0.1',
    port: 0,
    files: new DirectoryFileSource(dir),
    logger: pino({ level: 'silent' }),
    onEvent: (e) => events.push(e),
  });
  const { port } = await server.start();
  return {
    port,
    dir,
    events,
    requested: () =>
      events.filter((e) => e.type === 'read-started' || e.type === 'not-found').map((e) => e.file as string),
    put: (name, data) => writeFile(join(dir, name), data),
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
