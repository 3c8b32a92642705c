import pino from 'pino';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import type { ConfigInput } from '../../src/config.js';
import type { RunningNode } from '../../src/server.js';
import type { StartOptions } from '../../src/server.js';
import type { TlsIdentitySource } from '../../src/core/tls-identity.js';
import { startNode } from '../../src/server.js';
import { createSqliteDatabase } from './databases.js';
import { seedTestIdentity } from './test-identity.js';
import type { TestDatabase } from './databases.js';

export const ADMIN_PASSWORD = 'test-password-1';

export interface TestNode {
  node: RunningNode;
  database: TestDatabase;
  /** Log lines the node wrote, parsed. */
  logs: Record<string, unknown>[];
  api: Api;
  /** Stops the node; the database is kept (for restart tests). */
  stop(): Promise<void>;
  /** Stops the node and drops its database. */
  destroy(): Promise<void>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface Api {
  get<T = unknown>(path: string): Promise<ApiResponse<T>>;
  patch<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string): Promise<ApiResponse<T>>;
}

/** A REST client of the node as a script would use it: HTTP Basic auth over a real socket. */
export function apiClient(port: number, user = 'CCMAdministrator', password = ADMIN_PASSWORD): Api {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    get: (path) => call('GET', path),
    patch: (path, body) => call('PATCH', path, body),
    post: (path, body) => call('POST', path, body ?? {}),
    put: (path, body) => call('PUT', path, body),
    delete: (path) => call('DELETE', path),
  };
}

function captureLogger(logs: Record<string, unknown>[]): Logger {
  return pino(
    { level: 'debug' },
    {
      write(line: string) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
}

/** Starts a real node on loopback with every port picked by the system. */
export async function startTestNode(
  options: {
    database?: TestDatabase;
    config?: Partial<ConfigInput>;
    /** Each device's media encryption policy (SRTP); 'off' for all when absent. */
    mediaEncryption?: StartOptions['mediaEncryption'];
    /** The node's certificate and key: with it SIP over TLS listens (on a port picked by the system). */
    tlsIdentity?: TlsIdentitySource;
  } = {},
): Promise<TestNode> {
  const database = options.database ?? (await createSqliteDatabase());
  const logs: Record<string, unknown>[] = [];
  const config = loadConfig({
    flags: {
      bind: '127.0.0.1',
      httpPort: 0,
      sccpPort: 0,
      sipPort: 0,
      sipTlsPort: 0,
      tftpPort: 0,
      provisioningHttpPort: 0,
      // SCCP in the test's own process unless a test asks for workers (the default forks them).
      sccpWorkers: 0,
      // Plain HTTP unless a test asks for TLS (a node's default is --http-mode redirect: docs/https.md).
      httpMode: 'serve',
      httpsPort: 0,
      dataDir: database.dataDir,
      databaseUrl: database.databaseUrl,
      ...options.config,
    },
  });
  if (config.httpMode === 'serve') await seedTestIdentity(config.dataDir);
  const node = await startNode(config, {
    logger: captureLogger(logs),
    adminPassword: ADMIN_PASSWORD,
    ...(options.mediaEncryption ? { mediaEncryption: options.mediaEncryption } : {}),
    tlsIdentity: options.tlsIdentity,
  });
  const stop = () => node.stop();
  return {
    node,
    database,
    logs,
    api: apiClient(node.ports.http),
    stop,
    destroy: async () => {
      await stop();
      await database.drop();
    },
  };
}

/** Polls `check` until it returns a truthy value (state that settles asynchronously, e.g. a closed socket). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
