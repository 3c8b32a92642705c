import type { Device, Line } from './device.js';
import type { DnFeatures } from './line-settings.js';
import { dnFeaturesProblem, lineAppearanceProblem, lineTextsProblem } from './line-settings-rules.js';
import { DEFAULT_LINE_APPEARANCE } from './line-settings.js';

/**
 * The phone CSV's line settings: `Line N <setting>` columns after the `Line N` columns, and the
 * device's `Do Not Disturb`. A column the file lacks leaves the stored value as it is; a column
 * present with an empty cell means none/off/the default, so that an export imports back as it was.
 */
export const DND_COLUMN = 'Do Not Disturb';

const SETTINGS = [
  ['Display Name', 'displayName'],
  ['Label', 'label'],
  ['Max Calls', 'maxCalls'],
  ['Busy Trigger', 'busyTrigger'],
  ['Forward All', 'forwardAll'],
  ['Forward Busy', 'forwardBusy'],
  ['Forward No Answer', 'forwardNoAnswer'],
  ['Pickup Group', 'pickupGroup'],
] as const satisfies readonly (readonly [string, keyof Line])[];

type SettingKey = (typeof SETTINGS)[number][1];

export const LINE_SETTING_COLUMN = new RegExp(`^Line (\\d{1,2}) (${SETTINGS.map(([c]) => c).join('|')})$`);

/** The header of line `n`'s setting `key`. */
function column(n: number, key: SettingKey): string {
  return `Line ${n} ${SETTINGS.find(([, k]) => k === key)![0]}`;
}

/** Headers of the setting columns for lines 1..lineColumns, then DND. */
export function lineSettingHeaders(lineColumns: number): string[] {
  const headers: string[] = [];
  for (let n = 1; n <= lineColumns; n++) for (const [, key] of SETTINGS) headers.push(column(n, key));
  return [...headers, DND_COLUMN];
}

/** The setting cells of a device for lines 1..lineColumns, then DND (as lineSettingHeaders). */
export function lineSettingCells(device: Device, lineColumns: number): string[] {
  const cells: string[] = [];
  for (let n = 1; n <= lineColumns; n++) {
    const line = device.lines.find((l) => l.index === n);
    for (const [, key] of SETTINGS) {
      const value = line?.[key];
      cells.push(value === undefined || value === null ? '' : String(value));
    }
  }
  return [...cells, device.dnd ? 'true' : 'false'];
}

/**
 * Applies a row's setting cells to its lines (in place); returns each refused cell as
 * [column, message]. A setting for a line without a DN is refused.
 */
export function applyLineSettingCells(
  row: Record<string, string>,
  lines: Line[],
): { dnd: boolean | undefined; errors: [column: string, message: string][] } {
  const errors: [string, string][] = [];
  for (const [header, raw] of Object.entries(row)) {
    const m = LINE_SETTING_COLUMN.exec(header);
    if (!m) continue;
    const line = lines.find((l) => l.index === Number(m[1]));
    const key = SETTINGS.find(([c]) => c === m[2])![1];
    const value = raw.trim();
    if (!line) {
      if (value !== '') errors.push([header, `line ${m[1]} has no directory number in column Line ${m[1]}`]);
      continue;
    }
    if (key === 'maxCalls' || key === 'busyTrigger') {
      if (value === '') continue;
      if (!/^\d{1,2}$/.test(value)) {
        errors.push([header, `"${value}" is not a whole number`]);
        continue;
      }
      line[key] = Number(value);
    } else if (key === 'displayName' || key === 'label') {
      line[key] = raw;
    } else {
      line[key] = value === '' ? null : value;
    }
  }
  for (const line of lines) {
    const set = (key: SettingKey) => row[column(line.index, key)] !== undefined;
    // An empty Max Calls / Busy Trigger cell means the default.
    if (set('maxCalls') && line.maxCalls === undefined) line.maxCalls = DEFAULT_LINE_APPEARANCE.maxCalls;
    if (set('busyTrigger') && line.busyTrigger === undefined)
      line.busyTrigger = Math.min(DEFAULT_LINE_APPEARANCE.busyTrigger, line.maxCalls ?? 2);
    const texts = lineTextsProblem(line);
    if (texts) errors.push([column(line.index, texts.field as SettingKey), texts.message]);
    if (line.maxCalls !== undefined || line.busyTrigger !== undefined) {
      const p = lineAppearanceProblem({
        maxCalls: line.maxCalls ?? DEFAULT_LINE_APPEARANCE.maxCalls,
        busyTrigger: line.busyTrigger ?? Math.min(DEFAULT_LINE_APPEARANCE.busyTrigger, line.maxCalls ?? 2),
      });
      if (p) errors.push([column(line.index, p.field as SettingKey), p.message]);
    }
    const features = dnFeaturesProblem(line.dn, line as Partial<DnFeatures>);
    if (features) errors.push([column(line.index, features.field as SettingKey), features.message]);
  }
  let dnd: boolean | undefined;
  const dndCell = row[DND_COLUMN]?.trim().toLowerCase();
  if (dndCell !== undefined) {
    if (['', 'false', 'no', '0'].includes(dndCell)) dnd = false;
    else if (['true', 'yes', '1'].includes(dndCell)) dnd = true;
    else errors.push([DND_COLUMN, `"${row[DND_COLUMN]}" is not true or false`]);
  }
  return { dnd, errors };
}
