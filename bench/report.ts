/** Where a benchmark's report goes: stdout (the table, or one JSON line), and bench/results/<name>-<date>.{json,md}. */
import fs from 'node:fs';
import path from 'node:path';

export function writeBenchReport(options: {
  /** bench/results/ */
  dir: string;
  /** File name prefix: `sip`, `calls`. */
  name: string;
  report: { date: string; command: string };
  table: string;
  notes: string;
  json: boolean;
}): string {
  const { dir, name, report, table, notes } = options;
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`\n${table}\n\n${notes}\n\n`);
  fs.mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(dir, `${name}-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(
    path.join(dir, `${name}-${stamp}.md`),
    `${report.command} (${report.date})\n\n${table}\n\n${notes}\n`,
  );
  return `bench/results/${name}-${stamp}.{json,md}`;
}
