/**
 * HTTP inputs for both HTTP servers of a node: provisioning (TCP 6970: the phone's config files)
 * and administration (the REST API, the web UI, /metrics, the /sip WebSocket handshake). Requests
 * come with and without credentials (a read-only API key, garbage keys, cookies and Basic), with
 * odd methods, paths, versions, headers, framing (Content-Length against Transfer-Encoding) and
 * bodies (JSON nested deep or with __proto__, CSV, multipart with broken boundaries).
 */
import { mutateBytes } from './byte-mutations.js';
import type { Random } from './random.js';
import type { TextMessage, TextMutation } from './text-message.js';
import { findHeader, renderText, setHeader, TEXT_MUTATIONS, WRONG_NUMBERS } from './text-message.js';

export interface HttpContext {
  /** host:port for the Host header. */
  authority: string;
  /** An API key of a read-only user: requests with it pass authentication and change nothing. */
  readOnlyKey: string;
  /** Device names configured on the node. */
  configuredNames: readonly string[];
  /** The node's name (for /nodes/{name}). */
  nodeName: string;
}

function request(
  method: string,
  path: string,
  ctx: HttpContext,
  headers: [string, string][] = [],
  body = '',
): TextMessage {
  const all: [string, string][] = [['Host', ctx.authority], ['User-Agent', 'openucm-fuzz'], ...headers];
  if (body !== '' || method === 'POST' || method === 'PATCH' || method === 'PUT')
    all.push(['Content-Length', String(Buffer.byteLength(body, 'latin1'))]);
  return { startLine: `${method} ${path} HTTP/1.1`, headers: all, body };
}

// ---- provisioning ----------------------------------------------------------------------------

function provisioningPath(rand: Random, ctx: HttpContext): string {
  const mac = () => `FA${rand.hex(10).toUpperCase()}`;
  const configured = ctx.configuredNames.length > 0 ? rand.pick(ctx.configuredNames) : `SEP${mac()}`;
  return rand.pick([
    '/XMLDefault.cnf.xml',
    '/XMLDefault.cnf.xml',
    `/${configured}.cnf.xml`,
    `/SEP${mac()}.cnf.xml`,
    `/CTLSEP${mac()}.tlv`,
    '/OS79XX.TXT',
    '/SIPDefault.cnf',
    `/SIP${mac()}.cnf`,
    '/P00308010200.bin',
    '/../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/XMLDefault.cnf.xml%00.jpg',
    '/%',
    '/%zz',
    '//XMLDefault.cnf.xml',
    '/\\XMLDefault.cnf.xml',
    '/XMLDefault.cnf.xml?x=1&y=%00',
    '/XMLDefault.cnf.xml#frag',
    `/${'a'.repeat(rand.pick([300, 5000, 60_000]))}`,
    '*',
    'http://127.0.0.1/XMLDefault.cnf.xml',
    '',
    '/',
  ]);
}

export function provisioningRequest(rand: Random, ctx: HttpContext): TextMessage {
  const method = rand.chance(0.85) ? rand.pick(['GET', 'GET', 'HEAD']) : rand.pick(HTTP_METHODS);
  return request(method, provisioningPath(rand, ctx), ctx, [
    ['User-Agent', rand.pick(['Cisco-CP7975G/9.3.1', 'Cisco-CP7941G/8.5.3', 'curl/8.0'])],
    ['Accept', '*/*'],
    ['Connection', rand.pick(['keep-alive', 'keep-alive', 'close', 'upgrade', ''])],
  ]);
}

// ---- administration --------------------------------------------------------------------------

const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'PRI',
  'get',
  'FOO',
  '',
];

