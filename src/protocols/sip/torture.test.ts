/** RFC 4475 torture tests: the valid messages parse with the right values, the invalid ones fail typed. */
import { describe, expect, it } from 'vitest';
import * as bad from '../../../test/sip/fixtures/rfc4475-invalid.js';
import * as good from '../../../test/sip/fixtures/rfc4475.js';
import { parseDigestCredentials } from './digest.js';
import type { SipParseErrorCode } from './parse-error.js';
import type { SipMessage } from './message.js';
import { type ParseResult, parseMessage } from './parser.js';

function ok(buf: Buffer): SipMessage {
  let r: ParseResult | undefined;
  expect(() => (r = parseMessage(buf))).not.toThrow();
  if (r === undefined || !r.ok)
    throw new Error(`expected a message, got ${JSON.stringify(r && !r.ok ? r.error.message : r)}`);
  return r.message;
}

function rejected(buf: Buffer) {
  let r: ParseResult | undefined;
  expect(() => (r = parseMessage(buf))).not.toThrow();
  if (r === undefined || r.ok) throw new Error('expected a parse error');
  return r.error;
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('wsinv: folding, compact forms, odd whitespace and escaped quotes', () => {
    const m = ok(good.wsinv);
    expect(m.kind).toBe('request');
    if (m.kind !== 'request') return;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(m.requestUri?.params.get('unknownparam')).toBeNull();
    expect(m.to.uri).toBe('sip:vivekg@chair-dnrc.example.com');
    expect(m.to.tag).toBe('1918181833n');
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(m.from.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68);
    expect(m.callId).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.via.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.header('subject')).toBe('');
    expect(m.header('NEWFANGLEDHEADER')).toBe('newfangled value continued newfangled value');
    expect(m.header('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(m.headers('route')).toEqual(['<sip:services.example.com;lr;unknownwith=value;unknown-no-value>']);
    const contacts = m.contacts;
    expect(contacts).not.toBe('*');
    if (contacts === '*') return;
    expect(contacts).toHaveLength(1);
    expect(contacts[0].displayName).toBe('Quoted string ""');
    expect(contacts[0].params.get('newparam')).toBe('newvalue');
    expect(contacts[0].params.get('secondparam')).toBeNull();
    expect(contacts[0].q).toBe(0.33);
    expect(m.contentLength).toBe(150);
    expect(m.body.length).toBe(150);
    expect(m.contentType).toBe('application/sdp');
  });

  it('intmeth: the full token alphabet, escaped control characters, UTF-8', () => {
    const m = ok(good.intmeth);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.method).toBe(good.intmethMethod);
    expect(m.cseq.method).toBe(good.intmethMethod);
    expect(m.requestUri?.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(m.requestUri?.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from.params.get("fromparam''~+*_!.-%")).toBe('работающий');
    expect(m.from.tag).toBe("_token~1'+`*%!-.");
    expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(m.via[0].branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.header("extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
    expect(m.maxForwards).toBe(255);
  });

  it('esc01: %-escapes are decoded where the URI grammar allows them', () => {
    const m = ok(good.esc01);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.requestUri?.user).toBe('sips:user@example.com');
    expect(m.requestUri?.host).toBe('example.net');
    expect(m.to.sipUri?.user).toBe('user');
    expect(m.from.sipUri?.user).toBe('I have spaces');
    expect(m.callId).toBe('esc01.239409asdfakjkn23onasd0-3234');
    expect(m.contentType).toBe('application/sdp');
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c[0].sipUri?.user).toBe('caller');
    expect([...(c[0].sipUri?.params ?? [])]).toEqual([
      ['lr', null],
      ['name', 'value%41'],
    ]);
  });

  it('escnull: %00 in URIs', () => {
    const m = ok(good.escnull);
    expect(m.to.sipUri?.user).toBe('null-\0-null');
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c.map((x) => x.sipUri?.user)).toEqual(['\0', '\0\0']);
    expect(m.contentLength).toBe(0);
  });

  it('esc02: a "%" that is no escape stays literal; C%6Fntact is another header', () => {
    const m = ok(good.esc02);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.to.displayName).toBe('%Z%45');
    expect(m.via[0].branch).toBe('z9hG4bK209%fzsnel234');
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c.map((x) => x.sipUri?.host)).toEqual(['host1.example.com', 'host3.example.com']);
    expect(m.header('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('lwsdisp: display name directly before "<"', () => {
    const m = ok(good.lwsdisp);
    expect(m.from.displayName).toBe('caller');
    expect(m.from.uri).toBe('sip:caller@example.com');
    expect(m.from.tag).toBe('323');
  });

  it('longreq: long values and 34 Via rows spelled every way', () => {
    const m = ok(good.longreq);
    expect(m.via).toHaveLength(34);
    expect(m.via[0].host).toBe('sip33.example.com');
    expect(m.via[33].received).toBe('192.0.2.5');
    expect(m.via[33].branch).toBe(`very${'long'.repeat(50)}branchvalue`);
    expect(m.to.displayName).toBe(`I have a user name of ${'extreme'.repeat(10)} proportion`);
    expect(m.to.sipUri?.port).toBe(6000);
    expect(m.from.tag).toBe(`12${'982'.repeat(50)}424`);
    expect(m.body.length).toBe(150);
  });

  it('dblreq: octets after Content-Length are ignored', () => {
    const m = ok(good.dblreq);
    expect(m.cseq.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    expect(m.toString().endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c[0].uri).toBe('sip:j.user@host.example.com');
  });

  it('semiuri: ";" in the user part of the Request-URI', () => {
    const m = ok(good.semiuri);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.requestUri?.user).toBe('user;par=u@example.net');
    expect(m.requestUri?.host).toBe('example.com');
    expect(m.requestUri?.params.size).toBe(0);
    expect(m.headers('accept')).toHaveLength(6);
  });

  it('transports: known and unknown Via transports', () => {
    const m = ok(good.transports);
    expect(m.via.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(m.callId).toBe('transports.kijh4akdnaqjkwendsasfdj');
  });

  it('mpart01: a binary multipart body is taken by Content-Length', () => {
    const m = ok(good.mpart01);
    expect(m.body.equals(good.mpart01Body)).toBe(true);
    expect(m.contentType).toBe('multipart/mixed;boundary=7a9cbec02ceef655');
  });

  it('unreason and noreason: unusual and empty reason phrases', () => {
    const u = ok(good.unreason);
    if (u.kind !== 'response') throw new Error('response expected');
    expect(u.status).toBe(200);
    expect(u.reason).toBe(good.unreasonPhrase);
    const n = ok(good.noreason);
    if (n.kind !== 'response') throw new Error('response expected');
    expect(n.status).toBe(100);
    expect(n.reason).toBe('');
  });
});

