import { parse } from 'csv-parse/sync';
import { deviceNameProblem } from '../core/device.js';

/**
 * Reads the device names of a BAT-style CSV file: the first column of each row, an optional
 * header row ("Device Name", "name" …) skipped. Every problem is listed with its line; names are
 * never rewritten (a lower-case MAC is refused, not upper-cased).
 */
export function parseDeviceNameCsv(text: string): { names: string[]; problems: string[] } {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    return { names: [], problems: [`not a readable CSV file: ${(error as Error).message}`] };
  }
  const names: string[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const line = i + 1;
    const name = row[0] ?? '';
    if (i === 0 && !name.toUpperCase().startsWith('SEP') && /name/i.test(name)) return;
    if (name === '') {
      problems.push(
        `line ${line}: the first column is empty; it must hold a device name (SEP + 12 hex digits)`,
      );
      return;
    }
    const problem = deviceNameProblem(name);
    if (problem) {
      problems.push(`line ${line}: ${problem}`);
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push(`line ${line}: ${name} is already on line ${first}; list each phone once`);
      return;
    }
    seen.set(name, line);
    names.push(name);
  });
  if (names.length === 0 && problems.length === 0) problems.push('the file lists no device name');
  return { names, problems };
}
