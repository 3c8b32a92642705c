import type { Command } from 'commander';
import { Option } from 'commander';
import type { PlainResponse, TlsTrust } from './https-request.js';
import { requestText } from './https-request.js';

/** How a CLI command reaches a node: it is a client of the REST API, like any script. */
export interface ApiTarget {
  url: string;
  user: string;
  password: string;
  /** How an https: URL's certificate is trusted. */
  trust?: TlsTrust;
}

/** Adds --url, --user and --password (with their OPENUCM_* variables) to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'node HTTP address [OPENUCM_URL]').default(
        process.env.OPENUCM_URL ?? 'https://127.0.0.1:8443',
      ),
    )
    .addOption(
      new Option(
        '--fingerprint <sha256>',
        "trust the node's certificate with this SHA-256 fingerprint (dashboard, node log) [OPENUCM_TLS_FINGERPRINT]",
      ),
    )
    .addOption(
      new Option('--ca-file <file>', 'trust the certificates of this PEM file [OPENUCM_TLS_CA_FILE]'),
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

export function apiTarget(opts: {
  url: string;
  user: string;
  password?: string;
  fingerprint?: string;
  caFile?: string;
}): ApiTarget {
  const password = opts.password ?? process.env.OPENUCM_PASSWORD ?? process.env.OPENUCM_ADMIN_PASSWORD;
  if (!password) throw new Error('no password: pass --password or set OPENUCM_PASSWORD');
  const fingerprint = opts.fingerprint ?? (process.env.OPENUCM_TLS_FINGERPRINT || undefined);
  const caFile = opts.caFile ?? (process.env.OPENUCM_TLS_CA_FILE || undefined);
  return {
    url: opts.url.replace(/\/$/, ''),
    user: opts.user,
    password,
    ...(fingerprint || caFile ? { trust: { fingerprint, caFile } } : {}),
  };
}

/** What to do when the node's certificate could not be verified. */
function trustAdvice(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (error.message.includes('presented a certificate')) return '';
  return /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(code)
    ? ` (${code}): trust the node's certificate with --fingerprint <SHA-256 from its dashboard or log> / OPENUCM_TLS_FINGERPRINT, or --ca-file / OPENUCM_TLS_CA_FILE (docs/https.md)`
    : '; is the node running (openucm start)?';
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
  let response: PlainResponse;
  try {
    response = await requestText(new URL(`${target.url}/api/v1${path}`), {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${target.user}:${target.password}`).toString('base64')}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      trust: target.trust,
    });
  } catch (error) {
    throw new ApiCallError(
      0,
      `cannot reach ${target.url}: ${(error as Error).message}${trustAdvice(error as Error)}`,
    );
  }
  const text = response.text;
  // The plain port of a node that serves HTTPS: credentials are not sent on to another port.
  if (response.status === 308 && response.location?.startsWith('https:')) {
    const origin = new URL(response.location).origin;
    throw new ApiCallError(
      308,
      `${target.url} redirects to HTTPS: use --url ${origin} (OPENUCM_URL) with --fingerprint or --ca-file`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
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
