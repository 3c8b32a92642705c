import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './context.js';

/** CUCM's CDR fields (core/call/cdr.ts) and their SQL types; the columns carry CUCM's names as they are. */
const CDR_COLUMNS: readonly [name: string, type: 'integer' | 'bigint' | 'text'][] = [
  ['cdrRecordType', 'integer'],
  ['globalCallID_callManagerId', 'integer'],
  ['globalCallID_callId', 'bigint'],
  ['origLegCallIdentifier', 'bigint'],
  ['destLegCallIdentifier', 'bigint'],
  ['dateTimeOrigination', 'bigint'],
  ['dateTimeConnect', 'bigint'],
  ['dateTimeDisconnect', 'bigint'],
  ['duration', 'integer'],
  ['callingPartyNumber', 'text'],
  ['originalCalledPartyNumber', 'text'],
  ['finalCalledPartyNumber', 'text'],
  ['lastRedirectDn', 'text'],
  ['origCause_value', 'integer'],
  ['destCause_value', 'integer'],
  ['origDeviceName', 'text'],
  ['destDeviceName', 'text'],
  ['origIpAddr', 'integer'],
  ['destIpAddr', 'integer'],
  ['origMediaTransportAddress_IP', 'integer'],
  ['origMediaTransportAddress_Port', 'integer'],
  ['destMediaTransportAddress_IP', 'integer'],
  ['destMediaTransportAddress_Port', 'integer'],
  ['origMediaCap_payloadCapability', 'integer'],
  ['origMediaCap_maxFramesPerPacket', 'integer'],
  ['destMediaCap_payloadCapability', 'integer'],
  ['destMediaCap_maxFramesPerPacket', 'integer'],
  ['origPrecedenceLevel', 'integer'],
  ['destPrecedenceLevel', 'integer'],
];

/**
 * Call Detail Records: one row per finished call, with CUCM's field names as columns (so that a
 * CDR export reads like CUCM's) and `node`, the node that wrote it. Listed newest first by `id`;
 * retention and the time filter go by dateTimeOrigination.
 */
export function callDetailRecords({ flavor }: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let table = db.schema
        .createTable('call_detail_records')
        .addColumn('id', flavor === 'postgres' ? 'bigserial' : 'integer', (c) =>
          flavor === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('node', 'text', (c) => c.notNull());
      for (const [name, type] of CDR_COLUMNS) {
        table = table.addColumn(name, type, (c) =>
          type === 'text' ? c.notNull().defaultTo('') : c.notNull(),
        );
      }
      await table.execute();
      await db.schema
        .createIndex('call_detail_records_origination')
        .on('call_detail_records')
        .column('dateTimeOrigination')
        .execute();
    },
  };
}
