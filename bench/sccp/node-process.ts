/** Starts and stops an openucm node as a separate process, and measures its memory. */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { childrenOf, kb } from '../proc.js';

export interface NodeSpec {
  dataDir: string;
  httpPort: number;
  sccpPort: number;
  tftpPort: number;
  sipPort: number;
  provisioningHttpPort: number;
  /** --sccp-workers; undefined: the node's default (as many as the open-file limit needs). */
  sccpWorkers: number | undefined;
  keepaliveSeconds: number;
  adminPassword: string;
  /** The node's log (warnings and above) is appended here. */
  logFile: string;
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
    ...['--http-mode', 'serve'],
    ...(spec.sccpWorkers === undefined ? [] : ['--sccp-workers', String(spec.sccpWorkers)]),
    '--keepalive-seconds',
    String(spec.keepaliveSeconds),
    '--log-level',
    'warn',
  ];
  const log = openSync(spec.logFile, 'a');
  const child = spawn(process.execPath, args, {
    env: { ...process.env, OPENUCM_ADMIN_PASSWORD: spec.adminPassword },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
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

/** TCP ports free on 127.0.0.1 now, all different (held together while they are picked). */
async function freeTcpPorts(n: number): Promise<net.Server[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server));
        }),
    ),
  );
}

function portOf(server: net.Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Whether `port` can be bound for UDP on 127.0.0.1 (0: any), and the port bound. */
function udpPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(null));
    socket.bind(port, '127.0.0.1', () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });
}

/**
 * Ports for the node, picked free on this machine now: a shared machine may run another bench
 * at the same time, and fixed ports would put one bench's phones on the other's node. The node
 * keeps them across its restart, so that the phones find it again.
 */
export async function freeNodePorts(): Promise<
  Pick<NodeSpec, 'httpPort' | 'sccpPort' | 'sipPort' | 'tftpPort' | 'provisioningHttpPort'>
> {
  for (;;) {
    const servers = await freeTcpPorts(4);
    const [httpPort, sccpPort, sipPort, provisioningHttpPort] = servers.map(portOf);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    // SIP listens on UDP and TCP alike.
    const sipUdp = await udpPort(sipPort);
    const tftpPort = await udpPort(0);
    if (sipUdp !== null && tftpPort !== null)
      return { httpPort, sccpPort, sipPort, tftpPort, provisioningHttpPort };
  }
}
