/**
 * SIP and HTTP share a shape: a start line, header lines, a blank line, a body. Grammar-aware
 * mutations work on that shape (a header duplicated, a value made huge, a number made wrong, a
 * CRLF injected) and render it back, with a Content-Length that is right or, sometimes, wrong.
 */
import type { Random } from './random.js';

export interface TextMessage {
  startLine: string;
  headers: [name: string, value: string][];
  body: string;
}

/** Splits a message at its first blank line; headers at their first colon. Never fails. */
export function parseText(text: string): TextMessage {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 4);
  const [startLine, ...lines] = head.split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).trimStart()];
  });
  return { startLine, headers, body };
}

/** Renders with CRLFs; `lengthHeader` (Content-Length, or `l` in compact SIP) is set to the body's size when asked. */
export function renderText(message: TextMessage, fixLength: boolean): Buffer {
  const headers = fixLength
    ? message.headers.map(([name, value]): [string, string] =>
        /^(content-length|l)$/i.test(name)
          ? [name, String(Buffer.byteLength(message.body, 'latin1'))]
          : [name, value],
      )
    : message.headers;
  const head = [
    message.startLine,
    ...headers.map(([n, v]) => (v === '' && n.includes('\n') ? n : `${n}: ${v}`)),
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${message.body}`, 'latin1');
}

export type TextMutation = (rand: Random, message: TextMessage) => void;

/** Numbers that break parsers: signs, overflow, exponents, hex, padding, empty. */
export const WRONG_NUMBERS = [
  '-1',
  '0',
  '-0',
  '4294967295',
  '4294967296',
  '2147483648',
  '9007199254740993',
  '99999999999999999999999999',
  '1e3',
  '0x10',
  ' 12 ',
  '+5',
  '1.5',
  'NaN',
  'Infinity',
  '',
  '00000000000000000000000000001',
  '１２',
];

/** Text that is not what a header means: NULs, high bytes, overlong UTF-8, escapes, a BOM. */
const ODD_TEXT = [
  '\0',
  '\xff\xfe',
  '\xef\xbb\xbf',
  '\xc0\xaf',
  '\xed\xa0\x80',
  '%00',
  '%zz',
  '%',
  '\\',
  '"',
  '\t',
  ' ',
  ';;;',
  ',,,',
  '<>',
  '\x1b[2J',
  'ä',
  '\u2028',
];

function headerIndex(rand: Random, message: TextMessage): number {
  return rand.int(message.headers.length);
}

const duplicateHeader: TextMutation = (rand, m) => {
  if (m.headers.length === 0) return;
  const i = headerIndex(rand, m);
  const times = rand.pick([1, 1, 2, 10, 200]);
  m.headers.splice(i, 0, ...Array.from({ length: times }, (): [string, string] => [...m.headers[i]]));
};

const dropHeader: TextMutation = (rand, m) => {
  if (m.headers.length > 0) m.headers.splice(headerIndex(rand, m), 1);
};

const swapHeaders: TextMutation = (rand, m) => {
  if (m.headers.length < 2) return;
  const i = headerIndex(rand, m);
  const j = headerIndex(rand, m);
  [m.headers[i], m.headers[j]] = [m.headers[j], m.headers[i]];
};

const hugeValue: TextMutation = (rand, m) => {
  if (m.headers.length === 0) return;
  const i = headerIndex(rand, m);
  const unit = rand.pick(['a', '9', ' ', ';x=y', ',', '"', '<sip:a@b>,', '%41', m.headers[i][1] || 'x']);
  const size = rand.pick([256, 1024, 8192, 65_536]);
  m.headers[i][1] = unit.repeat(Math.max(1, Math.floor(size / unit.length)));
};

const hugeHeaderName: TextMutation = (rand, m) => {
  m.headers.push(['X-' + 'N'.repeat(rand.pick([100, 8000, 65_000])), 'v']);
};

const manyHeaders: TextMutation = (rand, m) => {
  const n = rand.pick([100, 1000, 5000]);
  for (let i = 0; i < n; i++) m.headers.push([`X-H${i}`, 'y']);
};

/** A number somewhere in a header value replaced by a wrong one. */
const wrongNumber: TextMutation = (rand, m) => {
  const numeric = m.headers.map((h, i) => [h, i] as const).filter(([[, v]]) => /\d/.test(v));
  if (numeric.length === 0) return;
  const [, i] = rand.pick(numeric);
  const matches = [...m.headers[i][1].matchAll(/\d+/g)];
  const hit = rand.pick(matches);
  const v = m.headers[i][1];
  m.headers[i][1] = v.slice(0, hit.index) + rand.pick(WRONG_NUMBERS) + v.slice(hit.index + hit[0].length);
};

const oddEncoding: TextMutation = (rand, m) => {
  const odd = rand.pick(ODD_TEXT);
  if (m.headers.length === 0 || rand.chance(0.2)) {
    const at = rand.int(m.startLine.length + 1);
    m.startLine = m.startLine.slice(0, at) + odd + m.startLine.slice(at);
    return;
  }
  const h = m.headers[headerIndex(rand, m)];
  const target = rand.chance(0.2) ? 0 : 1;
  const at = rand.int(h[target].length + 1);
  h[target] = h[target].slice(0, at) + odd + h[target].slice(at);
};

/** CRLF inside a value: a smuggled header, an early end of the head, a bare CR or LF. */
const crlfInjection: TextMutation = (rand, m) => {
  if (m.headers.length === 0) return;
  const h = m.headers[headerIndex(rand, m)];
  const injected = rand.pick([
    '\r\nX-Injected: 1',
    '\r\n\r\n',
    '\r\n',
    '\n',
    '\r',
    '\r\nContent-Length: 100000',
    '\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKinj',
    '\r\nTransfer-Encoding: chunked',
    '\n\n',
  ]);
  const at = rand.int(h[1].length + 1);
  h[1] = h[1].slice(0, at) + injected + h[1].slice(at);
};

/** Line folding (obs-fold / SIP LWS): a value continued on the next line. */
const folding: TextMutation = (rand, m) => {
  if (m.headers.length === 0) return;
  const h = m.headers[headerIndex(rand, m)];
  const at = rand.int(h[1].length + 1);
  h[1] = h[1].slice(0, at) + rand.pick(['\r\n ', '\r\n\t', '\r\n  \r\n ', '\r\n']) + h[1].slice(at);
};

const headerSyntax: TextMutation = (rand, m) => {
  if (m.headers.length === 0) return;
  const i = headerIndex(rand, m);
  const [name, value] = m.headers[i];
  m.headers[i] = rand.pick<[string, string]>([
    [`${name} `, value],
    [` ${name}`, value],
    [name.toUpperCase(), value],
    [name.toLowerCase(), value],
    ['', value],
    [`${name}:${value}\r\nno-colon-line`, ''],
    [name, ''],
    [name, `   ${value}   `],
    [`${name}\0`, value],
  ]);
};

const bodyGarbage: TextMutation = (rand, m) => {
  m.body = rand.pick([
    '',
    'x',
    m.body + m.body,
    'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n',
    '\0'.repeat(rand.pick([1, 100, 10_000])),
    'A'.repeat(rand.pick([1000, 60_000])),
    m.body.slice(0, rand.int(m.body.length + 1)),
  ]);
};

/** Content-Length that does not match: shorter, longer, huge, negative, twice with different values. */
const lengthMismatch: TextMutation = (rand, m) => {
  const i = m.headers.findIndex(([n]) => /^(content-length|l)$/i.test(n));
  const size = Buffer.byteLength(m.body, 'latin1');
  const value = rand.pick([
    String(size + 1),
    String(Math.max(0, size - 1)),
    String(size + 1000),
    '100000000',
    ...WRONG_NUMBERS,
  ]);
  if (i < 0 || rand.chance(0.2)) m.headers.push(['Content-Length', value]);
  else m.headers[i][1] = value;
};

export const TEXT_MUTATIONS: readonly (readonly [number, TextMutation])[] = [
  [5, duplicateHeader],
  [4, dropHeader],
  [2, swapHeaders],
  [4, hugeValue],
  [1, hugeHeaderName],
  [1, manyHeaders],
  [6, wrongNumber],
  [5, oddEncoding],
  [4, crlfInjection],
  [2, folding],
  [3, headerSyntax],
  [2, bodyGarbage],
  [3, lengthMismatch],
];

/** Sets a header (first of that name, case-insensitive) or appends it. */
export function setHeader(m: TextMessage, name: string, value: string): void {
  const i = m.headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
  if (i < 0) m.headers.push([name, value]);
  else m.headers[i][1] = value;
}

/** Index of the first header with one of `names` (case-insensitive), or -1. */
export function findHeader(m: TextMessage, ...names: string[]): number {
  const wanted = names.map((n) => n.toLowerCase());
  return m.headers.findIndex(([n]) => wanted.includes(n.toLowerCase()));
}
