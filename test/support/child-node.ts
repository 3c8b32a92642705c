/**
 * A node started as an operator starts it (`openucm start` from source, in a child process): a
 * crash is the process exiting, an error nobody caught is the process guard's log line, and its
 * memory is its own.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { apiClient } from './node.js';
import { seedTestIdentity } from './test-identity.js';
import type { Api } from './node.js';

const root = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'child-node-secret';

export interface ChildNode {
  child: ChildProcess;
  ports: { http: number; sccp: number; sip: number; tftp: number; provisioningHttp: number };
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  api: Api;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resident memory of the node's process, in kB (0 once it exited). */
  rssKb(): number;
  /** The value of a counter or gauge in /metrics (summed over label sets matching `labels`). */
  metric(name: string, labels?: string): Promise<number>;
  /** Lines the process guard wrote: errors that escaped every handler. */
  unexpected(): Record<string, unknown>[];
  /** SIGTERM, wait, and remove the data directory. */
  stop(): Promise<void>;
}

/** Starts `openucm start` on 127.0.0.1 with every port picked by the system, plus `flags`. */
export async function startChildNode(flags: string[] = []): Promise<ChildNode> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-sip-'));
  const args = ['--import', 'tsx', 'src/main.ts', 'start', '--bind', '127.0.0.1', '--data-dir', dataDir];
  for (const flag of ['--http-port', '--sccp-port', '--sip-port', '--tftp-port', '--provisioning-http-port'])
    args.push(flag, '0');
  // Plain HTTP unless the test asks for TLS (a node's default is --http-mode redirect: docs/https.md).
  // The node's identity file is made once per machine for such nodes (test-identity.ts).
  if (!flags.includes('--https-port')) args.push('--https-port', '0');
  if (!flags.includes('--http-mode')) {
    args.push('--http-mode', 'serve');
    await seedTestIdentity(dataDir);
  }
  const child = spawn(process.execPath, [...args, ...flags], {
    cwd: root,
    env: { ...process.env, OPENUCM_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ports = await new Promise<ChildNode['ports']>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'listening') resolve(entry.ports as ChildNode['ports']);
    });
    child.once('exit', (code) => reject(new Error(`the node exited while starting (code ${code})`)));
  });
  const auth = `Basic ${Buffer.from(`CCMAdministrator:${PASSWORD}`).toString('base64')}`;
  return {
    child,
    ports,
    logs,
    api: apiClient(ports.http, 'CCMAdministrator', PASSWORD),
    alive: () => child.exitCode === null && child.signalCode === null,
    rssKb: () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      } catch {
        return 0;
      }
    },
    metric: async (name, labels) => {
      const text = await (
        await fetch(`http://127.0.0.1:${ports.http}/metrics`, { headers: { authorization: auth } })
      ).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
        if (labels !== undefined && !line.includes(labels)) continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    unexpected: () =>
      logs.filter(
        (l) => String(l.msg).includes('no handler caught') || String(l.msg).includes('nobody waited for'),
      ),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
