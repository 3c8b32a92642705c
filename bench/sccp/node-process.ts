/** Starts and stops an openucm node as a separate process, and measures its memory. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { childrenOf, kb } from '../proc.js';

export interface NodeSpec {
  dataDir: string;
  httpPort: number;
  sccpPort: number;
  tftpPort: number;
  sipPort: number;
  provisioningHttpPort: number;
  sccpWorkers: number;
  keepaliveSeconds: number;
  adminPassword: string;
}

export interface NodeProcess {
  child: ChildProcess;
  /** Sends SIGTERM and waits for the node to exit. */
  stop(): Promise<void>;
}

/** Runs `openucm start` from source (tsx) on 127.0.0.1 with the given ports. */
export async function startNodeProcess(spec: NodeSpec): Promise<NodeProcess> {
  const args = [
    '--import',
    'tsx',
    'src/main.ts',
    'start',
    '--bind',
    '127.0.0.1',
    '--http-port',
    String(spec.httpPort),
    '--sccp-port',
    String(spec.sccpPort),
    '--tftp-port',
    String(spec.tftpPort),
    '--sip-port',
    String(spec.sipPort),
    '--provisioning-http-port',
    String(spec.provisioningHttpPort),
    '--data-dir',
    spec.dataDir,
    '--sccp-workers',
    String(spec.sccpWorkers),
    '--keepalive-seconds',
    String(spec.keepaliveSeconds),
    '--log-level',
    'warn',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, OPENUCM_ADMIN_PASSWORD: spec.adminPassword },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the node exited while starting (code ${child.exitCode})`);
    try {
      const r = await fetch(`http://127.0.0.1:${spec.httpPort}/api/v1/nodes`, {
        headers: { authorization: basic(spec.adminPassword) },
      });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the node did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function basic(password: string): string {
  return `Basic ${Buffer.from(`CCMAdministrator:${password}`).toString('base64')}`;
}

/** Resident memory of the node: its primary process plus every child (SCCP workers, helpers), in MB. */
export function nodeRssMb(pid: number): { totalMb: number; processes: { pid: number; mb: number }[] } {
  const pids = [pid, ...childrenOf(pid)];
  const processes = pids.map((p) => ({ pid: p, mb: kb(p, 'status', 'VmRSS') / 1024 }));
  return { totalMb: processes.reduce((s, p) => s + p.mb, 0), processes };
}
