import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeDigestResponse,
  computeHa1,
  formatDigestChallenge,
  formatDigestCredentials,
  parseDigestChallenge,
  parseDigestCredentials,
  verifyDigestCredentials,
} from './digest.js';

// RFC 7616 §3.9.1 (password "Circle of Life", lower-case "of", per erratum 4495).
const rfc7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  method: 'GET',
  uri: '/dir/index.html',
  qop: 'auth' as const,
  nc: 1,
};

describe('computeDigestResponse: published vectors', () => {
  it('RFC 7616 §3.9.1 with SHA-256 and with MD5', () => {
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    expect(
      computeDigestResponse({
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        cnonce: '0a4f113b',
        nc: '00000001',
        qop: 'auth',
        method: 'GET',
        uri: '/dir/index.html',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 2069 form without qop, -sess, auth-int and SHA-512-256 by their definitions', () => {
    const h = (alg: string, s: string) => createHash(alg).update(s).digest('hex');
    const base = { username: 'u', realm: 'r', password: 'p', nonce: 'n', method: 'REGISTER', uri: 'sip:r' };
    const ha1 = h('md5', 'u:r:p');
    expect(computeHa1('MD5', 'u', 'r', 'p')).toBe(ha1);
    expect(computeDigestResponse(base)).toBe(h('md5', `${ha1}:n:${h('md5', 'REGISTER:sip:r')}`));
    expect(computeDigestResponse({ ...base, ha1, password: undefined })).toBe(computeDigestResponse(base));
    const sessHa1 = h('md5', `${ha1}:n:c`);
    expect(computeDigestResponse({ ...base, algorithm: 'MD5-sess', qop: 'auth', nc: 2, cnonce: 'c' })).toBe(
      h('md5', `${sessHa1}:n:00000002:c:auth:${h('md5', 'REGISTER:sip:r')}`),
    );
    const ha2 = h('md5', `REGISTER:sip:r:${h('md5', 'body')}`);
    expect(computeDigestResponse({ ...base, qop: 'auth-int', nc: 1, cnonce: 'c', body: 'body' })).toBe(
      h('md5', `${ha1}:n:00000001:c:auth-int:${ha2}`),
    );
    const s = (x: string) => h('sha512-256', x);
    expect(computeDigestResponse({ ...base, algorithm: 'SHA-512-256' })).toBe(
      s(`${s('u:r:p')}:n:${s('REGISTER:sip:r')}`),
    );
  });
});

describe('challenges and credentials', () => {
  it('parses and formats a CUCM-style challenge', () => {
    const text = formatDigestChallenge({
      realm: 'ccmsipline',
      nonce: 'abc123',
      qop: ['auth'],
      opaque: 'o1',
      stale: true,
    });
    expect(text).toBe(
      'Digest realm="ccmsipline", nonce="abc123", opaque="o1", stale=true, algorithm=MD5, qop="auth"',
    );
    const ch = parseDigestChallenge(text);
    expect(ch).toMatchObject({
      ok: true,
      value: {
        realm: 'ccmsipline',
        nonce: 'abc123',
        algorithm: 'MD5',
        qop: ['auth'],
        stale: true,
        opaque: 'o1',
      },
    });
    const sha = parseDigestChallenge('digest REALM="r",nonce="n" , algorithm=sha-256, qop="auth,auth-int"');
    expect(sha).toMatchObject({ ok: true, value: { algorithm: 'SHA-256', qop: ['auth', 'auth-int'] } });
  });

  it('parses a Cisco 7940 Authorization (no spaces, no qop) and verifies it', () => {
    const response = computeDigestResponse({
      username: '2006',
      realm: 'ccmsipline',
      password: 'secret',
      nonce: '8d1f2f3e4c5b6a79',
      method: 'REGISTER',
      uri: 'sip:192.168.1.10',
    });
    const value = `Digest username="2006",realm="ccmsipline",uri="sip:192.168.1.10",response="${response}",nonce="8d1f2f3e4c5b6a79",algorithm=MD5`;
    const cr = parseDigestCredentials(value);
    if (!cr.ok) throw new Error(cr.error);
    expect(cr.value).toMatchObject({
      username: '2006',
      realm: 'ccmsipline',
      uri: 'sip:192.168.1.10',
      algorithm: 'MD5',
    });
    expect(verifyDigestCredentials(cr.value, { password: 'secret' }, 'REGISTER')).toBe(true);
    expect(verifyDigestCredentials(cr.value, { password: 'wrong' }, 'REGISTER')).toBe(false);
    expect(
      verifyDigestCredentials(
        cr.value,
        { ha1: computeHa1('MD5', '2006', 'ccmsipline', 'secret') },
        'REGISTER',
      ),
    ).toBe(true);
  });

  it('round-trips RFC 7616 credentials through format and parse, and verifies them', () => {
    const response = computeDigestResponse({ ...rfc7616, algorithm: 'SHA-256' });
    const text = formatDigestCredentials({
      ...rfc7616,
      nc: '00000001',
      response,
      algorithm: 'SHA-256',
      opaque: 'FQhe',
    });
    const cr = parseDigestCredentials(text);
    if (!cr.ok) throw new Error(cr.error);
    expect(cr.value).toMatchObject({
      qop: 'auth',
      nc: '00000001',
      cnonce: rfc7616.cnonce,
      opaque: 'FQhe',
      algorithm: 'SHA-256',
    });
    expect(verifyDigestCredentials(cr.value, { password: rfc7616.password }, 'GET')).toBe(true);
  });

  it.each([
    ['NoOneKnowsThisScheme opaque-data=here', 'unsupported scheme'],
    ['Digest username="a", username="b", realm="r", nonce="n", uri="u", response="x"', 'repeated'],
    ['Digest username="a", realm="r", nonce="n", uri="u"', 'need'],
    ['Digest username="a, realm="r"', 'unexpected'],
    ['Digest realm="r", username="a', 'unterminated'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth', 'cnonce'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, cnonce="c", nc=1', 'nc'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="x", algorithm=AKAv1-MD5', 'algorithm'],
    ['Digest username', 'without value'],
  ])('refuses %s', (value, why) => {
    const r = parseDigestCredentials(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
});
