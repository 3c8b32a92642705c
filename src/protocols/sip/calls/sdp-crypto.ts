/**
 * SDES `a=crypto` attributes (RFC 4568 §9.1 grammar): read and checked so that a malformed key never
 * reaches the other phone, and written back with the tag the phone expects. The node passes keys on;
 * it never uses them.
 */
import type { CryptoAttribute, SrtpKey } from '../../../core/call/srtp.js';
import { SRTP_SUITES, isSrtpSuite } from '../../../core/call/srtp.js';

export type CryptoResult =
  | { ok: true; crypto: CryptoAttribute }
  /** A suite the node does not know: RFC 4568 §7.1.1 lets the answerer skip the line. */
  | { ok: false; unknownSuite: string }
  | { ok: false; malformed: string };

/** RFC 4568 §9.1: tag = 1*9DIGIT. */
const TAG = /^\d{1,9}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** lifetime = ["2^"] 1*DIGIT; mki = mki-value ":" mki-length, mki-length 1*3DIGIT (1..128). */
const LIFETIME = /^(2\^)?\d{1,20}$/;
const MKI = /^(\d{1,20}):(\d{1,3})$/;
/** Session parameters RFC 4568 §6.3 defines, and extensions as a token (=value). */
const SESSION_PARAM = /^[A-Za-z0-9_\-^]+(=[\x21-\x7e]+)?$/;
/** Session parameters that leave SRTP without encryption or authentication: not an encrypted call. */
const WEAKENING = new Set(['UNENCRYPTED_SRTP', 'UNENCRYPTED_SRTCP', 'UNAUTHENTICATED_SRTP']);

/** Reads the value of one `a=crypto:` attribute (what follows the colon). */
export function parseCrypto(value: string): CryptoResult {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 3) return malformed('needs a tag, a crypto suite and key parameters');
  const [tag, suite, keyParams, ...sessionParams] = parts;
  if (!TAG.test(tag)) return malformed(`tag "${clip(tag)}" is not 1 to 9 digits`);
  if (!isSrtpSuite(suite)) return { ok: false, unknownSuite: clip(suite) };
  const bytes = SRTP_SUITES[suite];
  for (const param of keyParams.split(';')) {
    if (!param.startsWith('inline:'))
      return malformed(`key parameter of tag ${tag} must be inline:<key||salt>`);
    const [key, ...rest] = param.slice('inline:'.length).split('|');
    if (!BASE64.test(key) || key.length % 4 !== 0)
      return malformed(`key of tag ${tag} (${suite}) is not base64`);
    const length = Buffer.from(key, 'base64').length;
    if (length !== bytes)
      return malformed(
        `key of tag ${tag} (${suite}) is ${length} bytes; the suite takes ${bytes} (key + salt)`,
      );
    if (rest.length > 2) return malformed(`key of tag ${tag} has more than a lifetime and an MKI`);
    for (const extra of rest) {
      const mki = MKI.exec(extra);
      if (mki) {
        const size = Number(mki[2]);
        if (size < 1 || size > 128) return malformed(`MKI length of tag ${tag} must be 1 to 128`);
      } else if (!LIFETIME.test(extra)) return malformed(`lifetime or MKI "${clip(extra)}" of tag ${tag}`);
    }
  }
  for (const param of sessionParams)
    if (!SESSION_PARAM.test(param)) return malformed(`session parameter "${clip(param)}" of tag ${tag}`);
  return { ok: true, crypto: { tag: Number(tag), suite, keyParams, sessionParams } };
}

/** The line gives real SRTP: no session parameter turns encryption or authentication off. */
export function protects(crypto: CryptoAttribute): boolean {
  return !crypto.sessionParams.some((param) => WEAKENING.has(param));
}

/** The attribute line for `key` under `tag` (RFC 4568 §5.1: an answer keeps the offer's tag). */
export function renderCrypto(tag: number, key: SrtpKey): string {
  return ['a=crypto:' + String(tag), key.suite, key.keyParams, ...key.sessionParams].join(' ');
}

function malformed(why: string): CryptoResult {
  return { ok: false, malformed: `malformed a=crypto: ${why}` };
}

function clip(text: string): string {
  return text.slice(0, 40);
}
