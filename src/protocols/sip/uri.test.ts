import { describe, expect, it } from 'vitest';
import { formatSipUri, isAbsoluteUri, parseSipUri, sipUriEquals, unescapePercent } from './uri.js';

function parse(s: string) {
  const r = parseSipUri(s);
  if (!r.ok) throw new Error(r.error);
  return r.uri;
}

describe('parseSipUri', () => {
  it('parses user, password, host, port, parameters and headers', () => {
    const u = parse(
      'SIPS:alice:secret@Atlanta.example.com:5061;transport=tcp;LR;maddr=239.255.255.1?subject=project%20x&priority=urgent',
    );
    expect(u.scheme).toBe('sips');
    expect(u.user).toBe('alice');
    expect(u.password).toBe('secret');
    expect(u.host).toBe('Atlanta.example.com');
    expect(u.hostType).toBe('domain');
    expect(u.port).toBe(5061);
    expect([...u.params]).toEqual([
      ['transport', 'tcp'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
    ]);
    expect(u.headers).toEqual([
      ['subject', 'project x'],
      ['priority', 'urgent'],
    ]);
  });

  it('handles IPv4, IPv6 references and hosts without user', () => {
    expect(parse('sip:10.0.0.1:5060').hostType).toBe('ipv4');
    const v6 = parse('sip:alice@[2001:db8::10]:5070;transport=udp');
    expect(v6.host).toBe('[2001:db8::10]');
    expect(v6.hostType).toBe('ipv6');
    expect(v6.port).toBe(5070);
    expect(parse('sip:[::ffff:192.0.2.1]').hostType).toBe('ipv6');
    expect(parse('sip:example.com.').host).toBe('example.com.');
    expect(parse('sip:registrar.example.com').user).toBeUndefined();
  });

  it('takes a telephone-subscriber with parameters as the user part', () => {
    const u = parse('sip:+1-212-555-1212;postd=pp22@example.com;user=phone');
    expect(u.user).toBe('+1-212-555-1212;postd=pp22');
    expect(u.params.get('user')).toBe('phone');
  });

  it('unescapes where the grammar allows escapes', () => {
    const u = parse('sip:%61lice@example.com;n%61me=v%61lue?h%65ader=%3Cx%3E');
    expect(u.user).toBe('alice');
    expect(u.params.get('name')).toBe('value');
    expect(u.headers).toEqual([['header', '<x>']]);
  });

  it.each([
    ['sip:', 'no host'],
    ['http://example.com', 'other scheme'],
    ['sip:user@', 'empty host'],
    ['sip:@example.com', 'empty user'],
    ['sip:user@exa mple.com', 'space in host'],
    ['sip:user@example.com:99999', 'port out of range'],
    ['sip:user@example.com:', 'empty port'],
    ['sip:user@[2001:db8::1', 'unterminated IPv6'],
    ['sip:user@[not-v6]', 'bad IPv6'],
    ['sip:user@256.1.1.1', 'bad IPv4'],
    ['sip:user@1.2.3', 'numeric non-IPv4'],
    ['sip:user@-bad.example.com', 'label starts with -'],
    ['sip:us er@example.com', 'space in user'],
    ['sip:user%2@example.com', 'broken escape'],
    ['sip:user%zz@example.com', 'non-hex escape'],
    ['sip:user@example.com;=x', 'empty param name'],
    ['sip:user@example.com;lr=', 'empty param value'],
    ['sip:user@example.com?noequals', 'header without ='],
    ['sip:user@example.com>', 'trailing garbage'],
    ['sip:user@example.com;a<b', 'bad param char'],
    ['sip:üser@example.com', 'raw non-ASCII'],
  ])('rejects %s (%s)', (s) => {
    expect(parseSipUri(s).ok).toBe(false);
  });
});

describe('isAbsoluteUri', () => {
  it('accepts other schemes and rejects junk', () => {
    expect(isAbsoluteUri('tel:+1-212-555-1212')).toBe(true);
    expect(isAbsoluteUri('soap.beep://192.0.2.103:3002')).toBe(true);
    expect(isAbsoluteUri('urn:uuid:00000000-0000-0000-0000-0024142ddf24')).toBe(true);
    expect(isAbsoluteUri('<sip:user@example.com>')).toBe(false);
    expect(isAbsoluteUri('1abc:foo')).toBe(false);
    expect(isAbsoluteUri('abc:')).toBe(false);
    expect(isAbsoluteUri('abc:a b')).toBe(false);
  });
});

describe('formatSipUri', () => {
  it('escapes what each component does not allow, and round-trips', () => {
    const s = formatSipUri({
      user: 'I have spaces',
      password: 'p@ss',
      host: 'example.com',
      port: 5060,
      params: [
        ['transport', 'tcp'],
        ['lr', null],
      ],
      headers: [['Route', '<sip:a.example.com>']],
    });
    expect(s).toBe(
      'sip:I%20have%20spaces:p%40ss@example.com:5060;transport=tcp;lr?Route=%3Csip:a.example.com%3E',
    );
    const u = parse(s);
    expect(u.user).toBe('I have spaces');
    expect(u.password).toBe('p@ss');
    expect(u.headers).toEqual([['Route', '<sip:a.example.com>']]);
  });

  it('unescapes UTF-8 sequences', () => {
    expect(unescapePercent('%D0%B0%20b')).toBe('а b');
    expect(unescapePercent('plain')).toBe('plain');
  });
});

describe('sipUriEquals (RFC 3261 §19.1.4)', () => {
  const equal = (a: string, b: string) => sipUriEquals(parse(a), parse(b));

  it('matches the RFC examples of equivalent URIs', () => {
    expect(equal('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp')).toBe(true);
    expect(equal('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5')).toBe(true);
    expect(
      equal(
        'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
        'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
      ),
    ).toBe(true);
  });

  it('tells apart the RFC examples of different URIs', () => {
    expect(equal('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP')).toBe(false);
    expect(equal('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060')).toBe(false);
    expect(equal('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp')).toBe(false);
    expect(equal('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off')).toBe(false);
    expect(equal('sip:127.0.0.1:5060', 'sip:10.0.0.66:5060')).toBe(false);
  });
});
