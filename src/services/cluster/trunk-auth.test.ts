import { describe, expect, it } from 'vitest';
import { TRUNK_AUTH_WINDOW_MS, signTrunkRequest, trunkKey, verifyTrunkRequest } from './trunk-auth.js';

const key = trunkKey(Buffer.alloc(32, 7));
const request = { callId: 'abc@10.0.0.1', cseq: 1, fromTag: 't1' };
const at = Date.UTC(2026, 11, 6, 2, 0, 0);
const header = signTrunkRequest(key, { ...request, node: 'cm1', at });

describe('X-Openucm-Auth', () => {
  it('proves the signing node for the request it was made for', () => {
    expect(verifyTrunkRequest(key, header, request, at + 1000)).toEqual({ ok: true, node: 'cm1' });
  });

  it('refuses another key: a node that does not share the secret key file', () => {
    const other = trunkKey(Buffer.alloc(32, 8));
    expect(verifyTrunkRequest(other, header, request, at)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('--secret-key-file'),
    });
  });

  it('refuses the signature of one INVITE on another (Call-ID, CSeq, From tag)', () => {
    for (const changed of [{ callId: 'xyz@10.0.0.1' }, { cseq: 2 }, { fromTag: 't2' }])
      expect(verifyTrunkRequest(key, header, { ...request, ...changed }, at).ok).toBe(false);
  });

  it('refuses a changed node name or time', () => {
    expect(verifyTrunkRequest(key, header.replace('node=cm1', 'node=cm3'), request, at).ok).toBe(false);
    expect(verifyTrunkRequest(key, header.replace(`ts=${at}`, `ts=${at + 1}`), request, at).ok).toBe(false);
  });

  it('refuses a signature older than the window (a replay)', () => {
    const verdict = verifyTrunkRequest(key, header, request, at + TRUNK_AUTH_WINDOW_MS + 1);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('replay') });
  });

  it('refuses a missing or malformed header, saying so', () => {
    expect(verifyTrunkRequest(key, undefined, request, at)).toMatchObject({
      ok: false,
      reason: 'no X-Openucm-Auth header',
    });
    for (const bad of ['', 'node=cm1', 'node=cm1;ts=x;mac=AA', 'garbage;;;'])
      expect(verifyTrunkRequest(key, bad, request, at)).toMatchObject({
        ok: false,
        reason: expect.stringContaining('not node='),
      });
    expect(verifyTrunkRequest(key, `node=cm1;ts=${at};mac=AAAA`, request, at).ok).toBe(false);
  });
});
