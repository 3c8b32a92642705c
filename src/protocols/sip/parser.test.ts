import { describe, expect, it } from 'vitest';
import {
  cisco7940Register,
  cisco7975BackupKeepalive,
  cisco7975Register,
} from '../../../test/sip/fixtures/cisco.js';
import { crlf } from '../../../test/sip/fixtures/rfc4475.js';
import { SipHeaderError } from './header-error.js';
import type { SipMessage } from './message.js';
import { DEFAULT_LIMITS, parseMessage } from './parser.js';

const BASE = [
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: <sip:1000@example.com>',
  'From: "Alice" <sip:1000@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 REGISTER',
];

function build(extra: string[] = [], body = ''): Buffer {
  return crlf([...BASE, ...extra, `Content-Length: ${Buffer.byteLength(body)}`, '', ''].join('\n') + body);
}

function ok(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.message;
}

function err(buf: Buffer, options?: Parameters<typeof parseMessage>[1]) {
  const r = parseMessage(buf, options);
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

describe('parseMessage: Cisco phones (sip-cisco.md §1)', () => {
  it('reads a 7975 REGISTER with +sip.instance and +u.sip!devicename.ccm.cisco.com', () => {
    const m = ok(cisco7975Register);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.method).toBe('REGISTER');
    expect(m.requestUri?.host).toBe('10.10.1.5');
    expect(m.header('user-agent')).toBe('Cisco-CP7975G/9.3.1');
    expect(m.expires).toBe(3600);
    expect(m.from.tag?.startsWith('0024142ddf24')).toBe(true);
    expect(m.via[0]).toMatchObject({
      transport: 'TCP',
      host: '10.10.2.34',
      port: 53006,
      branch: 'z9hG4bK4a1f0c2e',
    });
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c).toHaveLength(1);
    expect(c[0].sipUri).toMatchObject({
      user: '7f3c2a10-5b1d-4e2f-9a8b-0c1d2e3f4a5b',
      host: '10.10.2.34',
      port: 53006,
    });
    expect(c[0].sipUri?.params.get('transport')).toBe('tcp');
    expect(c[0].instanceId).toBe('urn:uuid:00000000-0000-0000-0000-0024142ddf24');
    expect(c[0].params.get('+sip.instance')).toBe('<urn:uuid:00000000-0000-0000-0000-0024142ddf24>');
    expect(c[0].params.get('+u.sip!devicename.ccm.cisco.com')).toBe('SEP0024142DDF24');
    expect(c[0].params.get('+u.sip!model.ccm.cisco.com')).toBe('437');
    expect(c[0].expires).toBeUndefined();
    expect(m.headers('supported')).toContain('X-cisco-sis-6.0.0');
    expect(m.headers('supported')).toHaveLength(15);
    expect(m.headers('reason')).toEqual([
      'SIP;cause=200;text="cisco-alarm:23 Name=SEP0024142DDF24 Load=SIP75.9-3-1SR1-1S Last=reset-restart"',
    ]);
  });

  it('reads a 7940 REGISTER (line number as contact user, model 8, no Max-Forwards)', () => {
    const m = ok(cisco7940Register);
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c[0].sipUri?.user).toBe('2006');
    expect(c[0].sipUri?.params.get('transport')).toBe('udp');
    expect(c[0].instanceId).toBe('urn:uuid:00000000-0000-0000-0000-001795a1b2c3');
    expect(c[0].params.get('+u.sip!model.ccm.cisco.com')).toBe('8');
    expect(c[0].params.has('+u.sip!devicename.ccm.cisco.com')).toBe(false);
    expect(m.maxForwards).toBeUndefined();
    expect(m.header('Authorization')).toContain('realm="ccmsipline"');
  });

  it('reads the backup keep-alive REGISTER (Expires 0, ;cisco-keep-alive)', () => {
    const m = ok(cisco7975BackupKeepalive);
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(m.expires).toBe(0);
    expect(c[0].expires).toBe(0);
    expect(c[0].params.get('cisco-keep-alive')).toBeNull();
  });
});