function deepJson(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

function jsonBody(rand: Random): string {
  return rand.pick([
    '{"autoRegistrationPhoneProtocol":"SIP"}',
    '{"autoRegistrationPhoneProtocol":"FOO"}',
    '{"autoRegistration":{"enabled":true,"startingDn":"0100","endingDn":"0199"}}',
    '{"autoRegistration":{"enabled":"yes","startingDn":1000,"endingDn":null}}',
    '{"name":"SEPFA0000000001","model":"7940","protocol":"SCCP","lines":[{"index":1,"dn":"2001"}]}',
    '{"name":"SEP","model":"79400","protocol":"X","lines":[{"index":-1,"dn":"-1"}]}',
    '{"description":"' + 'd'.repeat(rand.pick([10, 5000, 200_000])) + '"}',
    '{"lines":[' + Array.from({ length: 1000 }, (_, i) => `{"index":${i},"dn":"${i}"}`).join(',') + ']}',
    '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
    '{"a":1,"a":2}',
    `{"n":${rand.pick(['1e999', '-0', '9007199254740993', '0x10', 'NaN', '1.0e-400'])}}`,
    deepJson(rand.pick([100, 10_000, 100_000]), '[', ']'),
    deepJson(rand.pick([100, 10_000]), '{"a":', '}').replace(/}$/, '1}'),
    '{"name":"\\ud800","password":"\\u0000"}',
    '{"name":"CCMAdministrator","password":"wrong-password"}',
    `{"name":"fuzz-${rand.hex(4)}","password":"${rand.hex(8)}"}`,
    '{"type":"reset"}',
    '{"kind":"migrate-phones","direction":"SCCP_TO_SIP","selection":{"query":{"model":"7940"}},"preview":true}',
    '',
    'null',
    'true',
    '"string"',
    '{',
    '{"a":1}garbage',
    '\xef\xbb\xbf{"a":1}',
    '\xff\xfe{\0"\0a\0"\0:\x001\0}\0',
  ]);
}

function csvBody(rand: Random): string {
  return rand.pick([
    'Device Name,Description,Model,Protocol,Phone Load Name,Line 1\nSEPFA0000000009,x,7940,SCCP,,2009\n',
    'Device Name,Description\n"unterminated,x\n',
    '\0\0\0',
    'a,b,c\n'.repeat(rand.pick([10, 10_000])),
    `Device Name,${'Line,'.repeat(500)}\n`,
  ]);
}

function multipartBody(rand: Random, boundary: string): string {
  return rand.pick([
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="P00308010200.bin"\r\nContent-Type: application/octet-stream\r\n\r\nDATA\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../x"\r\n\r\nDATA\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nDATA`,
    `--wrong\r\n\r\n--wrong--`,
    `--${boundary}\r\n`.repeat(1000),
  ]);
}

const API_GETS = [
  '/api/v1/nodes',
  '/api/v1/enterprise-parameters',
  '/api/v1/phones',
  '/api/v1/phones?status=registered',
  '/api/v1/phones?name=SEP&page=1&pageSize=50&sort=name&order=asc',
  '/api/v1/directory-numbers',
  '/api/v1/registration-events?limit=50',
  '/api/v1/audit-log?limit=10',
  '/api/v1/dashboard',
  '/api/v1/device-defaults',
  '/api/v1/firmware-loads',
  '/api/v1/phone-models',
  '/api/v1/bulk-jobs',
  '/api/v1/users',
  '/api/v1/api-keys',
  '/api/v1/me',
  '/api/v1/admin-settings',
  '/api/v1/phones/export.csv',
  '/api/v1/diagnosis?mac=FA0000000001',
  '/metrics',
  '/api/docs/json',
  '/',
  '/index.html',
];

/** Query strings and path parameters made wrong. */
function oddPath(rand: Random, ctx: HttpContext): string {
  const name = ctx.configuredNames.length > 0 ? rand.pick(ctx.configuredNames) : 'SEPFA0000000001';
  return rand.pick([
    `/api/v1/phones?page=${rand.pick(WRONG_NUMBERS)}&pageSize=${rand.pick(WRONG_NUMBERS)}`,
    `/api/v1/phones?sort=${rand.pick(['__proto__', 'constructor', 'name;DROP TABLE devices', 'x'.repeat(5000)])}&order=${rand.pick(['asc', 'x'])}`,
    `/api/v1/phones?name=${rand.pick(['%', '%25', '_', "'", '\\', '%00', '%ff', '*'])}`,
    `/api/v1/phones?status=${rand.pick(['registered', 'x', '', 'registered&status=rejected'])}`,
    `/api/v1/phones/${rand.pick([name, 'SEP', '%00', '..%2f..%2fusers', 'x'.repeat(3000), '%E2%80%AE'])}`,
    `/api/v1/phones/${name}/diagnosis`,
    `/api/v1/phones/${name}/shared-lines`,
    `/api/v1/nodes/${rand.pick([ctx.nodeName, 'nosuch', '%2e%2e'])}/free-dns?limit=${rand.pick(WRONG_NUMBERS)}`,
    `/api/v1/registration-events?beforeId=${rand.pick(WRONG_NUMBERS)}&limit=${rand.pick(WRONG_NUMBERS)}&outcome=${rand.pick(['rejected', 'x'])}`,
    `/api/v1/audit-log?beforeId=${rand.pick(WRONG_NUMBERS)}&user=%00`,
    `/api/v1/bulk-jobs/${rand.pick(WRONG_NUMBERS)}/items`,
    `/api/v1/bulk-jobs/${rand.pick(WRONG_NUMBERS)}/report.csv`,
    `/api/v1/firmware-loads/${rand.pick(['..%2f..%2fetc%2fpasswd', 'x', '%00'])}`,
    `/api/v1/device-defaults/${rand.pick(['7940', 'x'])}/${rand.pick(['SIP', 'SCCP', 'x'])}`,
    `/assets/${rand.pick(['..%2f..%2fpackage.json', 'x.js', '%00'])}`,
    '/api/v1/../../etc/passwd',
    `/api/v1/${'a/'.repeat(rand.pick([10, 5000]))}`,
    `/api/v1/phones?${Array.from({ length: rand.pick([100, 2000]) }, (_, i) => `k${i}=v`).join('&')}`,
    '/api/v1/phones?a[b][c][d]=1&__proto__[x]=1',
  ]);
}

