/**
 * Fuzzing with a seeded PRNG: truncated, mutated, spliced and random messages never make the
 * parser, the accessors, the response builder or the stream framer throw (accessors may throw
 * only SipHeaderError). Pathological inputs near the size limit run too; no timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import * as cisco from '../../../test/sip/fixtures/cisco.js';
import * as invalid from '../../../test/sip/fixtures/rfc4475-invalid.js';
import * as valid from '../../../test/sip/fixtures/rfc4475.js';
import { parseDigestChallenge, parseDigestCredentials } from './digest.js';
import { SipHeaderError } from './header-error.js';
import type { SipMessage, SipRequest } from './message.js';
import { parseMessage } from './parser.js';
import { buildResponse } from './serializer.js';
import { SipStreamFramer } from './stream-framer.js';
import { isSendablePort, responsePort } from './transport/flow.js';

const corpus: Buffer[] = [...Object.values(valid), ...Object.values(invalid), ...Object.values(cisco)].filter(
  (v): v is Buffer => Buffer.isBuffer(v),
);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = Buffer.from(':;,"<>\r\n \t%\\@=/?[]\0\xff*');

/** sent-by values that decide where a response goes: port 0 (the one-datagram crash), edges, IPv6 forms. */
const SENT_BY = [
  '1.2.3.4:0',
  '1.2.3.4:00000',
  '1.2.3.4:65535',
  '1.2.3.4:65536',
  '1.2.3.4:99999',
  '[::1]:0',
  '[::ffff:1.2.3.4]:0',
  '[::1]',
  '[fe80::1%25eth0]:5060',
  'host.invalid:0',
  '0.0.0.0:0',
  '255.255.255.255',
];
const VIA_PARAMS = [
  '',
  ';rport',
  ';rport=0',
  ';maddr=255.255.255.255',
  ';received=0.0.0.0',
  ';received=::1',
  ';ttl=0',
];
const VIA_SENT_BY =
  /^((?:Via|v)[ \t]*:[ \t]*SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*[A-Za-z]+[ \t]+)[^;,\r\n]+([^,\r\n]*)/im;

function mutate(rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  const base = Buffer.from(corpus[pick(corpus.length)]);
  switch (pick(9)) {
    case 0:
      return base.subarray(0, pick(base.length + 1));
    case 1: {
      for (let k = 1 + pick(8); k > 0; k--) base[pick(base.length)] = pick(256);
      return base;
    }
    case 2: {
      for (let k = 1 + pick(8); k > 0; k--) base[pick(base.length)] = SPECIAL[pick(SPECIAL.length)];
      return base;
    }
    case 3: {
      const at = pick(base.length);
      const len = 1 + pick(40);
      const slice = base.subarray(at, at + len);
      const times = 1 + pick(300);
      return Buffer.concat([
        base.subarray(0, at),
        ...Array.from({ length: times }, () => slice),
        base.subarray(at),
      ]);
    }
    case 4: {
      const at = pick(base.length);
      return Buffer.concat([base.subarray(0, at), base.subarray(at + 1 + pick(60))]);
    }
    case 5: {
      const other = corpus[pick(corpus.length)];
      return Buffer.concat([base.subarray(0, pick(base.length)), other.subarray(pick(other.length))]);
    }
    case 6:
      return Buffer.from(Array.from({ length: pick(600) }, () => pick(256)));
    case 7: {
      // The top Via's sent-by and parameters, which decide where a UDP response is sent (RFC 3261 §18.2.2).
      const text = base.toString('latin1').replace(VIA_SENT_BY, (_m, head: string, params: string) => {
        const kept = params.replace(/;\s*rport(=\d*)?/gi, '');
        return `${head}${SENT_BY[pick(SENT_BY.length)]}${kept}${VIA_PARAMS[pick(VIA_PARAMS.length)]}`;
      });
      return Buffer.from(text, 'latin1');
    }
    default: {
      const lines = base.toString('latin1').split('\r\n');
      const i = pick(lines.length);
      lines.splice(pick(lines.length), 0, lines[i]);
      return Buffer.from(lines.join(pick(2) === 0 ? '\r\n' : '\n'), 'latin1');
    }
  }
}

function touch(m: SipMessage): void {
  const getters: Array<() => unknown> = [
    () => m.callId,
    () => m.cseq,
    () => m.via,
    () => m.from,
    () => m.to,
    () => m.contacts,
    () => m.expires,
    () => m.maxForwards,
    () => m.contentLength,
    () => m.headerFields,
    () => m.headers('route'),
    () => m.headers('supported'),
    () => (m.kind === 'request' ? m.requestUri : m.reason),
    () => parseDigestCredentials(m.header('authorization') ?? ''),
    () => parseDigestChallenge(m.header('www-authenticate') ?? ''),
  ];
  for (const g of getters) {
    try {
      g();
    } catch (e) {
      if (!(e instanceof SipHeaderError)) throw e;
    }
  }
}

