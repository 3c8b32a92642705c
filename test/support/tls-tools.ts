/** openssl and curl as an operator runs them against a node's HTTPS port. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args` (stdin closed); never throws on a non-zero exit. */
export async function tool(command: string, args: string[], input = ''): Promise<ToolResult> {
  try {
    const child = run(command, args, { timeout: 20_000, maxBuffer: 4 * 1024 * 1024 });
    child.child.stdin?.end(input);
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A fresh directory for certificates and keys, removed by the caller. */
export function workDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-tls-'));
}

/** The certificate the server at `port` presents, as PEM (openssl s_client). */
export async function presentedCertificate(port: number): Promise<string> {
  const r = await tool('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost']);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(r.stdout)?.[0];
  if (!pem) throw new Error(`no certificate from 127.0.0.1:${port}: ${r.stderr}`);
  return `${pem}\n`;
}

/** "AB:CD:…" SHA-256 fingerprint of a PEM certificate file, as openssl prints it. */
export async function fingerprintOf(file: string): Promise<string> {
  const r = await tool('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha256']);
  return r.stdout.trim().replace(/^.*Fingerprint=/i, '');
}

/** A self-signed certificate and key made with `openssl req`, for `cn` and the SAN entries given. */
export async function opensslSelfSigned(
  dir: string,
  name: string,
  cn: string,
  san = 'IP:127.0.0.1,DNS:localhost',
): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const r = await tool('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '30',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    `subjectAltName=${san}`,
  ]);
  if (r.code !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return { cert, key };
}

/** A leaf for 127.0.0.1 issued by the CA `ca` (openssl req + openssl x509 -req). */
export async function opensslLeaf(
  dir: string,
  ca: { cert: string; key: string },
  cn: string,
): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${cn}.crt`);
  const key = path.join(dir, `${cn}.key`);
  const csr = path.join(dir, `${cn}.csr`);
  const ext = path.join(dir, `${cn}.ext`);
  fs.writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  const req = await tool('openssl', [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    `/CN=${cn}`,
  ]);
  if (req.code !== 0) throw new Error(`openssl req: ${req.stderr}`);
  const sign = await tool('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '30',
    '-extfile',
    ext,
  ]);
  if (sign.code !== 0) throw new Error(`openssl x509 -req: ${sign.stderr}`);
  return { cert, key };
}
