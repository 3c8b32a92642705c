import type { Device, DeviceProtocol } from './device.js';
import { descriptionProblem, deviceNameProblem } from './device.js';
import { loadIdProblem } from './load.js';
import { directoryNumberProblem } from './directory-number.js';
import { phoneModel } from './phone-models.js';

/** The columns of the phone CSV, in the order an export writes them; `Line N` columns follow. */
export const PHONE_CSV_COLUMNS = [
  'Device Name',
  'Description',
  'Model',
  'Protocol',
  'Phone Load Name',
] as const;
export const LINE_COLUMN = /^Line (\d{1,2})$/;

/** One refused cell: where and which rule. */
export interface RowError {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  column: string;
  message: string;
}

/**
 * Validates one CSV row into a device, or lists every problem of the row. Pure: checks across
 * rows (duplicates, DNs held elsewhere) are the importer's.
 */
export function parsePhoneRow(
  line: number,
  row: Record<string, string>,
): { ok: true; device: Device } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const err = (column: string, message: string) => errors.push({ line, column, message });
  const name = (row['Device Name'] ?? '').trim();
  const nameProblem = deviceNameProblem(name);
  if (nameProblem) err('Device Name', nameProblem);
  const description = row['Description'] ?? '';
  const descriptionRule = descriptionProblem(description);
  if (descriptionRule) err('Description', descriptionRule);
  const modelText = (row['Model'] ?? '').trim();
  const model = phoneModel(modelText);
  if (!model)
    err('Model', `unknown model "${modelText}"; use a catalogue model such as 7940, 7960, 7941, 7962`);
  const protocol = (row['Protocol'] ?? '').trim();
  if (protocol !== 'SCCP' && protocol !== 'SIP') err('Protocol', `"${protocol}" is not SCCP or SIP`);
  else if (model && !model.protocols.includes(protocol))
    err('Protocol', `model ${model.model} has no ${protocol} firmware`);
  const load = (row['Phone Load Name'] ?? '').trim();
  const loadRule = load ? loadIdProblem(load) : null;
  if (loadRule) err('Phone Load Name', loadRule);
  const lines: Device['lines'] = [];
  for (const [column, value] of Object.entries(row)) {
    const m = LINE_COLUMN.exec(column);
    if (!m || value.trim() === '') continue;
    const index = Number(m[1]);
    const dn = value.trim();
    const problem = directoryNumberProblem(dn);
    if (problem) err(column, problem);
    else if (model && index > model.lineButtons)
      err(column, `model ${model.model} has ${model.lineButtons} line button(s)`);
    else lines.push({ index, dn });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    device: {
      name,
      model: model!.model,
      protocol: protocol as DeviceProtocol,
      description,
      lines: lines.sort((a, b) => a.index - b.index),
      loadId: load || null,
    },
  };
}

/** The CSV row of a device (for export), with `lineColumns` Line columns. */
export function phoneRow(device: Device, lineColumns: number): string[] {
  const cells = [device.name, device.description, device.model, device.protocol, device.loadId ?? ''];
  for (let i = 1; i <= lineColumns; i++) cells.push(device.lines.find((l) => l.index === i)?.dn ?? '');
  return cells;
}
