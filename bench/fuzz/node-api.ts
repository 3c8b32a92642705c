/** The few REST calls the fuzzer makes as an operator would (README: REST API), over fetch. */
import type { NodeUnderTest } from './node-under-test.js';

export interface ApiAnswer {
  status: number;
  text: string;
}

/** One request to the node's API; `auth` is a full Authorization header value. */
export async function api(
  node: NodeUnderTest,
  method: string,
  path: string,
  auth: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<ApiAnswer> {
  const host = node.host.includes(':') ? `[${node.host}]` : node.host;
  const response = await fetch(`http://${host}:${node.ports.http}${path}`, {
    method,
    headers: {
      authorization: auth,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function bearer(key: string): string {
  return `Bearer ${key}`;
}

/** Values of the node's /metrics the fuzzer watches. */
export interface NodeMetrics {
  /** openucm_unexpected_errors_total: errors the process guard caught. */
  unexpectedErrors: number;
  residentMb: number;
  openFiles: number;
  /** Longest event-loop delay since the previous scrape (prom-client resets it on each), s. */
  eventLoopLagMaxSeconds: number;
}

/** Reads /metrics (any signed-in user). */
export async function readMetrics(node: NodeUnderTest, key: string): Promise<NodeMetrics> {
  const answer = await api(node, 'GET', '/metrics', bearer(key));
  if (answer.status !== 200)
    throw new Error(`GET /metrics answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(answer.text)?.[1] ?? NaN);
  return {
    unexpectedErrors: value('openucm_unexpected_errors_total'),
    residentMb: value('process_resident_memory_bytes') / 1024 / 1024,
    openFiles: value('process_open_fds'),
    eventLoopLagMaxSeconds: value('nodejs_eventloop_lag_max_seconds'),
  };
}
