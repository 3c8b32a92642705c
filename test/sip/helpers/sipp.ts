/** Runs the real SIPp (Debian sip-tester) against a node: scenarios in test/sip/scenarios/. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCENARIOS = path.join(import.meta.dirname, '..', 'scenarios');

export interface SippPhone {
  /** To/From user part, e.g. a DN or SEP name. */
  user: string;
  /** 12 lower-case hex digits (sip-cisco.md §1.2: the instance carries the MAC in lower case). */
  mac: string;
}

export interface SippRun {
  code: number;
  stdout: string;
  stderr: string;
  /** SIPp's error log (unexpected messages, failed checks), if any. */
  errors: string;
}

/** Phones SEP00CAFE000001… with their lines. */
export function phones(count: number, prefix = '00cafe'): SippPhone[] {
  return Array.from({ length: count }, (_, i) => {
    const mac = `${prefix}${(i + 1).toString(16).padStart(12 - prefix.length, '0')}`;
    return { user: `SEP${mac.toUpperCase()}`, mac };
  });
}

/**
 * One SIPp run of `scenario` for every phone (one call each, in order, all at once). The Call-ID of
 * call n is `<n>-<runId>@sipp`, so two runs with the same runId are one registration refreshed.
 */
export function runSipp(options: {
  scenario: 'register' | 'rejected' | 'register-digest' | 'refused-without-tls';
  port: number;
  phones: SippPhone[];
  runId: string;
  cseq: number;
  expires?: number;
  model?: number;
  transport?: 'udp' | 'tcp' | 'tls';
  /** SIPp's own certificate and key for TLS (it loads one even as a client). */
  tls?: { certFile: string; keyFile: string };
  /** Digest user and password SIPp answers challenges with ([authentication], -au / -ap). */
  auth?: { user: string; password: string };
}): Promise<SippRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-sipp-'));
  const csv = path.join(dir, 'phones.csv');
  fs.writeFileSync(csv, `SEQUENTIAL\n${options.phones.map((p) => `${p.user};${p.mac};`).join('\n')}\n`);
  const n = options.phones.length;
  const args = [
    `127.0.0.1:${options.port}`,
    '-sf',
    path.join(SCENARIOS, `${options.scenario}.xml`),
    '-inf',
    csv,
    '-m',
    String(n),
    '-l',
    String(n),
    '-r',
    '1000',
    '-i',
    '127.0.0.1',
    '-t',
    options.transport === 'tcp' ? 't1' : options.transport === 'tls' ? 'l1' : 'u1',
    ...(options.tls ? ['-tls_cert', options.tls.certFile, '-tls_key', options.tls.keyFile] : []),
    '-cid_str',
    `%u-${options.runId}@sipp`,
    '-key',
    'reg_cseq',
    String(options.cseq),
    '-key',
    'expires',
    String(options.expires ?? 3600),
    '-key',
    'model',
    String(options.model ?? 7),
    ...(options.auth ? ['-au', options.auth.user, '-ap', options.auth.password] : []),
    '-nostdin',
    '-trace_err',
    '-error_file',
    path.join(dir, 'errors.log'),
    '-timeout',
    '20s',
    '-timeout_error',
  ];
  return new Promise((resolve) => {
    execFile('sipp', args, { cwd: dir, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const errorsFile = path.join(dir, 'errors.log');
      const errors = fs.existsSync(errorsFile) ? fs.readFileSync(errorsFile, 'utf8') : '';
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, errors });
    });
  });
}