describe('parseMessage: headers', () => {
  it('looks names up case-insensitively and maps compact forms both ways', () => {
    const m = ok(crlf(BASE.join('\n').replace('Call-ID:', 'i:').replace('To:', 'TO :') + '\nl: 0\n\n'));
    expect(m.callId).toBe('a84b4c76e66710@pc33.example.com');
    expect(m.header('CALL-ID')).toBe(m.header('i'));
    expect(m.header('t')).toBe('<sip:1000@example.com>');
    expect(m.header('content-length')).toBe('0');
    expect(m.hasHeader('L')).toBe(true);
  });

  it.each([
    ['o', 'Event', 'reg'],
    ['r', 'Refer-To', '<sip:a@b.example>'],
    ['u', 'Allow-Events', 'presence'],
    ['x', 'Session-Expires', '1800'],
    ['k', 'Supported', 'path'],
    ['e', 'Content-Encoding', 'gzip'],
    ['s', 'Subject', 'hi'],
  ])('compact %s is %s', (compact, full, value) => {
    const m = ok(build([`${compact}: ${value}`]));
    expect(m.header(full)).toBe(value);
    expect(m.headerFields.find((f) => f.rawName === compact)?.name).toBe(full.toLowerCase());
  });

  it('splits list headers on top-level commas only, across rows, in order', () => {
    const m = ok(
      build([
        'Contact: "Doe, John" <sip:a@192.0.2.1;x=1>;y="1,2";expires=60, <sip:b@192.0.2.2>',
        'Contact: sip:c@192.0.2.3;q=0.5',
        'Supported: path, outbound,,gruu',
        'Subject: one, two',
      ]),
    );
    expect(m.headers('contact')).toEqual([
      '"Doe, John" <sip:a@192.0.2.1;x=1>;y="1,2";expires=60',
      '<sip:b@192.0.2.2>',
      'sip:c@192.0.2.3;q=0.5',
    ]);
    expect(m.headers('supported')).toEqual(['path', 'outbound', 'gruu']);
    expect(m.headers('subject')).toEqual(['one, two']);
    expect(m.header('subject')).toBe('one, two');
    expect(m.header('contact')).toBe('"Doe, John" <sip:a@192.0.2.1;x=1>;y="1,2";expires=60');
    expect(m.header('supported')).toBe('path');
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c.map((x) => [x.displayName, x.expires, x.q])).toEqual([
      ['Doe, John', 60, undefined],
      [undefined, undefined, undefined],
      [undefined, undefined, 0.5],
    ]);
  });

  it('parses Contact: * and refuses it mixed with others', () => {
    expect(ok(build(['Contact: *', 'Expires: 0'])).contacts).toBe('*');
    expect(err(build(['Contact: *, <sip:a@192.0.2.1>']))).toMatchObject({
      code: 'invalid-header',
      header: 'contact',
    });
  });

  it('unfolds continuation lines (SP or HTAB) into one SP', () => {
    const m = ok(build(['Subject: first\n\t second  \n   third', 'X-Empty:']));
    expect(m.header('subject')).toBe('first second third');
    expect(m.header('x-empty')).toBe('');
  });

  it('caches decoded values and parsed structures', () => {
    const m = ok(build());
    expect(m.via).toBe(m.via);
    expect(m.headers('via')).toBe(m.headers('via'));
    expect(m.from).toBe(m.from);
  });

  it('accepts bare LF line ends', () => {
    const m = ok(Buffer.from([...BASE, 'Content-Length: 0', '', ''].join('\n')));
    expect(m.cseq).toEqual({ seq: 314159, method: 'REGISTER' });
  });

  it('validates Via params: rport, received, ttl, IPv6 sent-by', () => {
    const m = ok(
      Buffer.from(
        build()
          .toString()
          .replace(
            /Via: .*\r\n/,
            'Via: SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bKx;received=2001:db8::1;rport=4000;ttl=16\r\n',
          ),
      ),
    );
    expect(m.via[0]).toMatchObject({
      host: '[2001:db8::9]',
      hostType: 'ipv6',
      port: 5061,
      received: '2001:db8::1',
      rport: 4000,
    });
    const bad = [
      'SIP/2.0/UDP 192.0.2.10;rport=99999',
      'SIP/2.0/UDP 192.0.2.10;received=not-an-ip',
      'SIP/2.0/UDP 192.0.2.10;ttl=300',
      'SIP/2.0/UDP 192.0.2.10;branch',
      'SIP/2.0/UDP 192.0.2.10:port',
      'SIP/2.0 192.0.2.10',
      'SIP/2.0/UDP',
      'SIP/2.0/UDP bad_host',
      'SIP/2.0/UDP 192.0.2.10;branch=a b',
    ];
    for (const via of bad) {
      const e = err(
        Buffer.from(
          build()
            .toString()
            .replace(/Via: .*\r\n/, `Via: ${via}\r\n`),
        ),
      );
      expect(e, via).toMatchObject({ code: 'invalid-header', header: 'via', canRespond: false });
    }
  });

  it('throws SipHeaderError from an accessor of a header it did not validate', () => {
    const m = ok(
      Buffer.from(
        build()
          .toString()
          .replace('REGISTER sip', 'OPTIONS sip')
          .replace('314159 REGISTER', '314159 OPTIONS')
          .replace('Max-Forwards: 70\r\n', 'Contact: <sip:a b>\r\n'),
      ),
    );
    expect(() => m.contacts).toThrow(SipHeaderError);
  });
});

describe('parseMessage: bodies and Content-Length (RFC 3261 §18.3)', () => {
  it('takes the rest of the datagram when Content-Length is absent', () => {
    const m = ok(crlf([...BASE, '', 'hello'].join('\n')));
    expect(m.body.toString()).toBe('hello');
    expect(m.contentLength).toBeUndefined();
  });

  it('ignores octets beyond Content-Length and refuses a body shorter than it', () => {
    expect(ok(Buffer.concat([build([], 'abc'), Buffer.from('garbage')])).body.toString()).toBe('abc');
    expect(err(build([], 'abc').subarray(0, -1))).toMatchObject({ code: 'body-truncated', canRespond: true });
  });
});

