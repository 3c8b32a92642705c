/**
 * SIP digest with real clients against a real node, credentials set through the API: baresip and
 * SIPp register with the right password and get 403 and an event with a wrong one; a REGISTER
 * written by hand shows that a captured one cannot be sent again with another Contact, and that
 * a response without qop or for another URI is refused; a phone registered before its
 * credentials were set is challenged at its next refresh.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigestResponse, parseDigestChallenge } from '../../src/protocols/sip/digest.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { UdpPeer } from './helpers/raw-client.js';
import { runBaresip } from './helpers/baresip.js';
import { openSipPhone, sipTarget } from './helpers/sip-phone.js';
import { runSipp } from './helpers/sipp.js';

let t: TestNode;
let dir: string;

interface Event {
  outcome: string;
  reason: string;
  message: string;
  count?: number;
}

async function events(device: string): Promise<Event[]> {
  await t.node.statusWriter.flush();
  return (await t.api.get<{ items: Event[] }>(`/registration-events?device=${device}`)).body.items;
}

async function addPhone(
  name: string,
  model: string,
  dn: string,
  credentials: { username?: string; password: string },
) {
  const created = await t.api.post('/phones', {
    name,
    model,
    protocol: 'SIP',
    description: 'digest',
    lines: [{ index: 1, dn }],
  });
  expect(created.status).toBe(201);
  expect((await t.api.put(`/phones/${name}/sip-credentials`, credentials)).status).toBe(200);
}

beforeAll(async () => {
  // Wrong passwords on purpose come from 127.0.0.1 all along: the throttle has its own test below.
  t = await startTestNode({ config: { authFailuresPerAddress: 1000 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-digest-'));
  await addPhone('SEP0077FF000001', 'ThirdPartySIP', '9101', { password: 'baresip-Secret-1' });
  await addPhone('SEP0077FF000002', 'ThirdPartySIP', '9102', {
    username: 'sipp-user',
    password: 'sipp-Secret-2',
  });
  await addPhone('SEP0077FF000003', 'ThirdPartySIP', '9103', {
    username: 'raw-user',
    password: 'raw-Secret-3',
  });
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

describe('baresip (Debian baresip-core)', () => {
  const aor = () => `<sip:SEP0077FF000001@127.0.0.1:${t.node.ports.sip};transport=udp>`;

  it('registers with the right password', async () => {
    const run = runBaresip(dir, `${aor()};auth_pass=baresip-Secret-1;regint=600`, 3).done;
    await eventually(async () => {
      await t.node.statusWriter.flush();
      return (await t.api.get<{ status: string }>('/phones/SEP0077FF000001')).body.status === 'registered';
    });
    const output = await run;
    expect(output).toContain('200 OK (openucm/');
    expect((await events('SEP0077FF000001')).map((e) => e.reason)).toContain('configured-device');
  });

  it('gets 403 with a wrong password, and the event names the device and the user', async () => {
    const output = await runBaresip(dir, `${aor()};auth_pass=not-the-password;regint=600`, 2).done;
    expect(output).toContain('403 Forbidden (authentication failed)');
    const failed = (await events('SEP0077FF000001')).find((e) => e.reason === 'sip-authentication-failed');
    expect(failed?.message).toContain('failed SIP digest authentication as user "SEP0077FF000001"');
  });
});

describe('SIPp (Debian sip-tester)', () => {
  const phone = [{ user: 'sipp-user', mac: '0077ff000002' }];

  it('registers a third-party phone identified by its digest user, with the right password only', async () => {
    const port = t.node.ports.sip!;
    const ok = await runSipp({
      scenario: 'register-digest',
      port,
      phones: phone,
      runId: 'ok',
      cseq: 1,
      auth: { user: 'sipp-user', password: 'sipp-Secret-2' },
    });
    expect(ok.errors).toBe('');
    expect(ok.code).toBe(0);
    await t.node.statusWriter.flush();
    expect((await t.api.get<{ status: string }>('/phones/SEP0077FF000002')).body.status).toBe('registered');
    const wrong = await runSipp({
      scenario: 'register-digest',
      port,
      phones: phone,
      runId: 'wrong',
      cseq: 1,
      auth: { user: 'sipp-user', password: 'wrong-Secret' },
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.errors).toContain('SIP/2.0 403 Forbidden (authentication failed)');
    expect((await events('SEP0077FF000002')).map((e) => e.reason)).toContain('sip-authentication-failed');
  });
});

describe('REGISTERs written by hand', () => {
  let peer: UdpPeer;
  let cseq = 0;
  const callId = 'raw-call-1@127.0.0.1';

  beforeAll(async () => {
    peer = await new UdpPeer().open();
  });
  afterAll(() => peer.close());

  /** A third-party REGISTER for raw-user with `contact` (null: a query) and extra header lines. */
  function register(contact: string | null, extra: string[] = [], id = callId): string {
    cseq++;
    return [
      `REGISTER sip:127.0.0.1:${t.node.ports.sip} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKraw${cseq}${id.length};rport`,
      'From: <sip:raw-user@127.0.0.1>;tag=raw',
      'To: <sip:raw-user@127.0.0.1>',
      `Call-ID: ${id}`,
      `CSeq: ${cseq} REGISTER`,
      ...(contact === null ? [] : [`Contact: ${contact}`]),
      'Max-Forwards: 70',
      'User-Agent: raw-client',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }

  /** Sends, expecting a 401, and returns its nonce. */
  async function challenge(contact: string | null, id = callId): Promise<string> {
    const reply = await peer.exchange(register(contact, [], id), t.node.ports.sip!);
    expect(reply).toMatch(/^SIP\/2.0 401/);
    const header = /WWW-Authenticate: (.*)\r\n/.exec(reply!)![1];
    const parsed = parseDigestChallenge(header);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value).toMatchObject({ algorithm: 'MD5', qop: ['auth'] });
    return parsed.value.nonce;
  }

  function authorization(nonce: string, options: { nc?: number; qop?: boolean; uri?: string } = {}): string {
    const uri = options.uri ?? `sip:127.0.0.1:${t.node.ports.sip}`;
    const qop = options.qop === false ? undefined : ('auth' as const);
    const nc = options.nc ?? 1;
    const response = computeDigestResponse({
      username: 'raw-user',
      realm: 'ccmsipline',
      password: 'raw-Secret-3',
      nonce,
      method: 'REGISTER',
      uri,
      qop,
      nc,
      cnonce: 'c0c0',
    });
    const protection = qop ? `, qop=auth, nc=${nc.toString(16).padStart(8, '0')}, cnonce="c0c0"` : '';
    return `Authorization: Digest username="raw-user", realm="ccmsipline", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5${protection}`;
  }

  const mine = `<sip:raw-user@127.0.0.1:5099>`;

  it('does not take a captured REGISTER sent again with another Contact', async () => {
    const nonce = await challenge(mine);
    const captured = authorization(nonce);
    expect(await peer.exchange(register(mine, [captured]), t.node.ports.sip!)).toMatch(/^SIP\/2.0 200/);
    // The same Authorization, a higher CSeq, the attacker's Contact: the nonce-count is spent.
    const replay = await peer.exchange(
      register('<sip:raw-user@192.0.2.66:5060>', [captured]),
      t.node.ports.sip!,
    );
    expect(replay).toMatch(/^SIP\/2.0 401/);
    // The bindings, as a query proving the password lists them: only the phone's own Contact.
    const queryNonce = await challenge(null);
    const listed = await peer.exchange(register(null, [authorization(queryNonce)]), t.node.ports.sip!);
    expect(listed).toMatch(/^SIP\/2.0 200/);
    expect(listed).toContain('Contact: <sip:raw-user@127.0.0.1:5099>');
    expect(listed).not.toContain('192.0.2.66');
  });

  it('refuses with 400 and an event a response without qop, and one computed for another URI', async () => {
    const attempts = async (): Promise<number> =>
      (await events('SEP0077FF000003'))
        .filter((e) => e.reason === 'sip-digest-invalid')
        .reduce((sum, e) => sum + (e.count ?? 1), 0);
    const before = await attempts();
    const nonce = await challenge(mine, 'raw-call-2@127.0.0.1');
    const noQop = await peer.exchange(
      register(mine, [authorization(nonce, { qop: false })], 'raw-call-2@127.0.0.1'),
      t.node.ports.sip!,
    );
    expect(noQop).toMatch(/^SIP\/2.0 400 Bad Request \(digest response does not fit the request\)/);
    const other = await challenge(mine, 'raw-call-3@127.0.0.1');
    const otherUri = await peer.exchange(
      register(mine, [authorization(other, { uri: 'sip:10.20.30.40' })], 'raw-call-3@127.0.0.1'),
      t.node.ports.sip!,
    );
    expect(otherUri).toMatch(/^SIP\/2.0 400 Bad Request \(digest response does not fit the request\)/);
    // Identical refusals from one address within a minute are one event with a count.
    await expect.poll(attempts, { timeout: 10_000 }).toBe(before + 2);
    const invalid = (await events('SEP0077FF000003')).filter((e) => e.reason === 'sip-digest-invalid');
    expect(invalid.map((e) => e.message).join(' ')).toContain('no qop');
  });
});

it('challenges a phone registered before its credentials were set at its next refresh', async () => {
  await t.api.post('/phones', {
    name: 'SEP0077FF000004',
    model: '7961',
    protocol: 'SIP',
    description: 'later',
    lines: [{ index: 1, dn: '9104' }],
  });
  const phone = await openSipPhone('0077ff000004');
  try {
    const target = sipTarget(t);
    const line = { index: 1, name: '9104', authName: '9104' };
    expect((await phone.register(line, target)).kind).toBe('registered');
    await t.api.put('/phones/SEP0077FF000004/sip-credentials', {
      username: '9104',
      password: 'later-Secret-4',
    });
    // Its refresh (same Call-ID) must now prove the password it does not have yet.
    expect(await phone.register(line, target)).toMatchObject({ kind: 'rejected', status: 403 });
    expect((await phone.register({ ...line, password: 'later-Secret-4' }, target)).kind).toBe('registered');
  } finally {
    phone.close();
  }
});
