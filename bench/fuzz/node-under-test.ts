/**
 * The node the fuzzer attacks: one it starts itself, as an operator would (`openucm start` from
 * source, every port 0, a fresh data directory, the ports read from the "listening" log line), so
 * that a crash is seen as the process exiting; or one already running, reached by its URL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { entryScript } from '../../src/runtime/entry-script.js';
import { treeMemory } from '../proc.js';

export interface NodePorts {
  http: number;
  sccp: number;
  sip: number;
  tftp: number;
  provisioningHttp: number;
}

/** An error-level line the node logged (level ≥ 50), e.g. the process guard's "unexpected error". */
export interface LoggedError {
  at: number;
  msg: string;
  err?: { type?: string; message?: string; stack?: string; code?: string };
  /** The request's URL, when an HTTP request failed. */
  url?: string;
  /** The process guard's line: an error that no handler caught. */
  unexpected: boolean;
}

export interface NodeUnderTest {
  host: string;
  ports: NodePorts;
  adminPassword: string;
  /** The node's name (for /nodes/{name}). */
  nodeName: string;
  /** Set when the fuzzer started the node: its process id. */
  pid?: number;
  /** Exit code or signal once the node exited by itself (null while it runs). */
  exit: { code: number | null; signal: string | null } | null;
  /** Error-level lines logged so far (only for a node the fuzzer started). */
  readonly errors: LoggedError[];
  /** Called for each error-level line as it arrives. */
  onError?: (error: LoggedError) => void;
  /** The last lines the node wrote (stdout and stderr), for the report when it dies. */
  tail(): string[];
  /** Resident memory of the node's process tree, MB (null when not ours to measure). */
  rssMb(): number | null;
  /** Open file descriptors of the node's process (null when not ours to measure). */
  openFiles(): number | null;
  /** Size of the node's data directory (the SQLite database and its WAL), MB (null when not ours). */
  dataMb(): number | null;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');
const TAIL_LINES = 200;

export interface StartOptions {
  /** SCCP keepalive interval the node asks phones for (short, so that a stalled node is noticed). */
  keepaliveSeconds: number;
  /** Extra `openucm start` flags (e.g. limits). */
  extraArgs?: string[];
}

/** Starts `openucm start` on 127.0.0.1 with every port 0 and waits for its "listening" line. */
export async function startNodeProcess(options: StartOptions): Promise<NodeUnderTest> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-fuzz-'));
  const adminPassword = `fuzz-${randomBytes(9).toString('base64url')}`;
  // `openucm start` from source, as src/ runs its own child processes (runtime/entry-script).
  const cli = entryScript(new URL('../../src/main.ts', import.meta.url).href, 'main');
  const args = [
    ...cli.execArgv,
    cli.path,
    'start',
    '--bind',
    '127.0.0.1',
    ...['--http-port', '--sccp-port', '--sip-port', '--tftp-port', '--provisioning-http-port'].flatMap(
      (f) => [f, '0'],
    ),
    '--data-dir',
    dataDir,
    ...['--http-mode', 'serve'],
    '--keepalive-seconds',
    String(options.keepaliveSeconds),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, OPENUCM_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C reaches the fuzzer, which reports and then stops the node.
    detached: true,
  });
  // Whatever ends the fuzzer, the node does not outlive it.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const node: NodeUnderTest = {
    host: '127.0.0.1',
    ports: { http: 0, sccp: 0, sip: 0, tftp: 0, provisioningHttp: 0 },
    adminPassword,
    nodeName: 'cm1',
    pid: child.pid,
    exit: null,
    errors: [],
    tail: () => [...tail],
    rssMb: () => (child.pid && !node.exit ? treeMemory(child.pid).rssMb : null),
    openFiles: () => {
      try {
        return child.pid && !node.exit ? fs.readdirSync(`/proc/${child.pid}/fd`).length : null;
      } catch {
        return null;
      }
    },
    dataMb: () => {
      try {
        const bytes = fs
          .readdirSync(dataDir)
          .reduce((sum, f) => sum + fs.statSync(path.join(dataDir, f)).size, 0);
        return bytes / 1024 / 1024;
      } catch {
        return null;
      }
    },
    stop: async () => {
      if (!node.exit) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      process.off('exit', orphaned);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      node.exit = { code, signal };
      resolve();
    }),
  );
  readline.createInterface({ input: child.stderr }).on('line', (line) => remember(`stderr: ${line}`));
  const listening = new Promise<NodePorts>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      // The node logs a line per refusal: parse only the few lines that matter.
      if (line.includes('"msg":"listening"')) {
        const entry = JSON.parse(line) as { ports: NodePorts; node: string };
        node.nodeName = entry.node;
        resolve(entry.ports);
      } else if (/"level":(50|60)/.test(line)) {
        const entry = JSON.parse(line) as {
          time: number;
          msg: string;
          err?: LoggedError['err'];
          url?: string;
        };
        const error: LoggedError = {
          at: entry.time,
          msg: entry.msg,
          err: entry.err,
          url: entry.url,
          unexpected: entry.msg.startsWith('unexpected'),
        };
        node.errors.push(error);
        node.onError?.(error);
      }
    });
    void exited.then(() =>
      reject(
        new Error(
          `the node exited while starting (${JSON.stringify(node.exit)}):\n${tail.slice(-20).join('\n')}`,
        ),
      ),
    );
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    node.ports = await listening;
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return node;
}

/** The standard ports of a node (DESIGN: contracts), for `--node URL` without `--ports`. */
export const DEFAULT_PORTS: Omit<NodePorts, 'http'> = {
  sccp: 2000,
  sip: 5060,
  tftp: 69,
  provisioningHttp: 6970,
};

/** A node already running: `url` is its HTTP address; the other ports are given or the defaults. */
export async function connectToNode(
  url: string,
  ports: Partial<NodePorts>,
  adminPassword: string,
): Promise<NodeUnderTest> {
  const u = new URL(url);
  const node: NodeUnderTest = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    ports: { ...DEFAULT_PORTS, http: Number(u.port || 80), ...ports },
    adminPassword,
    nodeName: 'cm1',
    exit: null,
    errors: [],
    tail: () => [],
    rssMb: () => null,
    openFiles: () => null,
    dataMb: () => null,
    stop: async () => undefined,
  };
  return node;
}
