import { sql } from 'kysely';
import type { CallDetailRecord } from '../core/call/cdr.js';
import type { Flavor } from './database.js';
import type { Executor } from './executor.js';
import type { JsonColumnType } from './json-rows.js';
import { JsonRows } from './json-rows.js';

/** A CDR as the database holds it: the record, its row id (paging) and the node that wrote it. */
export interface StoredCallDetailRecord extends CallDetailRecord {
  id: number;
  node: string;
}

/** A CDR on its way to the database, with the node that writes it. */
export interface NewCallDetailRecord {
  node: string;
  cdr: CallDetailRecord;
}

export interface CdrQuery {
  /** Only calls that began at or after this time (UTC epoch seconds). */
  from?: number;
  /** Only calls that began before this time (UTC epoch seconds). */
  to?: number;
  /** The calling party number, exactly. */
  callingNumber?: string;
  /** The called number, dialled or final, exactly. */
  calledNumber?: string;
  /** Either device of the call. */
  deviceName?: string;
  /** The Q.850 cause either side recorded. */
  cause?: number;
  /** Only records with an id below this (paging backwards from the newest). */
  beforeId?: number;
  limit: number;
}

/** The record's columns in table order; their names are CUCM's and the record's own. */
const COLUMNS = {
  cdrRecordType: 'integer',
  globalCallID_callManagerId: 'integer',
  globalCallID_callId: 'bigint',
  origLegCallIdentifier: 'bigint',
  destLegCallIdentifier: 'bigint',
  dateTimeOrigination: 'bigint',
  dateTimeConnect: 'bigint',
  dateTimeDisconnect: 'bigint',
  duration: 'integer',
  callingPartyNumber: 'text',
  originalCalledPartyNumber: 'text',
  finalCalledPartyNumber: 'text',
  lastRedirectDn: 'text',
  origCause_value: 'integer',
  destCause_value: 'integer',
  origDeviceName: 'text',
  destDeviceName: 'text',
  origIpAddr: 'integer',
  destIpAddr: 'integer',
  origMediaTransportAddress_IP: 'integer',
  origMediaTransportAddress_Port: 'integer',
  destMediaTransportAddress_IP: 'integer',
  destMediaTransportAddress_Port: 'integer',
  origMediaCap_payloadCapability: 'integer',
  origMediaCap_maxFramesPerPacket: 'integer',
  destMediaCap_payloadCapability: 'integer',
  destMediaCap_maxFramesPerPacket: 'integer',
  origPrecedenceLevel: 'integer',
  destPrecedenceLevel: 'integer',
  origCalledPartyRedirectReason: 'integer',
  lastRedirectRedirectReason: 'integer',
  origCallTerminationOnBehalfOf: 'integer',
  destCallTerminationOnBehalfOf: 'integer',
  origCalledPartyRedirectOnBehalfOf: 'integer',
  lastRedirectRedirectOnBehalfOf: 'integer',
  joinOnBehalfOf: 'integer',
  destConversationId: 'bigint',
  comment: 'text',
  callSecuredStatus: 'integer',
} as const satisfies Record<keyof CallDetailRecord, JsonColumnType>;

type Field = keyof CallDetailRecord;

/** CUCM's CDR field names, in the order of its flat files (and of the CSV export). */
export const CDR_FIELDS = Object.keys(COLUMNS) as Field[];

const NEW_ROWS = new JsonRows<NewCallDetailRecord>(
  { node: 'text', ...Object.fromEntries(CDR_FIELDS.map((f) => [f.toLowerCase(), COLUMNS[f]])) },
  (row) => [row.node, ...CDR_FIELDS.map((f) => row.cdr[f])],
);
// Quoted: PostgreSQL would fold CUCM's mixed-case names to lower case.
const INSERT_COLUMNS = sql.raw(['node', ...CDR_FIELDS].map((c) => `"${c}"`).join(', '));

/** The call detail records of the cluster, newest first. */
export class CdrRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor,
  ) {}

  /** Adds records, one statement whatever their number (a write batch sends it with the rest). */
  async insertMany(rows: readonly NewCallDetailRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`INSERT INTO call_detail_records (${INSERT_COLUMNS}) ${NEW_ROWS.source(this.flavor, rows)}`.execute(
      this.db,
    );
  }

  async list(q: CdrQuery): Promise<StoredCallDetailRecord[]> {
    let query = this.db.selectFrom('call_detail_records').selectAll();
    if (q.from !== undefined) query = query.where('dateTimeOrigination', '>=', q.from);
    if (q.to !== undefined) query = query.where('dateTimeOrigination', '<', q.to);
    if (q.callingNumber) query = query.where('callingPartyNumber', '=', q.callingNumber);
    if (q.calledNumber) {
      const called = q.calledNumber;
      query = query.where((eb) =>
        eb.or([eb('originalCalledPartyNumber', '=', called), eb('finalCalledPartyNumber', '=', called)]),
      );
    }
    if (q.deviceName) {
      const device = q.deviceName;
      query = query.where((eb) =>
        eb.or([eb('origDeviceName', '=', device), eb('destDeviceName', '=', device)]),
      );
    }
    if (q.cause !== undefined) {
      const cause = q.cause;
      query = query.where((eb) =>
        eb.or([eb('origCause_value', '=', cause), eb('destCause_value', '=', cause)]),
      );
    }
    if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(toRecord);
  }

  /** One record by its row id. */
  async get(id: number): Promise<StoredCallDetailRecord | undefined> {
    const row = await this.db
      .selectFrom('call_detail_records')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** Deletes up to `limit` records of calls that began before `before` (epoch seconds), oldest first. */
  async deleteOriginatedBefore(before: number, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom('call_detail_records')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('call_detail_records')
          .select('id')
          .where('dateTimeOrigination', '<', before)
          .orderBy('id')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/** PostgreSQL returns bigint columns as strings: every numeric field is read back as a number. */
function toRecord(row: Record<string, unknown>): StoredCallDetailRecord {
  const record: Record<string, unknown> = { id: Number(row.id), node: row.node };
  for (const field of CDR_FIELDS)
    record[field] = COLUMNS[field] === 'text' ? String(row[field]) : Number(row[field]);
  return record as unknown as StoredCallDetailRecord;
}
