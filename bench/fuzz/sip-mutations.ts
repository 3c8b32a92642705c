/**
 * SIP's own grammar-aware mutations (RFC 3261): port 0 and IPv6 literals where hosts and ports go,
 * other methods, versions and URI schemes, Contact * and contact lists, odd digest credentials,
 * odd Via (no branch, odd transports, received/maddr/rport), compact header names, and a Cisco
 * identity (+sip.instance, device name, model) made wrong.
 */
import type { TextMessage, TextMutation } from './text-message.js';
import { findHeader, setHeader, TEXT_MUTATIONS, WRONG_NUMBERS } from './text-message.js';

/** Methods of RFC 3261 and its extensions, and some that are not methods at all. */
export const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'NOTIFY',
  'SUBSCRIBE',
  'MESSAGE',
  'REFER',
  'INFO',
  'PUBLISH',
  'UPDATE',
  'PRACK',
  'FOO',
  'register',
  'R',
  '',
];

function replaceInHeaders(m: TextMessage, names: string[], replace: (value: string) => string): void {
  for (const h of m.headers) if (names.includes(h[0].toLowerCase())) h[1] = replace(h[1]);
}

/** Port 0 where a port goes: Via sent-by (without rport), Contact, Request-URI. */
const port0: TextMutation = (rand, m) => {
  const where = rand.int(3);
  if (where === 0)
    replaceInHeaders(m, ['via', 'v'], (v) =>
      v.replace(/^(\S+\s+[^;:,\s]+)(:\d+)?/, '$1:0').replace(/;rport(=\d*)?/, ''),
    );
  else if (where === 1) replaceInHeaders(m, ['contact', 'm'], (v) => v.replace(/@([^;:>]+)(:\d+)?/, '@$1:0'));
  else m.startLine = m.startLine.replace(/(sip:[^\s;:]+)(:\d+)?/, '$1:0');
};

const IPV6 = [
  '[::1]',
  '[::ffff:127.0.0.1]',
  '[fe80::1%25lo]',
  '[2001:db8::1]:5060',
  '[::1',
  '::1',
  '[1:2:3:4:5:6:7:8:9]',
  '[]',
  '[::1]:0',
  '[::1]:99999',
  '[v1.fe80::a+en1]',
];

/** IPv6 literals, valid and broken, where hosts go. */
const ipv6: TextMutation = (rand, m) => {
  const literal = rand.pick(IPV6);
  const where = rand.int(3);
  if (where === 0) replaceInHeaders(m, ['via', 'v'], (v) => v.replace(/^(\S+\s+)[^;,\s]+/, `$1${literal}`));
  else if (where === 1) replaceInHeaders(m, ['contact', 'm'], (v) => v.replace(/@[^;>]+/, `@${literal}`));
  else m.startLine = m.startLine.replace(/(sips?:(?:[^@\s]+@)?)[^\s;]+/, `$1${literal}`);
};

const methodSwap: TextMutation = (rand, m) => {
  const method = rand.pick(METHODS);
  m.startLine = m.startLine.replace(/^\S*/, method);
  if (rand.chance(0.5)) replaceInHeaders(m, ['cseq'], (v) => v.replace(/\S+$/, method));
};

const versionSwap: TextMutation = (rand, m) => {
  const version = rand.pick([
    'SIP/1.0',
    'SIP/2.00',
    'sip/2.0',
    'SIP/3.0',
    'SIP/2',
    'HTTP/1.1',
    '',
    'SIP/2.0 extra',
  ]);
  m.startLine = m.startLine.replace(/SIP\/2\.0/i, version);
};

const uriScheme: TextMutation = (rand, m) => {
  const scheme = rand.pick(['sips:', 'tel:', 'http:', 'mailto:', 'urn:', '', 'SIP:', 'sip:sip:', '<sip:']);
  m.startLine = m.startLine.replace(/\bsip:/i, scheme);
};

/** Contact: *, many contacts, contact expires that conflict with Expires. */
const contacts: TextMutation = (rand, m) => {
  const i = findHeader(m, 'contact', 'm');
  const current = i >= 0 ? m.headers[i][1] : '<sip:a@127.0.0.1>';
  const value = rand.pick([
    '*',
    `*, ${current}`,
    Array.from({ length: rand.pick([2, 20, 500]) }, (_, k) => current.replace('@', `${k}@`)).join(', '),
    `${current};expires=${rand.pick(WRONG_NUMBERS)}`,
    `${current};q=${rand.pick(['0.5', '1.0', '2', '-1', 'x'])}`,
    '<>',
    'sip:no-angle@127.0.0.1;expires=0',
    '"quoted \\" name" <sip:a@127.0.0.1>',
  ]);
  if (i >= 0) m.headers[i][1] = value;
  else m.headers.push(['Contact', value]);
  if (rand.chance(0.5)) setHeader(m, 'Expires', rand.pick(['0', '3600', ...WRONG_NUMBERS]));
};