const invalid: Array<[string, Buffer, SipParseErrorCode, string | undefined]> = [
  ['badinv01', bad.badinv01, 'invalid-header', 'via'],
  ['clerr', bad.clerr, 'body-truncated', undefined],
  ['ncl', bad.ncl, 'invalid-header', 'content-length'],
  ['scalar02', bad.scalar02, 'invalid-header', 'cseq'],
  ['scalarlg', bad.scalarlg, 'invalid-header', 'cseq'],
  ['quotbal', bad.quotbal, 'invalid-header', 'to'],
  ['ltgtruri', bad.ltgtruri, 'bad-request-uri', undefined],
  ['lwsruri', bad.lwsruri, 'bad-start-line', undefined],
  ['lwsstart', bad.lwsstart, 'bad-start-line', undefined],
  ['trws', bad.trws, 'bad-start-line', undefined],
  ['escruri', bad.escruri, 'bad-request-uri', undefined],
  ['regbadct', bad.regbadct, 'invalid-header', 'contact'],
  ['badaspec', bad.badaspec, 'invalid-header', 'to'],
  ['baddn', bad.baddn, 'invalid-header', 'from'],
  ['badvers', bad.badvers, 'bad-version', undefined],
  ['mismatch01', bad.mismatch01, 'cseq-method-mismatch', 'cseq'],
  ['mismatch02', bad.mismatch02, 'cseq-method-mismatch', 'cseq'],
  ['bigcode', bad.bigcode, 'bad-status-code', undefined],
  ['insuf', bad.insuf, 'missing-header', 'call-id'],
  ['mcl01', bad.mcl01, 'duplicate-header', 'content-length'],
  ['multi01', bad.multi01, 'duplicate-header', 'call-id'],
];