describe('parseMessage: errors and limits', () => {
  it('reports keep-alives and empty datagrams', () => {
    expect(err(Buffer.from('\r\n\r\n')).code).toBe('keepalive');
    expect(err(Buffer.from(' \r\n')).code).toBe('keepalive');
    expect(err(Buffer.alloc(0)).code).toBe('empty');
  });

  it('refuses malformed heads', () => {
    expect(err(Buffer.from('REGISTER sip:example.com SIP/2.0\r\nVia: x')).code).toBe('incomplete');
    expect(err(crlf([...BASE, 'NoColonHere', '', ''].join('\n'))).code).toBe('bad-header-line');
    expect(err(crlf([BASE[0], ' folded-first: x', ...BASE.slice(1), '', ''].join('\n'))).code).toBe(
      'bad-header-line',
    );
    expect(err(Buffer.from(build().toString().replace('Max-Forwards: 70', 'Max-Forwards: 7\r0'))).code).toBe(
      'bad-header-line',
    );
    expect(err(Buffer.from(' ' + build().toString())).code).toBe('bad-start-line');
    expect(err(Buffer.from(build().toString().replace('REGISTER sip', 'REG/ISTER sip'))).code).toBe(
      'bad-start-line',
    );
    expect(err(Buffer.from(build().toString().replace('SIP/2.0\r\n', 'HTTP/1.1\r\n'))).code).toBe(
      'bad-start-line',
    );
    expect(err(Buffer.from('SIP/2.0 20 OK\r\n\r\n')).code).toBe('bad-status-code');
    expect(err(Buffer.from('SIP/2.0 099 Early\r\n\r\n')).code).toBe('bad-status-code');
  });

  it('gives the partly parsed request with the error so a 400 can be built', () => {
    const e = err(build(['Expires: soon']));
    expect(e).toMatchObject({
      code: 'invalid-header',
      header: 'expires',
      status: 400,
      reason: 'Invalid Expires',
      canRespond: true,
    });
    expect(e.request?.method).toBe('REGISTER');
    expect(e.request?.callId).toBe('a84b4c76e66710@pc33.example.com');
  });

  it('treats an Expires beyond 2^32-1 as absent (RFC 4475 §3.1.2.4)', () => {
    expect(ok(build([`Expires: ${'9'.repeat(30)}`])).expires).toBeUndefined();
  });

  it('refuses a message over the size limit (64 KiB of headers)', () => {
    const filler = Array.from({ length: 70 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(1000)}`);
    const e = err(build(filler));
    expect(e).toMatchObject({ code: 'message-too-large', status: 513 });
    expect(ok(build(filler.slice(0, 50))).headers('x-filler-1')[0]).toHaveLength(1000);
  });

  it('refuses more than maxHeaders header rows', () => {
    const rows = Array.from({ length: DEFAULT_LIMITS.maxHeaders }, (_, i) => `X-H: ${i}`);
    expect(err(build(rows)).code).toBe('too-many-headers');
    expect(ok(build(rows.slice(0, 200))).headers('x-h')).toHaveLength(200);
    expect(err(build(rows.slice(0, 20)), { maxHeaders: 10 }).code).toBe('too-many-headers');
  });

  it('refuses thousands of Contacts, on one row or many', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `<sip:u${i}@192.0.2.1>`);
    expect(err(build([`Contact: ${many.join(',')}`])).code).toBe('too-many-contacts');
    const rows = many.slice(0, 200).map((c) => `Contact: ${c}`);
    expect(err(build(rows)).code).toBe('too-many-contacts');
    expect(ok(build([`Contact: ${many.slice(0, 64).join(', ')}`])).contacts).toHaveLength(64);
  });

  it('validates extra headers on request', () => {
    const opts = ['OPTIONS', 'INVITE'].map((m) =>
      build(['Contact: <sip:a b>']).toString().replaceAll('REGISTER', m),
    );
    expect(parseMessage(Buffer.from(opts[1])).ok).toBe(true);
    expect(err(Buffer.from(opts[1]), { validate: ['contact'] }).header).toBe('contact');
  });
});

describe('parseMessage: 513 for an oversized request whose head fits', () => {
  it('carries the request so a 513 can be addressed', () => {
    const body = 'x'.repeat(70000);
    const e = err(build(['Content-Type: text/plain'], body));
    expect(e).toMatchObject({
      code: 'message-too-large',
      status: 513,
      reason: 'Message Too Large',
      canRespond: true,
    });
    expect(e.request?.callId).toBe('a84b4c76e66710@pc33.example.com');
    expect(e.request?.body.length).toBe(0);
  });
});