function auth(rand: Random, ctx: HttpContext): [string, string][] {
  return rand.weighted<[string, string][]>([
    [30, []],
    [40, [['Authorization', `Bearer ${ctx.readOnlyKey}`]]],
    [8, [['X-API-Key', ctx.readOnlyKey]]],
    [5, [['Authorization', `Bearer oucm_${rand.hex(16)}.${rand.hex(43)}`]]],
    [
      3,
      [
        [
          'Authorization',
          rand.pick(['Bearer', 'Bearer ', 'Negotiate abc', 'Digest x', 'Basic', 'Basic !!!']),
        ],
      ],
    ],
    [8, [['Cookie', `openucm_session=${rand.pick([rand.hex(64), '', '%00', 'a'.repeat(5000)])}`]]],
    // Each wrong Basic costs the node a scrypt (issue 12): rare, so that the run stays fast.
    [
      1,
      [
        [
          'Authorization',
          `Basic ${Buffer.from(`${rand.pick(['fuzz-nobody', 'fuzz-reader'])}:${rand.hex(8)}`).toString('base64')}`,
        ],
      ],
    ],
  ]);
}

export function adminRequest(rand: Random, ctx: HttpContext): TextMessage {
  const credentials = auth(rand, ctx);
  const roll = rand.int(100);
  if (roll < 40) return request('GET', rand.pick(API_GETS), ctx, credentials);
  if (roll < 55) return request('GET', oddPath(rand, ctx), ctx, credentials);
  if (roll < 80) {
    const [method, path] = rand.pick<[string, string]>([
      ['PATCH', '/api/v1/enterprise-parameters'],
      ['PATCH', `/api/v1/nodes/${ctx.nodeName}`],
      ['PATCH', '/api/v1/admin-settings'],
      ['POST', '/api/v1/phones'],
      [
        'PATCH',
        `/api/v1/phones/${rand.pick(ctx.configuredNames.length > 0 ? ctx.configuredNames : ['SEPFA0000000001'])}`,
      ],
      ['POST', '/api/v1/users'],
      ['POST', '/api/v1/api-keys'],
      ['POST', '/api/v1/bulk-jobs'],
      ['POST', '/api/v1/login'],
      ['POST', '/api/v1/logout'],
      ['PUT', '/api/v1/me/password'],
      [
        'POST',
        `/api/v1/phones/${rand.pick(ctx.configuredNames.length > 0 ? ctx.configuredNames : ['SEPFA0000000001'])}/reset`,
      ],
      ['DELETE', '/api/v1/phones/SEPFA0000000099'],
    ]);
    const type = rand.pick([
      'application/json',
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ]);
    const headers: [string, string][] = [...credentials];
    if (type) headers.push(['Content-Type', type]);
    if (rand.chance(0.2))
      headers.push(
        ['X-CSRF-Token', rand.hex(32)],
        ['Origin', rand.pick(['http://evil.example', 'null', `http://${ctx.authority}`])],
      );
    return request(method, path, ctx, headers, jsonBody(rand));
  }
  if (roll < 86) {
    return request(
      'POST',
      '/api/v1/phones/import',
      ctx,
      [
        ...credentials,
        ['Content-Type', 'text/csv'],
        ['Accept', rand.pick(['application/x-ndjson', 'application/json'])],
      ],
      csvBody(rand),
    );
  }
  if (roll < 91) {
    const boundary = rand.pick(['----fuzz', 'a'.repeat(200), '', '"quoted"']);
    return request(
      'POST',
      '/api/v1/firmware-loads',
      ctx,
      [...credentials, ['Content-Type', `multipart/form-data; boundary=${boundary}`]],
      multipartBody(rand, boundary),
    );
  }
  if (roll < 97) {
    // The SIP WebSocket handshake (RFC 6455 §4.1, RFC 7118 §4.1), right and wrong.
    return request('GET', '/sip', ctx, [
      ['Upgrade', rand.pick(['websocket', 'WebSocket', 'h2c', ''])],
      ['Connection', rand.pick(['Upgrade', 'keep-alive, Upgrade', 'close'])],
      ['Sec-WebSocket-Key', rand.pick(['dGhlIHNhbXBsZSBub25jZQ==', '', 'x', 'a'.repeat(1000)])],
      ['Sec-WebSocket-Version', rand.pick(['13', '8', '', '99999999999'])],
      ['Sec-WebSocket-Protocol', rand.pick(['sip', 'SIP', 'chat', 'sip, chat', ''])],
      ['Origin', rand.pick(['http://evil.example', `http://${ctx.authority}`, 'null'])],
    ]);
  }
  // A live event stream holds its connection open: rare, so that pipelines are not stuck behind it.
  if (roll < 98)
    return request('GET', '/api/v1/events', ctx, [...credentials, ['Accept', 'text/event-stream']]);
  return request(rand.pick(HTTP_METHODS), rand.pick([...API_GETS, oddPath(rand, ctx)]), ctx, credentials);
}

