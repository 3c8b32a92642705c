/** Runs a real TFTP client (tftp-hpa, atftp, curl) with a deadline. */
import { execFile } from 'node:child_process';

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together: tftp-hpa prints errors on stdout and exits 0 even on failure. */
  output: string;
}

export function runClient(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 20_000,
): Promise<ClientRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, output: `${stdout}${stderr}` });
    });
  });
}
