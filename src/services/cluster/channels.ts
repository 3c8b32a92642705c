import { CONFIG_CHANNEL } from '../../store/cluster-objects.js';

/**
 * The PostgreSQL channels nodes talk on (docs/cluster.md). Payloads carry keys, never data, and
 * stay under PostgreSQL's 8,000-byte cap: receivers read the rows they name.
 */
export const CHANNELS = {
  /** `{what, name, v, from}`: a configuration row changed (sent by the tables' trigger). */
  config: CONFIG_CHANNEL,
  /** `{from, names}`: these devices' live status changed (end of a StatusWriter batch, the reaper). */
  status: 'openucm_status',
  /** `{to, device, action, from}`: a command for a phone registered on node `to`. */
  command: 'openucm_command',
  /** `{node, state, phones, by}`: a node was declared down (or is up again). */
  nodes: 'openucm_nodes',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** A payload's budget: well under PostgreSQL's 8,000 bytes, whatever the names. */
export const MAX_PAYLOAD_BYTES = 7000;

/**
 * The `openucm_status` payloads naming `names`, as few as fit: about 350 device names each.
 * `from` is the node that told its own LiveEvents already (null: every node, itself included,
 * reads the rows, as after a reap).
 */
export function statusPayloads(from: string | null, names: readonly string[]): string[] {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const overhead = Buffer.byteLength(JSON.stringify({ from, names: [] }));
  for (const name of names) {
    const size = Buffer.byteLength(JSON.stringify(name)) + 1;
    if (chunk.length > 0 && overhead + bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ from, names: chunk }));
      chunk = [];
      bytes = 0;
    }
    chunk.push(name);
    bytes += size;
  }
  if (chunk.length > 0) payloads.push(JSON.stringify({ from, names: chunk }));
  return payloads;
}