// ---- HTTP grammar ----------------------------------------------------------------------------

const methodSwap: TextMutation = (rand, m) => {
  m.startLine = m.startLine.replace(/^\S*/, rand.pick(HTTP_METHODS));
};

const versionSwap: TextMutation = (rand, m) => {
  const version = rand.pick([
    'HTTP/1.0',
    'HTTP/0.9',
    'HTTP/2.0',
    'HTTP/1.1x',
    'http/1.1',
    'HTTP/1.10',
    '',
    'HTTP/1.1 extra',
    'SIP/2.0',
  ]);
  m.startLine = m.startLine.replace(/HTTP\/1\.1$/, version);
};

/** Request smuggling shapes: Transfer-Encoding with Content-Length, bad chunk sizes, two lengths. */
const framing: TextMutation = (rand, m) => {
  const body = m.body;
  switch (rand.int(5)) {
    case 0:
      setHeader(m, 'Transfer-Encoding', 'chunked');
      m.body = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      break;
    case 1:
      setHeader(
        m,
        'Transfer-Encoding',
        rand.pick(['chunked', 'chunked, identity', 'identity', ' chunked', 'x']),
      );
      m.body = `${rand.pick(['ffffffffffffffff', '-1', 'zz', '1;ext=' + 'a'.repeat(5000), '0'])}\r\n${body}\r\n`;
      break;
    case 2:
      m.headers.push(['Content-Length', String(body.length + rand.pick([1, 10]))]);
      break;
    case 3:
      setHeader(m, 'Expect', rand.pick(['100-continue', 'x']));
      break;
    default:
      setHeader(m, 'Content-Length', rand.pick(WRONG_NUMBERS));
      break;
  }
};

const hostOdd: TextMutation = (rand, m) => {
  const i = findHeader(m, 'host');
  const value = rand.pick([
    '',
    '[::1]',
    '[::1',
    'a'.repeat(3000),
    'evil.example',
    '127.0.0.1:0',
    '127.0.0.1:99999',
  ]);
  if (i >= 0 && rand.chance(0.3)) m.headers.splice(i, 1);
  else if (i >= 0) m.headers[i][1] = value;
  if (rand.chance(0.3)) m.headers.push(['Host', 'second.example']);
};

const HTTP_MUTATIONS: readonly (readonly [number, TextMutation])[] = [
  ...TEXT_MUTATIONS,
  [3, methodSwap],
  [2, versionSwap],
  [4, framing],
  [2, hostOdd],
];

/** One request: a seed, mostly mutated by the HTTP grammar, sometimes by bytes. */
export function httpInput(rand: Random, seed: TextMessage): Buffer {
  if (rand.chance(0.15)) return renderText(seed, true);
  const grammar = rand.chance(0.75);
  if (grammar) for (let k = rand.range(1, 2); k > 0; k--) rand.weighted(HTTP_MUTATIONS)(rand, seed);
  const rendered = renderText(seed, rand.chance(0.7));
  return grammar && rand.chance(0.9) ? rendered : mutateBytes(rand, rendered, rendered);
}
