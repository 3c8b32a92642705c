import type { Command } from 'commander';
import { Option } from 'commander';

/** How a CLI command reaches a node: it is a client of the REST API, like any script. */
export interface ApiTarget {
  url: string;
  user: string;
  password: string;
}

/** Adds --url, --user and --password (with their OPENUCM_* variables) to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'node HTTP address [OPENUCM_URL]').default(
        process.env.OPENUCM_URL ?? 'http://127.0.0.1:8080',
      ),
    )
    .addOption(
      new Option('--user <name>', 'API user [OPENUCM_USER]').default(
        process.env.OPENUCM_USER ?? 'CCMAdministrator',
      ),
    )
    .addOption(
      new Option('--password <password>', 'API password [OPENUCM_PASSWORD or OPENUCM_ADMIN_PASSWORD]'),
    );
}

export function apiTarget(opts: { url: string; user: string; password?: string }): ApiTarget {
  const password = opts.password ?? process.env.OPENUCM_PASSWORD ?? process.env.OPENUCM_ADMIN_PASSWORD;
  if (!password) throw new Error('no password: pass --password or set OPENUCM_PASSWORD');
  return { url: opts.url.replace(/\/$/, ''), user: opts.user, password };
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Calls /api/v1`path` and returns the answer's text (a CSV); throws ApiCallError with the API's own message. */
export async function callApiText(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${target.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${target.user}:${target.password}`).toString('base64')}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new ApiCallError(
      0,
      `cannot reach ${target.url}: ${(error as Error).message}; is the node running (openucm start)?`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new ApiCallError(response.status, `${method} ${path}: ${response.status} ${message}`);
  }
  return text;
}

/** Calls /api/v1`path`; throws ApiCallError with the API's own message on an error answer. */
export async function callApi<T>(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const text = await callApiText(target, method, path, body);
  return (text ? JSON.parse(text) : null) as T;
}