/** Where a UDP response to `request` goes must be a port a datagram can be sent to (dgram throws otherwise). */
function checkResponsePort(request: SipRequest): void {
  let port: number | undefined;
  try {
    port = responsePort(request.via[0]);
  } catch (e) {
    // A refused request whose Via does not parse is dropped, not answered (SipCore.refused).
    if (e instanceof SipHeaderError) return;
    throw e;
  }
  if (port !== undefined && !isSendablePort(port)) throw new Error(`a response would go to port ${port}`);
}

function exercise(buf: Buffer): void {
  const r = parseMessage(buf);
  if (r.ok) {
    touch(r.message);
    if (r.message.kind === 'request') {
      buildResponse(r.message, 200);
      checkResponsePort(r.message);
    }
  } else if (r.error.canRespond && r.error.request !== undefined) {
    buildResponse(r.error.request, r.error.status, r.error.reason);
    checkResponsePort(r.error.request);
  }
}

describe('fuzz', () => {
  it('survives 5000 mutated datagrams', () => {
    const rand = prng(0x5eed);
    let parsed = 0;
    let portZero = 0;
    for (let i = 0; i < 5000; i++) {
      const buf = mutate(rand);
      expect(
        () => exercise(buf),
        `case ${i}: ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`,
      ).not.toThrow();
      const r = parseMessage(buf);
      if (r.ok) parsed++;
      if (
        r.ok &&
        r.message.kind === 'request' &&
        r.message.via[0]?.port === 0 &&
        r.message.via[0].rport === undefined
      )
        portZero++;
    }
    // The mutations keep a fair share of messages valid, so the accessors were exercised.
    expect(parsed).toBeGreaterThan(200);
    // …and their Vias named port 0 often enough (the one-datagram crash of issue 12).
    expect(portZero).toBeGreaterThan(20);
  });

  it('survives the same inputs as a TCP stream in random chunks', () => {
    const rand = prng(0xbeef);
    for (let round = 0; round < 300; round++) {
      const framer = new SipStreamFramer();
      const data = Buffer.concat(Array.from({ length: 4 }, () => mutate(rand)));
      for (let i = 0; i < data.length && !framer.failed;) {
        const n = 1 + Math.floor(rand() * 300);
        for (const ev of framer.push(data.subarray(i, i + n))) {
          if (ev.type === 'message' && ev.result.ok) touch(ev.result.message);
        }
        i += n;
      }
    }
  });

  it('handles pathological inputs near the size limit', () => {
    const head = 'REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n';
    const tail =
      'From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n';
    const big = 60000;
    const cases = [
      `${head}Subject: ${' '.repeat(big)}x\r\n ${' '.repeat(100)}y\r\n${tail}\r\n`,
      `${head}Subject: a${' \r\n'.repeat(big / 3)}${tail}\r\n`,
      `${head}Contact: ${'"'.repeat(big)}\r\n${tail}\r\n`,
      `${head}Contact: ${'<'.repeat(big)}\r\n${tail}\r\n`,
      `${head}Contact: <sip:a@b>${';x'.repeat(big / 2)}\r\n${tail}\r\n`,
      `${head}Contact: ${'a '.repeat(big / 2)}<sip:a@b>\r\n${tail}\r\n`,
      `${head}Via: SIP/2.0/UDP a${';'.repeat(big)}\r\n${tail}\r\n`,
      `${head}Via: SIP/2.0/UDP a${',SIP/2.0/UDP a'.repeat(big / 14)}\r\n${tail}\r\n`,
      `${head}Expires: ${'9'.repeat(big)}\r\n${tail}\r\n`,
      `${head}${tail}Authorization: Digest ${'a=b,'.repeat(big / 4)}\r\n\r\n`,
      `${head}${tail}Authorization: Digest ${',  '.repeat(big / 3)}\r\n\r\n`,
      `${'\r\n'.repeat(big / 2)}${head}${tail}\r\n`,
      `${head}${'X: y\r\n'.repeat(big / 6)}${tail}\r\n`,
      `REGISTER sip:${'%41'.repeat(big / 3)}@example.com SIP/2.0\r\n${tail}\r\n`,
      `REGISTER sip:a@${'a.'.repeat(big / 2)}com SIP/2.0\r\n${tail}\r\n`,
    ];
    for (const text of cases) {
      const buf = Buffer.from(text, 'latin1');
      expect(() => exercise(buf)).not.toThrow();
      const framer = new SipStreamFramer();
      expect(() => framer.push(buf)).not.toThrow();
    }
  });
});
