/** A node as the cluster sees it (System > Cisco Unified CM, Dashboard). */
export type NodeState = 'up' | 'silent' | 'down' | 'stopped';

export interface NodeLiveness {
  state: NodeState;
  /** Its last heartbeat (ISO-8601), null once it stopped cleanly. */
  lastHeartbeat: string | null;
  /** How old that heartbeat is, in ms (null without one). */
  heartbeatAgeMs: number | null;
  /** When another node declared it down (null while it beats). */
  downSince: string | null;
  /** Phones the database shows registered on it. */
  phonesRegistered: number;
  /** One sentence for the operator. */
  summary: string;
}

/**
 * The liveness of node `name` from its stored heartbeat and down mark, at `nowMs` (the database's
 * clock where there is one): down once another node declared it so, silent past `downAfterMs`
 * without a heartbeat (not yet reaped, or a node alone on SQLite), stopped after a clean stop.
 */
export function nodeLiveness(
  row: { name: string; heartbeatAt: string | null; downAt: string | null; phonesRegistered: number },
  nowMs: number,
  downAfterMs: number,
): NodeLiveness {
  const { name, heartbeatAt, downAt, phonesRegistered } = row;
  const ageMs = heartbeatAt === null ? null : Math.max(0, nowMs - Date.parse(heartbeatAt));
  const base = { lastHeartbeat: heartbeatAt, heartbeatAgeMs: ageMs, downSince: downAt, phonesRegistered };
  if (downAt !== null)
    return {
      ...base,
      state: 'down',
      summary: `${name} is down since ${downAt}: it stopped answering; its phones are shown unregistered until they register elsewhere. Check that it runs and reaches the database`,
    };
  if (ageMs === null)
    return {
      ...base,
      state: 'stopped',
      summary: `${name} is stopped (it shut down cleanly, or has not started)`,
    };
  const seconds = (ageMs / 1000).toFixed(1);
  if (ageMs > downAfterMs)
    return {
      ...base,
      state: 'silent',
      summary: `${name} has written no heartbeat for ${seconds} s; it is declared down unless it answers`,
    };
  return {
    ...base,
    state: 'up',
    summary: `${name} is up: last heartbeat ${seconds} s ago, ${phonesRegistered} phones registered`,
  };
}
