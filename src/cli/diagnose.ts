import type { Command } from 'commander';
import type { Diagnosis } from '../core/diagnosis.js';
import { deviceNameFromMac } from '../core/device.js';
import { apiTarget, callApi, withApiOptions } from './api-client.js';

const MARK = { ok: '✔', problem: '✖', warning: '!', info: '·' } as const;

/** Renders a diagnosis for a terminal. */
export function formatDiagnosis(d: Diagnosis): string {
  const lines = [`Diagnosis of ${d.deviceName}`, ''];
  for (const c of d.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`    fix: ${c.fix}`);
  }
  lines.push('', d.verdict);
  return lines.join('\n');
}

/** `openucm diagnose SEP…|MAC`: why isn't this phone registering? Exit code 1 when a link is broken. */
export function registerDiagnoseCommand(program: Command): void {
  withApiOptions(
    program
      .command('diagnose')
      .argument('<device>', 'device name (SEP + 12 hex digits) or MAC address')
      .description('walk the registration chain of a phone and name the first broken link with its fix')
      .option('--json', 'print the diagnosis as JSON'),
  ).action(async (device: string, opts: { url: string; user: string; password?: string; json?: boolean }) => {
    const target = apiTarget(opts);
    const path = /^SEP/i.test(device)
      ? `/phones/${encodeURIComponent(device)}/diagnosis`
      : `/diagnosis?mac=${encodeURIComponent(deviceNameFromMac(device)?.slice(3) ?? device)}`;
    const diagnosis = await callApi<Diagnosis>(target, 'GET', path);
    console.log(opts.json ? JSON.stringify(diagnosis, null, 2) : formatDiagnosis(diagnosis));
    process.exitCode = diagnosis.firstProblem ? 1 : 0;
  });
}
