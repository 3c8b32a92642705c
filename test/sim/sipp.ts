/** SIPp (Debian sip-tester) as a stand-in SIP registrar for the simulator's SIP client. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Sipp {
  port: number;
  /** Lines SIPp logged with <log> (the phone's Contact and User-Agent). */
  logged(): Promise<string>;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  s.close();
  return port;
}

/** Starts SIPp as a registrar that accepts `user` / `password` (digest). */
export async function startSippRegistrar(user: string, password: string): Promise<Sipp> {
  const dir = await mkdtemp(join(tmpdir(), 'openucm-sipp-'));
  const users = join(dir, 'users.csv');
  await writeFile(users, `SEQUENTIAL\n${user};${password};\n`);
  const scenario = fileURLToPath(new URL('./sipp/registrar.xml', import.meta.url));
  const port = await freeUdpPort();
  const log = join(dir, 'messages.log');
  const child: ChildProcess = spawn(
    'sipp',
    [
      '-sf',
      scenario,
      '-inf',
      users,
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-m',
      '1',
      '-trace_logs',
      '-log_file',
      log,
      '-nostdin',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((r) => child.once('exit', r));
  return {
    port,
    // SIPp writes its log through a buffer it flushes at exit, which follows its one call (-m 1):
    // a phone may show "registered" before that (CI read an empty log once).
    logged: async () => {
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      return readFile(log, 'utf8').catch(() => '');
    },
    stop: async () => {
      // SIPp exits by itself after its one call (-m 1); end it if the test did not get that far.
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
