import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Device, DeviceProtocol, DeviceStatus, Line, StoredLine } from '../core/device.js';
import { completeLines } from '../core/complete-lines.js';
import { DEFAULT_DEVICE_POOL } from '../core/device-defaults.js';
import { DEFAULT_SECURITY_PROFILE } from '../core/phone-security-profile.js';
import { DEFAULT_LINE_APPEARANCE } from '../core/line-settings.js';
import type { Flavor } from './database.js';
import type { Executor } from './executor.js';
import { JsonRows } from './json-rows.js';
import { paddedInList } from './in-list.js';
import type { Schema } from './schema.js';

/** A device with its last known registration status. */
export interface DeviceRecord extends Device {
  lines: StoredLine[];
  dnd: boolean;
  devicePool: string;
  securityProfile: string;
  status: DeviceStatus;
  node: string | null;
  ipAddress: string | null;
  activeLoadId: string | null;
  statusChangedAt: string | null;
  createdAt: string;
}

/** A registration status transition to persist. */
export interface StatusChange {
  name: string;
  status: DeviceStatus;
  node: string;
  ipAddress: string | null;
  activeLoadId: string | null;
  at: string;
  /**
   * Written by a node re-asserting the phones it held after it was declared down (docs/cluster.md):
   * a `registered` that, like an `unregistered`, never replaces another node's registration, since
   * a phone it held before it hung may have registered elsewhere meanwhile.
   */
  reassert?: boolean;
}

export const PHONE_SORT_FIELDS = ['name', 'description', 'model', 'protocol', 'status', 'ipAddress'] as const;
export type PhoneSortField = (typeof PHONE_SORT_FIELDS)[number];

