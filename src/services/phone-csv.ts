import { securityProfileReferenceProblem } from '../core/phone-security-profile.js';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Logger } from 'pino';
import type { Device } from '../core/device.js';
import type { RowCredentials, RowError } from '../core/phone-row.js';
import {
  LINE_COLUMN,
  DEVICE_POOL_COLUMN,
  SECURITY_PROFILE_COLUMN,
  PHONE_CSV_COLUMNS,
  SIP_DIGEST_USER_COLUMN,
  SIP_PASSWORD_COLUMN,
  parsePhoneRow,
  phoneRow,
} from '../core/phone-row.js';
import {
  DND_COLUMN,
  LINE_SETTING_COLUMN,
  lineSettingCells,
  lineSettingHeaders,
} from '../core/line-setting-columns.js';
import { defaultDigestUser } from '../core/sip-credential.js';
import type { PhoneQuery } from '../store/device-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { DnAllocator } from './dn-allocator.js';
import { spreadsheetCsv, textOfSpreadsheetCell } from './spreadsheet-csv.js';
import type { SipCredentialService } from './sip-credentials.js';
import { poolReferenceProblem } from '../core/device-pool.js';

export interface ImportProgress {
  phase: 'validating' | 'writing';
  rows: number;
  total?: number;
}

export interface ImportReport {
  /** True when the file was valid and written; false when nothing was written. */
  imported: boolean;
  rows: number;
  inserted: number;
  updated: number;
  /** Rows whose SIP credentials were set (a SIP Password cell). */
  credentialsSet: number;
  /** Every refused cell (listing stops at MAX_LISTED_ERRORS; errorCount has them all). */
  errors: RowError[];
  errorCount: number;
}

const MAX_LISTED_ERRORS = 1000;
const PROGRESS_EVERY = 5000;

/** Bulk Administration CSV: export phones and DNs, and import phones all-or-nothing. */
export class PhoneCsv {
  constructor(
    private readonly store: Store,
    private readonly allocator: DnAllocator,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly credentials: SipCredentialService,
  ) {}

  /** The phone CSV, a chunk per page of devices; cells a spreadsheet would run as formulas are escaped. */
  async *exportPhones(filter: Omit<PhoneQuery, 'page' | 'pageSize'> = {}): AsyncGenerator<string> {
    let lineColumns = 1;
    for await (const page of this.store.devices.all(1000, filter)) {
      for (const d of page) lineColumns = Math.max(lineColumns, ...d.lines.map((l) => l.index));
    }
    const lineHeaders = Array.from({ length: lineColumns }, (_, i) => `Line ${i + 1}`);
    yield spreadsheetCsv([[...PHONE_CSV_COLUMNS, ...lineHeaders, ...lineSettingHeaders(lineColumns)]]);
    for await (const page of this.store.devices.all(1000, filter)) {
      const users = await this.store.credentials.byDevices(page.map((d) => d.name));
      yield spreadsheetCsv(
        page.map((d) => [
          ...phoneRow(d, lineColumns, users.get(d.name)?.username ?? null),
          ...lineSettingCells(d, lineColumns),
        ]),
      );
    }
  }

  /** DN, device and line of every directory number. */
  async *exportDirectoryNumbers(): AsyncGenerator<string> {
    yield spreadsheetCsv([['Directory Number', 'Device Name', 'Line', 'Description']]);
    for (let offset = 0; ; offset += 1000) {
      const { items } = await this.store.devices.listDirectoryNumbers({ limit: 1000, offset });
      if (items.length === 0) return;
      yield spreadsheetCsv(
        items.map((i) => [i.dn, i.deviceName ?? '', i.lineIndex ?? '', i.description ?? '']),
      );
    }
  }

