/**
 * Trust between the nodes of one cluster on the SIP trunk (docs/cluster-calls.md, "Trust"): an
 * INVITE from one node to another carries `X-Openucm-Auth`, an HMAC-SHA256 of the calling node, the
 * time it was signed, and the INVITE's Call-ID, CSeq and From tag, under a key derived from the
 * cluster's shared secret key file (--secret-key-file). No digest challenge: no extra round trip.
 * Pure: the caller gives the key and the time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a trunk INVITE carries. */
export const TRUNK_AUTH_HEADER = 'X-Openucm-Auth';

/** How far a signature's time may be from the receiver's clock (nodes' clocks differ a little). */
export const TRUNK_AUTH_WINDOW_MS = 5 * 60_000;

/** What a signature covers: who signs, when, and the request it signs. */
export interface TrunkSigned {
  node: string;
  /** When it was signed, ms since the epoch. */
  at: number;
  callId: string;
  cseq: number;
  fromTag: string;
}

/**
 * The trunk's own key: an HMAC of a fixed label under the node's secret key, so that the key that
 * seals SIP passwords is never used directly for anything else.
 */
export function trunkKey(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('openucm intra-cluster SIP trunk v1').digest();
}

function mac(key: Buffer, signed: TrunkSigned): Buffer {
  return createHmac('sha256', key)
    .update([signed.node, String(signed.at), signed.callId, String(signed.cseq), signed.fromTag].join('\n'))
    .digest();
}

/** `node=cm1;ts=1733450000000;mac=<base64url>`. */
export function signTrunkRequest(key: Buffer, signed: TrunkSigned): string {
  return `node=${signed.node};ts=${signed.at};mac=${mac(key, signed).toString('base64url')}`;
}

export type TrunkVerdict = { ok: true; node: string } | { ok: false; reason: string };

/**
 * Checks the `X-Openucm-Auth` of a request: well-formed, signed within TRUNK_AUTH_WINDOW_MS of `now`,
 * and its MAC right for this request under `key`. `reason` says what failed, for the operator's log.
 */
export function verifyTrunkRequest(
  key: Buffer,
  header: string | undefined,
  request: Omit<TrunkSigned, 'node' | 'at'>,
  now: number,
): TrunkVerdict {
  if (header === undefined) return { ok: false, reason: `no ${TRUNK_AUTH_HEADER} header` };
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const node = fields.get('node');
  const ts = fields.get('ts');
  const given = fields.get('mac');
  if (!node || !ts || !given || !/^\d{1,15}$/.test(ts))
    return { ok: false, reason: `${TRUNK_AUTH_HEADER} is not node=…;ts=…;mac=…` };
  const at = Number(ts);
  if (Math.abs(now - at) > TRUNK_AUTH_WINDOW_MS)
    return {
      ok: false,
      reason: `${TRUNK_AUTH_HEADER} was signed ${Math.round((now - at) / 1000)} s from this node's clock (at most ${TRUNK_AUTH_WINDOW_MS / 1000} s): a replay, or the nodes' clocks differ`,
    };
  const expected = mac(key, { ...request, node, at });
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return {
      ok: false,
      reason: `${TRUNK_AUTH_HEADER} does not match: not signed with this cluster's secret key (every node needs the same --secret-key-file)`,
    };
  return { ok: true, node };
}