describe('RFC 4475 invalid messages are rejected with a typed error', () => {
  it.each(invalid)('%s', (_name, buf, code, header) => {
    const error = rejected(buf);
    expect(error.code).toBe(code);
    expect(error.header).toBe(header);
    expect(error.reason.length).toBeGreaterThan(0);
  });

  it('answers 505 to badvers and 400 to the rest', () => {
    for (const [name, buf] of invalid)
      expect(rejected(buf).status, name).toBe(name === 'badvers' ? 505 : 400);
  });

  it('says a 400 can be addressed when the request and its Via parsed', () => {
    expect(rejected(bad.scalar02).canRespond).toBe(true);
    expect(rejected(bad.insuf).canRespond).toBe(true);
    expect(rejected(bad.clerr).canRespond).toBe(true);
    expect(rejected(bad.badinv01).canRespond).toBe(false);
    expect(rejected(bad.scalarlg).canRespond).toBe(false);
    expect(rejected(bad.lwsstart).canRespond).toBe(false);
  });
});

describe('RFC 4475 §3.3 / §3.4 messages that are valid syntax', () => {
  it('baddate parses (the Date header is not the message layer’s business)', () => {
    expect(ok(bad.baddate).header('date')).toBe('Fri, 01 Jan 2010 16:00:00 EST');
  });

  it('unkscm and unksm2: unknown URI schemes are kept as written', () => {
    const m = ok(bad.unkscm);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.uri).toBe('nobodyKnowsThisScheme:totallyopaquecontent');
    expect(m.requestUri).toBeUndefined();
    const r = ok(bad.unksm2);
    expect(r.to.uri).toBe('isbn:2983792873');
    expect(r.to.sipUri).toBeUndefined();
    expect(r.contacts).toEqual([expect.objectContaining({ uri: 'name:John_Smith' })]);
  });

  it('cparam01/cparam02: a parameter is a header parameter outside <> and a URI parameter inside', () => {
    const a = ok(bad.cparam01).contacts;
    const b = ok(bad.cparam02).contacts;
    if (a === '*' || b === '*') throw new Error('list expected');
    expect(a[0].params.has('unknownparam')).toBe(true);
    expect(a[0].sipUri?.params.has('unknownparam')).toBe(false);
    expect(b[0].params.has('unknownparam')).toBe(false);
    expect(b[0].sipUri?.params.has('unknownparam')).toBe(true);
  });

  it('regescrt: an escaped header inside a bracketed Contact URI is decoded', () => {
    const c = ok(bad.regescrt).contacts;
    if (c === '*') throw new Error('list expected');
    expect(c[0].sipUri?.headers).toEqual([['Route', '<sip:sip.example.com>']]);
  });

  it('regaut01 parses; its Authorization is refused by the digest parser', () => {
    const m = ok(bad.regaut01);
    const creds = parseDigestCredentials(m.header('authorization') ?? '');
    expect(creds.ok).toBe(false);
  });

  it('inv2543: no branch, no Max-Forwards, no Content-Length (body = rest of datagram)', () => {
    const m = ok(bad.inv2543);
    expect(m.via[0].branch).toBeUndefined();
    expect(m.maxForwards).toBeUndefined();
    expect(m.contentLength).toBeUndefined();
    expect(m.body.toString()).toContain('m=audio 49217 RTP/AVP 0');
    expect(m.to.params.get('user')).toBe('phone');
  });
});