  /**
   * Imports phones: the whole file is validated first (every error with line, column and rule);
   * only a valid file is written, in one transaction. Existing devices are updated.
   */
  async importPhones(
    csv: Readable,
    onProgress: (p: ImportProgress) => void = () => undefined,
  ): Promise<ImportReport> {
    const errors: RowError[] = [];
    let errorCount = 0;
    const addError = (e: RowError) => {
      errorCount++;
      if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
    };
    const devices: { line: number; device: Device; credentials: RowCredentials }[] = [];
    let headerChecked = false;
    const parser = parse({
      columns: true,
      bom: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
    });
    // pipeline, not pipe: an upload that breaks off (or is cut at a size limit) fails the parse
    // below instead of leaving it waiting for ever; the error surfaces there.
    pipeline(csv, parser, () => undefined);
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number; error?: unknown };
      }>) {
        if (!headerChecked) {
          headerChecked = true;
          for (const column of Object.keys(record)) {
            if (
              !(PHONE_CSV_COLUMNS as readonly string[]).includes(column) &&
              !LINE_COLUMN.test(column) &&
              !LINE_SETTING_COLUMN.test(column) &&
              column !== DND_COLUMN
            ) {
              addError({
                line: 1,
                column,
                message: `unknown column; expected ${PHONE_CSV_COLUMNS.join(', ')}, Line 1, Line 2, …, Line 1 Display Name (Label, Max Calls, Busy Trigger, Forward All, Forward Busy, Forward No Answer, Pickup Group), …, ${DND_COLUMN}`,
              });
            }
          }
          for (const required of ['Device Name', 'Model', 'Protocol']) {
            if (!(required in record))
              addError({ line: 1, column: required, message: 'required column is missing' });
          }
        }
        if (info.error) {
          addError({
            line: info.lines,
            column: '*',
            message: 'the row has a different number of cells than the header',
          });
          continue;
        }
        // An exported file comes back as it went out: the apostrophe export put before a formula goes.
        const text = Object.fromEntries(
          Object.entries(record).map(([column, cell]) => [column, textOfSpreadsheetCell(cell)]),
        );
        const parsed = parsePhoneRow(info.lines, text);
        if (parsed.ok)
          devices.push({ line: info.lines, device: parsed.device, credentials: parsed.credentials });
        else parsed.errors.forEach(addError);
        const rows = devices.length + errorCount;
        if (rows % PROGRESS_EVERY === 0) onProgress({ phase: 'validating', rows });
      }
    } catch (error) {
      const e = error as Error & { lines?: number };
      addError({ line: e.lines ?? 0, column: '*', message: `the file is not valid CSV: ${e.message}` });
    }
    const rows = devices.length;
    this.crossCheck(devices, addError);
    await this.checkHeldElsewhere(devices, addError);
    await this.checkPools(devices, addError);
    const credentials = await this.credentialsToSet(devices, addError);
    if (errorCount > 0 || !headerChecked) {
      if (!headerChecked) addError({ line: 1, column: '*', message: 'the file has no header and no rows' });
      return { imported: false, rows, inserted: 0, updated: 0, credentialsSet: 0, errors, errorCount };
    }
    let inserted = 0;
    let updated = 0;
    const now = this.clock();
    await this.store.transaction(async (tx) => {
      const previous = new Set<string>();
      for (const [i, { device }] of devices.entries()) {
        const result = await tx.devices.upsert(device, now);
        await storeImportedLineSettings(tx, device);
        if (result.existed) updated++;
        else inserted++;
        result.previousDns.forEach((dn) => previous.add(dn));
        if ((i + 1) % PROGRESS_EVERY === 0)
          onProgress({ phase: 'writing', rows: i + 1, total: devices.length });
      }
      await tx.devices.deleteUnusedDns([...previous]);
      for (const c of credentials) await this.credentials.write(tx, c.deviceName, c.username, c.password);
    });
    // Imported DNs may lie in an auto-registration range.
    this.allocator.invalidate();
    for (const c of credentials) this.credentials.changed(c.deviceName);
    const credentialsSet = credentials.length;
    this.logger.info({ rows, inserted, updated, credentialsSet }, 'phones imported from CSV');
    return { imported: true, rows, inserted, updated, credentialsSet, errors: [], errorCount: 0 };
  }

  /** Refuses rows naming a device pool or a phone security profile that does not exist. */
  private async checkPools(devices: { line: number; device: Device }[], addError: (e: RowError) => void) {
    const pools = (await this.store.devicePools.list()).map((p) => p.name);
    for (const { line, device } of devices) {
      if (device.devicePool === undefined) continue;
      const problem = poolReferenceProblem(DEVICE_POOL_COLUMN, device.devicePool, pools);
      if (problem) addError({ line, column: DEVICE_POOL_COLUMN, message: problem.message });
    }
    const profiles = (await this.store.securityProfiles.list()).map((p) => p.name);
    for (const { line, device } of devices) {
      if (device.securityProfile === undefined) continue;
      const problem = securityProfileReferenceProblem(
        SECURITY_PROFILE_COLUMN,
        device.securityProfile,
        profiles,
      );
      if (problem) addError({ line, column: SECURITY_PROFILE_COLUMN, message: problem.message });
    }
  }

  /**
   * The SIP credentials the file sets, checked across rows and against the database: a digest
   * user belongs to one device; a digest user without a password is only the device's current
   * one (verification keeps HA1 values, which depend on the user: changing it needs the password).
   */
  private async credentialsToSet(
    devices: { line: number; device: Device; credentials: RowCredentials }[],
    addError: (e: RowError) => void,
  ): Promise<{ deviceName: string; username: string; password: string }[]> {
    const wanted = devices.filter(
      (d) => d.credentials.username !== undefined || d.credentials.password !== undefined,
    );
    const current = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += 500) {
      const found = await this.store.credentials.byDevices(
        wanted.slice(i, i + 500).map((d) => d.device.name),
      );
      for (const [name, c] of found) current.set(name, c.username);
    }
    const toSet: { line: number; deviceName: string; username: string; password: string }[] = [];
    const users = new Map<string, { line: number; name: string }>();
    for (const { line, device, credentials } of wanted) {
      const had = current.get(device.name);
      const username = credentials.username ?? had ?? defaultDigestUser(device.name);
      if (credentials.password === undefined) {
        if (had === undefined) {
          addError({
            line,
            column: SIP_PASSWORD_COLUMN,
            message: `${device.name} has no SIP credentials: a digest user needs a password`,
          });
        } else if (username !== had) {
          addError({
            line,
            column: SIP_PASSWORD_COLUMN,
            message: `to change the digest user of ${device.name} from ${had} to ${username}, give the password too`,
          });
        }
        continue;
      }
      const first = users.get(username);
      if (first !== undefined) {
        addError({
          line,
          column: SIP_DIGEST_USER_COLUMN,
          message: `digest user ${username} is also given to ${first.name} on line ${first.line}`,
        });
        continue;
      }
      users.set(username, { line, name: device.name });
      toSet.push({ line, deviceName: device.name, username, password: credentials.password });
    }
    const names = [...users.keys()];
    for (let i = 0; i < names.length; i += 500) {
      for (const [username, holder] of await this.store.credentials.byUsernames(names.slice(i, i + 500))) {
        const row = users.get(username)!;
        if (holder.deviceName === row.name) continue;
        addError({
          line: row.line,
          column: SIP_DIGEST_USER_COLUMN,
          message: `digest user ${username} belongs to ${holder.deviceName}; each digest user identifies one device`,
        });
      }
    }
    return toSet;
  }

  private crossCheck(devices: { line: number; device: Device }[], addError: (e: RowError) => void): void {
    const names = new Map<string, number>();
    const dns = new Map<string, { line: number; name: string }>();
    for (const { line, device } of devices) {
      const first = names.get(device.name);
      if (first !== undefined)
        addError({ line, column: 'Device Name', message: `${device.name} is also on line ${first}` });
      else names.set(device.name, line);
      for (const l of device.lines) {
        const holder = dns.get(l.dn);
        if (holder && holder.name !== device.name) {
          addError({
            line,
            column: `Line ${l.index}`,
            message: `DN ${l.dn} is also given to ${holder.name} on line ${holder.line}`,
          });
        } else dns.set(l.dn, { line, name: device.name });
      }
    }
  }

  /** A DN held by a device that the file does not also change is refused: the import would steal it. */
  private async checkHeldElsewhere(
    devices: { line: number; device: Device }[],
    addError: (e: RowError) => void,
  ): Promise<void> {
    const inFile = new Set(devices.map((d) => d.device.name));
    const wanted = new Map<string, { line: number; index: number }>();
    for (const { line, device } of devices)
      for (const l of device.lines) wanted.set(l.dn, { line, index: l.index });
    const all = [...wanted.keys()];
    for (let i = 0; i < all.length; i += 500) {
      for (const h of await this.store.devices.holdersOf(all.slice(i, i + 500), '')) {
        if (inFile.has(h.deviceName)) continue;
        const w = wanted.get(h.dn)!;
        addError({
          line: w.line,
          column: `Line ${w.index}`,
          message: `DN ${h.dn} is held by ${h.deviceName}, which this file does not change; free it there first`,
        });
      }
    }
  }
}

/** The DN features and DND an imported row gives (those its file has columns for). */
async function storeImportedLineSettings(tx: Repositories, device: Device): Promise<void> {
  for (const line of device.lines) {
    const features = {
      forwardAll: line.forwardAll,
      forwardBusy: line.forwardBusy,
      forwardNoAnswer: line.forwardNoAnswer,
      pickupGroup: line.pickupGroup,
    };
    // A file without these columns costs no statement per line (imports run to 100k rows).
    if (Object.values(features).some((v) => v !== undefined))
      await tx.lineSettings.setDnFeatures(line.dn, features);
  }
  if (device.dnd !== undefined) await tx.lineSettings.setDnd(device.name, device.dnd);
}