/** Digest credentials that are odd: algorithms nobody offered, qop auth-int, nc overflow, missing parts. */
const digest: TextMutation = (rand, m) => {
  const user = rand.pick(['2006', '4001', '', 'a'.repeat(3000), 'CCMAdministrator', '"']);
  const parts = [
    `username="${user}"`,
    `realm="${rand.pick(['ccmsipline', '', 'other'])}"`,
    `nonce="${rand.pick([rand.hex(32), '', 'x'.repeat(5000)])}"`,
    `uri="sip:${rand.pick(['127.0.0.1', '', 'x'])}"`,
    `response="${rand.pick([rand.hex(32), rand.hex(64), '', 'zz'])}"`,
    `algorithm=${rand.pick(['MD5', 'SHA-256', 'SHA-512-256', 'MD5-sess', 'SHA-256-sess', 'AKAv1-MD5', 'x', ''])}`,
    `qop=${rand.pick(['auth', 'auth-int', 'auth,auth-int', ''])}`,
    `nc=${rand.pick(['00000001', 'ffffffff', '100000000', 'zz', ''])}`,
    `cnonce="${rand.hex(8)}"`,
    `opaque="${rand.hex(8)}"`,
  ].filter(() => rand.chance(0.8));
  const scheme = rand.pick(['Digest ', 'Basic ', 'digest ', '', 'Digest']);
  setHeader(
    m,
    rand.pick(['Authorization', 'Proxy-Authorization']),
    scheme + parts.join(rand.pick([',', ', ', ' , '])),
  );
};

/** Via: several, odd transports, no branch, huge branch, received/maddr, odd rport. */
const via: TextMutation = (rand, m) => {
  const i = findHeader(m, 'via', 'v');
  const current = i >= 0 ? m.headers[i][1] : 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx';
  const value = rand.pick([
    current.replace(/;branch=[^;,]*/, ''),
    current.replace(/branch=[^;,]*/, `branch=${'z9hG4bK'.repeat(rand.pick([1, 1000]))}`),
    current.replace(/branch=[^;,]*/, 'branch='),
    current.replace(/SIP\/2\.0\/\w+/, `SIP/2.0/${rand.pick(['XYZ', 'TLS', 'SCTP', 'WSS', 'udp', ''])}`),
    `${current};received=${rand.pick(['1.2.3.4', '::1', 'x', ''])}`,
    `${current};maddr=${rand.pick(['224.0.0.1', '255.255.255.255', '0.0.0.0', 'x'])}`,
    current.replace(/;rport(=\d*)?/, `;rport=${rand.pick(['0', '65536', '-1', 'x', '5060'])}`),
    `${current}, ${current}`,
    Array.from({ length: rand.pick([10, 100]) }, () => current).join(','),
    current.replace(
      /^(\S+\s+)\S+?(?=;|$)/,
      `$1${rand.pick(['255.255.255.255:5060', '0.0.0.0:5060', 'localhost', 'a..b', '-', '1.2.3.4:65536'])}`,
    ),
  ]);
  if (i >= 0) m.headers[i][1] = value;
  else m.headers.unshift(['Via', value]);
};

const COMPACT: Record<string, string> = {
  via: 'v',
  from: 'f',
  to: 't',
  'call-id': 'i',
  contact: 'm',
  'content-length': 'l',
  'content-type': 'c',
  supported: 'k',
  subject: 's',
};

const compactForms: TextMutation = (rand, m) => {
  for (const h of m.headers)
    if (rand.chance(0.6) && COMPACT[h[0].toLowerCase()]) h[0] = COMPACT[h[0].toLowerCase()];
};

/** The Cisco identity in Contact made odd: bad UUIDs, MACs of the wrong length, long device names. */
const ciscoIdentity: TextMutation = (rand, m) => {
  const i = findHeader(m, 'contact', 'm');
  if (i < 0) return;
  const odd = rand.pick([
    `"<urn:uuid:00000000-0000-0000-0000-${rand.hex(rand.pick([11, 13, 24]))}>"`,
    '"<urn:uuid:zzzzzzzz-0000-0000-0000-zzzzzzzzzzzz>"',
    '"<urn:uuid:>"',
    '"urn:uuid:00000000-0000-0000-0000-0011223344aa"',
    `"<urn:uuid:00000000-0000-0000-0000-${'0'.repeat(12)}>"`,
    '<urn:uuid:00000000-0000-0000-0000-0011223344aa>',
  ]);
  m.headers[i][1] = m.headers[i][1]
    .replace(/\+sip\.instance="[^"]*"/, `+sip.instance=${odd}`)
    .replace(
      /devicename\.ccm\.cisco\.com="[^"]*"/,
      `devicename.ccm.cisco.com="${rand.pick(['SEP', 'SEP' + 'A'.repeat(2000), 'CSFuser', '', 'SEP0011223344AA\0'])}"`,
    )
    .replace(/model\.ccm\.cisco\.com="[^"]*"/, `model.ccm.cisco.com="${rand.pick(WRONG_NUMBERS)}"`);
  // A device named by a user part that is far too long (issue 12: names up to 64 KB were recorded).
  if (rand.chance(0.3)) {
    replaceInHeaders(m, ['to', 't', 'from', 'f'], (v) =>
      v.replace(/sip:[^@]*@/, `sip:SEP${'F'.repeat(rand.pick([13, 200, 2000]))}@`),
    );
  }
};

export const SIP_MUTATIONS: readonly (readonly [number, TextMutation])[] = [
  ...TEXT_MUTATIONS,
  [3, port0],
  [3, ipv6],
  [3, methodSwap],
  [1, versionSwap],
  [2, uriScheme],
  [4, contacts],
  [3, digest],
  [4, via],
  [2, compactForms],
  [3, ciscoIdentity],
];