/** Device > Phone search: each filter is "contains", case-insensitive, except the enumerations. */
export interface PhoneQuery {
  name?: string;
  description?: string;
  dn?: string;
  ipAddress?: string;
  protocol?: DeviceProtocol;
  model?: string;
  status?: DeviceStatus;
  node?: string;
  /** Exact device pool name. */
  devicePool?: string;
  sort?: PhoneSortField;
  order?: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const SORT_COLUMNS: Record<PhoneSortField, keyof Schema['devices']> = {
  name: 'name',
  description: 'description',
  model: 'model',
  protocol: 'protocol',
  status: 'status',
  ipAddress: 'ip_address',
};

function toRecord(row: Selectable<Schema['devices']>, lines: StoredLine[]): DeviceRecord {
  return {
    name: row.name,
    model: row.model,
    protocol: row.protocol as DeviceProtocol,
    description: row.description,
    lines,
    loadId: row.load_id,
    dnd: row.dnd === 1,
    devicePool: row.device_pool,
    securityProfile: row.security_profile,
    status: row.status as DeviceStatus,
    node: row.status_node,
    ipAddress: row.ip_address,
    activeLoadId: row.active_load_id,
    statusChangedAt: row.status_changed_at,
    createdAt: row.created_at,
  };
}

/** A case-insensitive "contains" LIKE pattern for `text` (compared with lower(column)). */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const NEW_DEVICES = new JsonRows<{ device: Device; createdAt: string; status: StatusChange | undefined }>(
  {
    name: 'text',
    model: 'text',
    protocol: 'text',
    description: 'text',
    load_id: 'text',
    created_at: 'text',
    status: 'text',
    status_node: 'text',
    ip_address: 'text',
    active_load_id: 'text',
    status_changed_at: 'text',
    device_pool: 'text',
    security_profile: 'text',
  },
  ({ device, createdAt, status }) => [
    device.name,
    device.model,
    device.protocol,
    device.description,
    device.loadId,
    createdAt,
    status?.status ?? 'unregistered',
    status?.node ?? null,
    status?.ipAddress ?? null,
    status?.activeLoadId ?? null,
    status?.at ?? null,
    device.devicePool ?? DEFAULT_DEVICE_POOL,
    device.securityProfile ?? DEFAULT_SECURITY_PROFILE,
  ],
);
const NEW_LINES = new JsonRows<{ deviceName: string; line: Line }>(
  {
    device_name: 'text',
    line_index: 'integer',
    dn: 'text',
    display_name: 'text',
    text_label: 'text',
    max_calls: 'integer',
    busy_trigger: 'integer',
  },
  ({ deviceName, line }) => [deviceName, ...lineRow(line)],
);

/** The stored columns of a line (after device_name), defaults for the settings it leaves out. */
export function lineRow(line: Line): [number, string, string, string, number, number] {
  return [
    line.index,
    line.dn,
    line.displayName ?? '',
    line.label ?? '',
    line.maxCalls ?? DEFAULT_LINE_APPEARANCE.maxCalls,
    line.busyTrigger ?? DEFAULT_LINE_APPEARANCE.busyTrigger,
  ];
}

/** A line as an INSERT INTO lines row. */
export function lineValues(deviceName: string, line: Line): Insertable<Schema['lines']> {
  const [line_index, dn, display_name, text_label, max_calls, busy_trigger] = lineRow(line);
  return { device_name: deviceName, line_index, dn, display_name, text_label, max_calls, busy_trigger };
}
const NEW_DNS = new JsonRows<{ dn: string; createdAt: string }>(
  { dn: 'text', created_at: 'text' },
  ({ dn, createdAt }) => [dn, createdAt],
);
const STATUS_CHANGES = new JsonRows<StatusChange>(
  {
    name: 'text',
    status: 'text',
    node: 'text',
    ip_address: 'text',
    active_load_id: 'text',
    at: 'text',
    reassert: 'integer',
  },
  (c) => [c.name, c.status, c.node, c.ipAddress, c.activeLoadId, c.at, c.reassert ? 1 : 0],
);

/** Devices, their lines and directory numbers. */
export class DeviceRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor,
  ) {}

  async find(name: string): Promise<DeviceRecord | null> {
    const row = await this.db.selectFrom('devices').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    const lines = await this.linesOf([name]);
    return toRecord(row, lines.get(name) ?? []);
  }

  /** The devices among `names` (at most a few hundred), by name; names without a device are absent. */
  async findMany(names: readonly string[]): Promise<Map<string, DeviceRecord>> {
    const found = new Map<string, DeviceRecord>();
    if (names.length === 0) return found;
    const rows = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('name', 'in', paddedInList(names))
      .execute();
    if (rows.length === 0) return found;
    const lines = await this.linesOf(rows.map((r) => r.name));
    for (const row of rows) found.set(row.name, toRecord(row, lines.get(row.name) ?? []));
    return found;
  }

  private async linesOf(names: string[]): Promise<Map<string, StoredLine[]>> {
    const byDevice = new Map<string, StoredLine[]>();
    if (names.length === 0) return byDevice;
    const rows = await this.db
      .selectFrom('lines')
      .innerJoin('directory_numbers', 'directory_numbers.dn', 'lines.dn')
      .select([
        'lines.device_name',
        'lines.line_index',
        'lines.dn',
        'lines.display_name',
        'lines.text_label',
        'lines.max_calls',
        'lines.busy_trigger',
        'directory_numbers.forward_all',
        'directory_numbers.forward_busy',
        'directory_numbers.forward_no_answer',
        'directory_numbers.pickup_group',
      ])
      .where('lines.device_name', 'in', names)
      .orderBy('lines.device_name')
      .orderBy('lines.line_index')
      .execute();
    for (const r of rows) {
      const list = byDevice.get(r.device_name) ?? [];
      list.push({
        index: r.line_index,
        dn: r.dn,
        displayName: r.display_name,
        label: r.text_label,
        maxCalls: r.max_calls,
        busyTrigger: r.busy_trigger,
        forwardAll: r.forward_all,
        forwardBusy: r.forward_busy,
        forwardNoAnswer: r.forward_no_answer,
        pickupGroup: r.pickup_group,
      });
      byDevice.set(r.device_name, list);
    }
    return byDevice;
  }

  /**
   * Reserves `dns` as directory numbers. Throws a unique violation when one exists: that is how
   * concurrent allocations (in one process or across nodes) find out that a number was taken.
   */
  async reserveDns(dns: readonly string[], now: Date): Promise<void> {
    if (dns.length === 0) return;
    const createdAt = now.toISOString();
    const rows = NEW_DNS.source(
      this.flavor,
      dns.map((dn) => ({ dn, createdAt })),
    );
    await sql`INSERT INTO directory_numbers (dn, created_at) ${rows}`.execute(this.db);
  }

  /** Inserts a device and its lines; the lines' DNs must exist (see reserveDns). */
  async insert(device: Device, now: Date): Promise<void> {
    await this.insertAll([device], now);
  }

  /**
   * Inserts devices and their lines: two statements, whatever the number of devices. A device
   * named in `statuses` is stored with that registration status (an auto-registered phone is
   * registered from the start), the others as Unregistered.
   */
  async insertAll(
    devices: readonly Device[],
    now: Date,
    statuses?: ReadonlyMap<string, StatusChange>,
  ): Promise<void> {
    if (devices.length === 0) return;
    const createdAt = now.toISOString();
    const rows = NEW_DEVICES.source(
      this.flavor,
      devices.map((device) => ({ device, createdAt, status: statuses?.get(device.name) })),
    );
    await sql`INSERT INTO devices
      (name, model, protocol, description, load_id, created_at, status, status_node, ip_address, active_load_id, status_changed_at, device_pool, security_profile)
      ${rows}`.execute(this.db);
    const lines = devices.flatMap((device) =>
      device.lines.map((line) => ({ deviceName: device.name, line })),
    );
    if (lines.length === 0) return;
    await sql`INSERT INTO lines (device_name, line_index, dn, display_name, text_label, max_calls, busy_trigger)
      ${NEW_LINES.source(this.flavor, lines)}`.execute(this.db);
  }

  /**
   * Inserts or replaces a device with its lines (CSV import). DNs are created as needed; returns
   * whether it existed and the DNs it held before, so the caller can free those no longer used.
   */
  async upsert(device: Device, now: Date): Promise<{ existed: boolean; previousDns: string[] }> {
    const previousLines = (await this.linesOf([device.name])).get(device.name) ?? [];
    const previousDns = previousLines.map((l) => l.dn);
    // Settings a row leaves out (a file without their columns) keep the stored ones.
    device = { ...device, lines: completeLines(device.lines, previousLines) };
    const updated = await this.db
      .updateTable('devices')
      .set({
        model: device.model,
        protocol: device.protocol,
        description: device.description,
        load_id: device.loadId,
        ...(device.devicePool !== undefined ? { device_pool: device.devicePool } : {}),
        ...(device.securityProfile !== undefined ? { security_profile: device.securityProfile } : {}),
      })
      .where('name', '=', device.name)
      .executeTakeFirst();
    const existed = Number(updated.numUpdatedRows) > 0;
    if (existed) await this.db.deleteFrom('lines').where('device_name', '=', device.name).execute();
    for (const line of device.lines) {
      await this.db
        .insertInto('directory_numbers')
        .values({ dn: line.dn, created_at: now.toISOString() })
        .onConflict((oc) => oc.column('dn').doNothing())
        .execute();
    }
    if (existed) {
      if (device.lines.length > 0) {
        await this.db
          .insertInto('lines')
          .values(device.lines.map((l) => lineValues(device.name, l)))
          .execute();
      }
    } else {
      await this.insert(device, now);
    }
    return { existed, previousDns };
  }

  /** Deletes those of `dns` that no line uses any more; returns them. */
  async deleteUnusedDns(dns: string[]): Promise<string[]> {
    const freed: string[] = [];
    for (let i = 0; i < dns.length; i += 500) {
      const chunk = dns.slice(i, i + 500);
      const used = new Set(
        (await this.db.selectFrom('lines').select('dn').where('dn', 'in', chunk).execute()).map((r) => r.dn),
      );
      const unused = chunk.filter((dn) => !used.has(dn));
      if (unused.length > 0)
        await this.db.deleteFrom('directory_numbers').where('dn', 'in', unused).execute();
      freed.push(...unused);
    }
    return freed;
  }

  /** All devices with their lines, in name order, a page at a time (CSV export streams through it). */
  async *all(
    pageSize = 1000,
    filter: Omit<PhoneQuery, 'page' | 'pageSize'> = {},
  ): AsyncGenerator<DeviceRecord[]> {
    for (let page = 1; ; page++) {
      const { items } = await this.search({ ...filter, page, pageSize });
      if (items.length === 0) return;
      yield items;
      if (items.length < pageSize) return;
    }
  }

  /** Deletes a device and the directory numbers that no other line uses any more. Returns false if absent. */
  async delete(name: string): Promise<boolean> {
    const dns = (await this.linesOf([name])).get(name)?.map((l) => l.dn) ?? [];
    await this.db.deleteFrom('lines').where('device_name', '=', name).execute();
    const result = await this.db.deleteFrom('devices').where('name', '=', name).executeTakeFirst();
    if (dns.length > 0) {
      await this.db
        .deleteFrom('directory_numbers')
        .where('dn', 'in', dns)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(selectFrom('lines').select('lines.dn').whereRef('lines.dn', '=', 'directory_numbers.dn')),
          ),
        )
        .execute();
    }
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Writes a batch of status transitions (the hot path batches them; see StatusWriter) in one
   * UPDATE … FROM (the changes as JSON rows). `changes` names each device once. A change without an
   * active load keeps the one the phone reported before.
   *
   * Owner-guarded (docs/cluster.md): a change older than the stored one is ignored, and only the
   * node holding a registered phone may mark it otherwise (a late "unregistered" from the node a
   * phone left does not hide its registration on the node it moved to).
   */
  async applyStatusChanges(changes: readonly StatusChange[]): Promise<void> {
    if (changes.length === 0) return;
    await sql`
      UPDATE devices SET
        status = v.status,
        status_node = v.node,
        ip_address = v.ip_address,
        active_load_id = COALESCE(v.active_load_id, devices.active_load_id),
        status_changed_at = v.at
      FROM (${STATUS_CHANGES.source(this.flavor, changes)}) AS v
      WHERE devices.name = v.name
        AND (devices.status_changed_at IS NULL OR v.at >= devices.status_changed_at
          -- A phone that moves registers on the new node, then leaves the old one: the old node's
          -- "unregistered" says only that it left there, and may be written first (each node's
          -- writer batches). The new node's registration stands, though its clock read earlier.
          OR (v.status = 'registered' AND v.reassert = 0 AND devices.status <> 'registered'
            AND devices.status_node IS NOT NULL AND devices.status_node <> v.node))
        AND ((v.status = 'registered' AND v.reassert = 0) OR devices.status <> 'registered'
          OR devices.status_node IS NULL OR devices.status_node = v.node)`.execute(this.db);
  }

  /** Marks every device registered on `node` as unregistered (a node that restarts has no sessions). */
  async unregisterAllOn(node: string, at: Date): Promise<number> {
    const r = await this.db
      .updateTable('devices')
      .set({ status: 'unregistered', status_changed_at: at.toISOString() })
      .where('status_node', '=', node)
      .where('status', '=', 'registered')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async search(q: PhoneQuery): Promise<{ items: DeviceRecord[]; total: number }> {
    let query = this.db.selectFrom('devices');
    const lower = (col: 'name' | 'description' | 'ip_address') => sql<string>`lower(${sql.ref(col)})`;
    if (q.name) query = query.where(lower('name'), 'like', likePattern(q.name));
    if (q.description) query = query.where(lower('description'), 'like', likePattern(q.description));
    if (q.ipAddress) query = query.where(lower('ip_address'), 'like', likePattern(q.ipAddress));
    if (q.protocol) query = query.where('protocol', '=', q.protocol);
    if (q.model) query = query.where('model', '=', q.model);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.node) query = query.where('status_node', '=', q.node);
    if (q.devicePool) query = query.where('device_pool', '=', q.devicePool);
    if (q.dn) {
      const pattern = likePattern(q.dn);
      // IN (subquery) scans lines once; a correlated EXISTS per device measured ~5× slower on 100k phones.
      query = query.where('name', 'in', (eb) =>
        eb.selectFrom('lines').select('lines.device_name').where('lines.dn', 'like', pattern),
      );
    }
    const countRow = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const column = SORT_COLUMNS[q.sort ?? 'name'];
    let page = query.selectAll().orderBy(column, q.order ?? 'asc');
    if (column !== 'name') page = page.orderBy('name', 'asc');
    const rows = await page
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    const lines = await this.linesOf(rows.map((r) => r.name));
    return { items: rows.map((r) => toRecord(r, lines.get(r.name) ?? [])), total: Number(countRow.n) };
  }

  /** Every directory number of the cluster (the call dial plan). */
  async allDirectoryNumbers(): Promise<string[]> {
    const rows = await this.db.selectFrom('directory_numbers').select('dn').execute();
    return rows.map((r) => r.dn);
  }

  /** Directory numbers whose length lies between the two bounds (candidates of a numeric range). */
  async dnsWithLength(minLength: number, maxLength: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('directory_numbers')
      .select('dn')
      .where(sql<number>`length(dn)`, '>=', minLength)
      .where(sql<number>`length(dn)`, '<=', maxLength)
      .execute();
    return rows.map((r) => r.dn);
  }

  /** Directory numbers with the device and line that hold each (Call Routing > Directory Number). */
  async listDirectoryNumbers(opts: { dn?: string; limit: number; offset: number }): Promise<{
    items: { dn: string; deviceName: string | null; lineIndex: number | null; description: string | null }[];
    total: number;
  }> {
    let query = this.db
      .selectFrom('directory_numbers')
      .leftJoin('lines', 'lines.dn', 'directory_numbers.dn')
      .leftJoin('devices', 'devices.name', 'lines.device_name');
    if (opts.dn) query = query.where('directory_numbers.dn', 'like', likePattern(opts.dn));
    const countRow = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .select([
        'directory_numbers.dn as dn',
        'lines.device_name as deviceName',
        'lines.line_index as lineIndex',
        'devices.description as description',
      ])
      .orderBy(sql`length(directory_numbers.dn)`)
      .orderBy('directory_numbers.dn')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
    return { items: rows, total: Number(countRow.n) };
  }

  /** The lines of other devices than `except` that hold one of `dns` (shared lines, or a conflict). */
  async holdersOf(dns: string[], except: string): Promise<{ dn: string; deviceName: string }[]> {
    if (dns.length === 0) return [];
    return this.db
      .selectFrom('lines')
      .select(['dn', 'device_name as deviceName'])
      .where('dn', 'in', dns)
      .where('device_name', '!=', except)
      .orderBy('dn')
      .execute();
  }
}
