import type { Device, DeviceProtocol } from './device.js';
import { descriptionProblem, deviceNameProblem } from './device.js';
import { loadIdProblem } from './load.js';
import { directoryNumberProblem } from './directory-number.js';
import { applyLineSettingCells } from './line-setting-columns.js';
import { phoneModel } from './phone-models.js';
import { digestUserProblem, sipPasswordProblem } from './sip-credential.js';

/** The device's digest user (empty: none, or unchanged on import). */
export const SIP_DIGEST_USER_COLUMN = 'SIP Digest User';
/** Sets the device's SIP password on import; an export leaves it empty: passwords never leave the node. */
export const SIP_PASSWORD_COLUMN = 'SIP Password (write-only)';

/** System > Device Pool of the device; empty: Default for a new phone, unchanged for an existing one. */
export const DEVICE_POOL_COLUMN = 'Device Pool';

/** System > Security > Phone Security Profile of the device; empty: the standard one for a new phone, unchanged for an existing one. */
export const SECURITY_PROFILE_COLUMN = 'Device Security Profile';

/** The columns of the phone CSV, in the order an export writes them; `Line N` columns follow. */
export const PHONE_CSV_COLUMNS = [
  'Device Name',
  'Description',
  'Model',
  'Protocol',
  'Phone Load Name',
  DEVICE_POOL_COLUMN,
  SECURITY_PROFILE_COLUMN,
  SIP_DIGEST_USER_COLUMN,
  SIP_PASSWORD_COLUMN,
] as const;

/** The SIP credentials a row asks for: either cell may be empty (left out). */
export interface RowCredentials {
  username?: string;
  password?: string;
}
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
): { ok: true; device: Device; credentials: RowCredentials } | { ok: false; errors: RowError[] } {
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
  // Whether the pool exists is the importer's check (it needs the database).
  const devicePool = (row[DEVICE_POOL_COLUMN] ?? '').trim();
  const securityProfile = (row[SECURITY_PROFILE_COLUMN] ?? '').trim();
  const username = (row[SIP_DIGEST_USER_COLUMN] ?? '').trim();
  const userRule = username && !nameProblem ? digestUserProblem(username, name) : null;
  if (userRule) err(SIP_DIGEST_USER_COLUMN, userRule);
  // A password is taken as written (a space inside it counts); an empty cell leaves it as it is.
  const password = row[SIP_PASSWORD_COLUMN] ?? '';
  const passwordRule = password ? sipPasswordProblem(password) : null;
  if (passwordRule) err(SIP_PASSWORD_COLUMN, passwordRule);
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
  const settings = applyLineSettingCells(row, lines);
  for (const [column, message] of settings.errors) err(column, message);
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
      ...(settings.dnd === undefined ? {} : { dnd: settings.dnd }),
      ...(devicePool ? { devicePool } : {}),
      ...(securityProfile ? { securityProfile } : {}),
    },
    credentials: { username: username || undefined, password: password || undefined },
  };
}

/** The CSV row of a device (for export), with `lineColumns` Line columns; the password cell stays empty. */
export function phoneRow(device: Device, lineColumns: number, digestUser: string | null): string[] {
  const cells = [
    device.name,
    device.description,
    device.model,
    device.protocol,
    device.loadId ?? '',
    device.devicePool ?? '',
    device.securityProfile ?? '',
    digestUser ?? '',
    '',
  ];
  for (let i = 1; i <= lineColumns; i++) cells.push(device.lines.find((l) => l.index === i)?.dn ?? '');
  return cells;
}
