/**
 * The openucm node of the SIP benches (bench:sip, bench:calls), started as an operator would —
 * `node dist/main.js start` from a tsc build, or from source with tsx — on loopback with fixed
 * ports, and the checks around it: a port left busy by an earlier run, readiness (OPTIONS answered),
 * the admin API.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';

export interface NodePorts {
  http: number;
  sccp: number;
  sip: number;
  tftp: number;
  provisioningHttp: number;
}

export interface OpenucmNode {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Refuses to measure whatever already listens on `port` (a leftover server would answer for the new one). */
export async function ensurePortFree(port: number, what: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    throw new Error(
      `UDP 127.0.0.1:${port} for ${what} is already in use (${(error as NodeJS.ErrnoException).code}): stop the process holding it (ss -ulpn | grep ${port})`,
      { cause: error },
    );
  } finally {
    socket.close();
  }
}

/** Waits until `port` answers an OPTIONS with 200. */
export async function sipReady(port: number, what: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const local = socket.address().port;
  let answered = false;
  socket.on('message', (m) => {
    if (m.toString().startsWith('SIP/2.0 200')) answered = true;
  });
  try {
    const deadline = Date.now() + 60_000;
    for (let n = 0; !answered; n++) {
      if (Date.now() > deadline) throw new Error(`${what} does not answer OPTIONS on 127.0.0.1:${port}`);
      socket.send(
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKready${n};rport\r\n` +
          `From: <sip:bench@127.0.0.1>;tag=${n}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: ready${n}@bench\r\nCSeq: 1 OPTIONS\r\n` +
          'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
        port,
        '127.0.0.1',
      );
      await sleep(300);
    }
  } finally {
    socket.close();
  }
}

/**
 * Starts `openucm start` on 127.0.0.1 with `ports` and a fresh `dataDir`: the tsc build in `build`
 * (bench/results/…/dist/main.js), or src/main.ts through tsx when `build` is undefined. Resolves
 * once the node answers SIP OPTIONS.
 */
export async function startOpenucm(options: {
  root: string;
  build: string | undefined;
  dataDir: string;
  ports: NodePorts;
  adminPassword: string;
  /** Node.js flags (--cpu-prof …) before the entry point. */
  nodeArgs?: string[];
  /** More `openucm start` flags (limits). */
  args?: string[];
}): Promise<OpenucmNode> {
  const { ports } = options;
  const args = [
    ...(options.build === undefined ? ['--import', 'tsx'] : []),
    ...(options.nodeArgs ?? []),
    options.build === undefined ? 'src/main.ts' : path.join(options.build, 'dist', 'main.js'),
    'start',
    '--bind',
    '127.0.0.1',
    '--http-port',
    String(ports.http),
    '--sccp-port',
    String(ports.sccp),
    '--sip-port',
    String(ports.sip),
    '--tftp-port',
    String(ports.tftp),
    '--provisioning-http-port',
    String(ports.provisioningHttp),
    '--data-dir',
    options.dataDir,
    ...['--http-mode', 'serve'],
    '--log-level',
    'warn',
    ...(options.args ?? []),
  ];
  await ensurePortFree(ports.sip, 'openucm');
  const child = spawn(process.execPath, args, {
    cwd: options.root,
    env: { ...process.env, OPENUCM_ADMIN_PASSWORD: options.adminPassword },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await sipReady(ports.sip, 'openucm');
  if (child.exitCode !== null || child.pid === undefined)
    throw new Error(`openucm exited at start (code ${child.exitCode})`);
  return {
    child,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A call to the node's admin API (/api/v1) as the administrator; a non-2xx answer is an error. */
export function adminApi(httpPort: number, password: string) {
  const authorization = `Basic ${Buffer.from(`CCMAdministrator:${password}`).toString('base64')}`;
  return async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`http://127.0.0.1:${httpPort}/api/v1${route}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
    return r.json();
  };
}
