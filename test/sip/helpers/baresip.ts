/** Runs the real baresip (Debian baresip-core) with one account, as the SIP tests use it. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface BaresipRun {
  /** Resolves with what baresip printed once it exited. */
  done: Promise<string>;
  kill(): void;
}

/**
 * Starts baresip in a new directory under `parent` with `account` (an accounts-file line) for
 * `seconds` (-t: it sends its un-REGISTER, then quits; stdin is /dev/null, so it runs without a
 * console). It is killed if it outlives that by 10 s.
 */
export function runBaresip(
  parent: string,
  account: string,
  seconds: number,
  /** More config lines (modules, audio_source …). */
  extraConfig: string[] = [],
): BaresipRun {
  const home = fs.mkdtempSync(path.join(parent, 'baresip-'));
  fs.writeFileSync(
    path.join(home, 'config'),
    [
      'poll_method epoll',
      'sip_listen 127.0.0.1:0',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module_app account.so',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(home, 'accounts'), `${account}\n`);
  const child = spawn('baresip', ['-f', home, '-t', String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 10) * 1000);
  const done = new Promise<string>((resolve) =>
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(output);
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}
