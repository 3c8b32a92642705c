import { describe, expect, it, vi } from 'vitest';
import { rejection } from '../../../core/rejection.js';
import { credentialHashes } from '../../../core/sip-credential.js';
import type { RegistrarReply } from './replies.js';
import { RegistrarHarness, authorizationHeader, headerValues, registerText } from './registrar-harness.js';

describe('first registration and refresh', () => {
  it('asks the registration service once, then refreshes in memory', async () => {
    const h = new RegistrarHarness();
    const first = await h.send({ cseq: 1 });
    expect(first.status).toBe(200);
    expect(headerValues(first, 'contact')).toEqual([
      '<sip:2006@127.0.0.1:5062;transport=udp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>";+u.sip!model.ccm.cisco.com="8";expires=3600',
    ]);
    expect(headerValues(first, 'expires')).toEqual(['3600']);
    expect(h.requests).toEqual([
      {
        deviceName: 'SEP001795A1B2C3',
        protocol: 'SIP',
        model: expect.objectContaining({ model: '7940' }),
        announcedModel: 'model 8 (Cisco-CP7940G/8.0)',
        address: '127.0.0.1:5062',
        activeLoadId: 'P0S3-8-12-00',
        authenticated: false,
        transport: 'UDP',
      },
    ]);
    h.time += 100_000;
    const refresh = await h.send({ cseq: 2 });
    expect(refresh.status).toBe(200);
    expect(h.requests).toHaveLength(1);
    expect(h.registrar.bindings.size).toBe(1);
    // The refresh restarted the clock: 3600 s from now, not from the first REGISTER.
    h.advance(3599);
    expect(h.unregistered).toEqual([]);
  });

  it('refuses a CSeq that is not higher for the same Call-ID, and keeps the binding (RFC 3261 §10.3 step 7)', async () => {
    const h = new RegistrarHarness();
    await h.send({ cseq: 5 });
    expect((await h.send({ cseq: 5 })).status).toBe(400);
    expect((await h.send({ cseq: 4, expires: 0 })).status).toBe(400);
    expect(h.registrar.bindings.size).toBe(1);
    expect((await h.send({ cseq: 6 })).status).toBe(200);
  });

  it('treats a new Call-ID as a new registration: the service decides again, the binding is replaced', async () => {
    const h = new RegistrarHarness();
    await h.send({ cseq: 10, callId: 'before-reboot@h' });
    const after = await h.send({ cseq: 1, callId: 'after-reboot@h' });
    expect(after.status).toBe(200);
    expect(h.requests).toHaveLength(2);
    // The device keeps one connection: the service sees the same one both times.
    expect(h.connections[0]).toBe(h.connections[1]);
    expect(h.registrar.bindings.size).toBe(1);
    expect(h.registrar.bindings.device('SEP001795A1B2C3')?.registerCallId).toBe('after-reboot@h');
  });

  it('identifies a phone by a SEP user part when it has no Cisco instance-id', async () => {
    const h = new RegistrarHarness();
    const reply = await h.send({
      user: 'SEP00AABBCCDDEE',
      contact: '<sip:SEP00AABBCCDDEE@127.0.0.1:5062>',
      userAgent: 'baresip v1.0.0',
    });
    expect(reply.status).toBe(200);
    expect(h.requests[0]).toMatchObject({ deviceName: 'SEP00AABBCCDDEE', model: { model: 'ThirdPartySIP' } });
  });
});

describe('expiry', () => {
  it('grants at most 3600 s, refuses less than 60 s with 423 and Min-Expires', async () => {
    const h = new RegistrarHarness();
    const brief = await h.send({ expires: 30 });
    expect(brief.status).toBe(423);
    expect(headerValues(brief, 'min-expires')).toEqual(['60']);
    expect(h.requests).toHaveLength(0);
    const long = await h.send({ expires: 86_400 });
    expect(headerValues(long, 'expires')).toEqual(['3600']);
    expect(headerValues(long, 'contact')[0]).toMatch(/;expires=3600$/);
  });

  it('takes the Contact expires parameter over the Expires header, and the default when neither is there', async () => {
    const h = new RegistrarHarness();
    const contact =
      '<sip:2006@127.0.0.1:5062>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>";expires=120';
    const reply = await h.send({ contact, expires: 3600 });
    expect(headerValues(reply, 'contact')).toEqual([
      '<sip:2006@127.0.0.1:5062>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>";expires=120',
    ]);
    const none = await h.send({ cseq: 2, expires: null, contact: contact.replace(';expires=120', '') });
    expect(headerValues(none, 'expires')).toEqual(['3600']);
  });

  it('unregisters a device when its last binding expires, and only then', async () => {
    const h = new RegistrarHarness();
    await h.send({ expires: 120 });
    await h.send({ mac: '001795a1b2c4', callId: 'other@h', user: '2007', port: 5064, expires: 600 });
    h.advance(119);
    expect(h.unregistered).toEqual([]);
    h.advance(1);
    expect(h.unregistered).toEqual([{ name: 'SEP001795A1B2C3', reason: 'registration-expired' }]);
    expect(h.registrar.bindings.deviceCount).toBe(1);
    h.advance(480);
    expect(h.unregistered.map((u) => u.name)).toEqual(['SEP001795A1B2C3', 'SEP001795A1B2C4']);
  });
});

describe('removal', () => {
  it('removes a binding on Expires: 0 and tells the service the device unregistered itself', async () => {
    const h = new RegistrarHarness();
    await h.send({ cseq: 1 });
    const bye = await h.send({ cseq: 2, expires: 0 });
    expect(bye.status).toBe(200);
    expect(headerValues(bye, 'contact')).toEqual([]);
    expect(h.unregistered).toEqual([{ name: 'SEP001795A1B2C3', reason: 'unregister-request' }]);
    expect(h.registrar.bindings.size).toBe(0);
  });

  it('removes every binding of the AOR on Contact: * with Expires: 0, and refuses it with another Expires', async () => {
    const h = new RegistrarHarness();
    await h.send({ user: 'SEP001795A1B2C3', mac: null, cseq: 1 });
    const bad = await h.send({ user: 'SEP001795A1B2C3', mac: null, contact: '*', expires: 60, cseq: 2 });
    expect(bad.status).toBe(400);
    const star = await h.send({ user: 'SEP001795A1B2C3', mac: null, contact: '*', expires: 0, cseq: 3 });
    expect(star.status).toBe(200);
    expect(h.unregistered).toEqual([{ name: 'SEP001795A1B2C3', reason: 'unregister-request' }]);
  });

  it('finds the device of a Contact: * by its Call-ID when the message names no MAC', async () => {
    const h = new RegistrarHarness();
    await h.send({ cseq: 1, callId: 'line-2006@h' });
    const star = await h.send({ mac: null, contact: '*', expires: 0, cseq: 2, callId: 'line-2006@h' });
    expect(star.status).toBe(200);
    expect(h.registrar.bindings.size).toBe(0);
  });

  it('answers a Cisco keep-alive REGISTER (cisco-keep-alive, Expires 0) without touching the binding', async () => {
    const h = new RegistrarHarness();
    await h.send({ cseq: 1 });
    const contact =
      '<sip:2006@127.0.0.1:5062>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>";expires=0;cisco-keep-alive';
    const ka = await h.send({ cseq: 2, contact, expires: 0, callId: 'backup@h' });
    expect(ka.status).toBe(200);
    expect(h.registrar.bindings.size).toBe(1);
    expect(h.unregistered).toEqual([]);
  });

  it('answers a query (no Contact) with the current bindings', async () => {
    const h = new RegistrarHarness();
    await h.send({ cseq: 1 });
    h.time += 600_000;
    // No Contact, no MAC: the Call-ID names the device whose bindings are listed.
    const q = await h.send({ cseq: 2, contact: null, expires: null });
    expect(headerValues(q, 'contact')[0]).toMatch(/;expires=3000$/);
  });
});

describe('refusals', () => {
  it("answers the service's rejection with its status and the remedy as Warning 399", async () => {
    const h = new RegistrarHarness();
    h.decide = (r) => ({
      kind: 'rejected',
      rejection: rejection('auto-registration-protocol-mismatch', {
        deviceName: r.deviceName,
        nodeName: 'cm1',
        protocol: 'SIP',
        autoRegistrationProtocol: 'SCCP',
      }),
    });
    const reply = await h.send({});
    expect(reply.status).toBe(403);
    expect(reply.reason).toBe('Forbidden (auto-registration protocol is SCCP)');
    expect(headerValues(reply, 'warning')[0]).toMatch(
      /^399 10\.0\.0\.1 "auto-registration protocol is SCCP; set Enterprise Parameter Auto Registration Phone Protocol to SIP/,
    );
    expect(h.registrar.bindings.size).toBe(0);
  });

  it('challenges a phone it cannot identify as it would a device with credentials, and records why', async () => {
    const h = new RegistrarHarness();
    const reply = await h.send({ user: 'alice', mac: null, userAgent: 'SomePhone/1.0' });
    expect(reply.status).toBe(401);
    expect(headerValues(reply, 'www-authenticate')).toHaveLength(1);
    expect(headerValues(reply, 'warning')).toEqual([]);
    expect(h.recorded.map((r) => r.reason)).toEqual(['sip-identity-unknown']);
    expect(h.recorded[0].remedy).toContain('SEP followed by its 12-digit MAC');
    expect(h.requests).toEqual([]);
  });

  it('answers an unknown user as a known one with a wrong password, and names no device in a Warning', async () => {
    const h = new RegistrarHarness();
    h.credentials.set('4001', {
      deviceName: 'SEP00C0FFEE0101',
      username: '4001',
      realm: 'ccmsipline',
      ...credentialHashes('4001', 'ccmsipline', 'right'),
    });
    const replies: unknown[][] = [];
    for (const user of ['4001', '3999']) {
      const challenge = await h.send({ user, mac: null, userAgent: 'friendly-scanner', cseq: 1 });
      const answer = await h.send({
        user,
        mac: null,
        userAgent: 'friendly-scanner',
        cseq: 2,
        extra: [authorizationHeader(headerValues(challenge, 'www-authenticate')[0], 'wrong', 1, user)],
      });
      replies.push([
        challenge.status,
        challenge.reason,
        answer.status,
        answer.reason,
        headerValues(answer, 'warning'),
      ]);
    }
    expect(replies[1]).toEqual(replies[0]);
    expect(replies[0].slice(0, 4)).toEqual([401, 'Unauthorized', 403, 'Forbidden (authentication failed)']);
    expect(JSON.stringify(replies[0])).not.toContain('SEP00C0FFEE0101');
  });

  it('processes REGISTERs of one device in arrival order while the service decides', async () => {
    const h = new RegistrarHarness();
    const release = h.hold();
    const first = h.send({ cseq: 1 });
    const second = h.send({ cseq: 2 });
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(h.requests).toHaveLength(1);
  });
});

describe('digest authentication of devices with credentials', () => {
  const realm = 'ccmsipline';
  function withCredential(h: RegistrarHarness, username = '2006', password = 'secret') {
    h.credentials.set(username, {
      deviceName: 'SEP0011AABBCCDD',
      username,
      realm,
      ...credentialHashes(username, realm, password),
    });
  }
  const authorization = (
    challenge: string,
    password: string,
    nc: number,
    options: { qop?: boolean; uri?: string } = {},
  ) => authorizationHeader(challenge, password, nc, '2006', options);
  const thirdParty = { mac: null, userAgent: 'baresip v1.0.0' } as const;
  const algorithms = (reply: RegistrarReply) =>
    headerValues(reply, 'www-authenticate').map((c) => /algorithm=([\w-]+)/.exec(c)?.[1]);

  it('challenges with MD5 and qop=auth, accepts the right password, and refreshes with the next nonce-count', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    const challenge = await h.send({ ...thirdParty, cseq: 1 });
    expect(challenge.status).toBe(401);
    expect(algorithms(challenge)).toEqual(['MD5']);
    const offered = headerValues(challenge, 'www-authenticate')[0];
    expect(offered).toContain('qop="auth"');
    const ok = await h.send({ ...thirdParty, cseq: 2, extra: [authorization(offered, 'secret', 1)] });
    expect(ok.status).toBe(200);
    expect(h.requests[0]).toMatchObject({ deviceName: 'SEP0011AABBCCDD', authenticated: true });
    const refresh = await h.send({ ...thirdParty, cseq: 3, extra: [authorization(offered, 'secret', 2)] });
    expect(refresh.status).toBe(200);
    expect(h.requests).toHaveLength(1);
  });

  it('offers Cisco phones MD5 only', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    expect(algorithms(await h.send({ mac: null, cseq: 1 }))).toEqual(['MD5']);
  });

  it('refuses a wrong password with 403 and records it', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    const challenge = headerValues(await h.send({ ...thirdParty, cseq: 1 }), 'www-authenticate')[0];
    const reply = await h.send({ ...thirdParty, cseq: 2, extra: [authorization(challenge, 'wrong', 1)] });
    expect(reply.status).toBe(403);
    expect(h.recorded.map((r) => r.reason)).toEqual(['sip-authentication-failed']);
    expect(h.recorded[0].message).toContain('password mismatch');
    expect(h.requests).toEqual([]);
  });

  it('refuses with 400 a right password answered without the qop it was offered, and counts it as a failure', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    const failed = vi.spyOn(h.authThrottle, 'failed');
    const challenge = headerValues(await h.send({ ...thirdParty, cseq: 1 }), 'www-authenticate')[0];
    const reply = await h.send({
      ...thirdParty,
      cseq: 2,
      extra: [authorization(challenge, 'secret', 1, { qop: false })],
    });
    expect(reply.status).toBe(400);
    expect(h.recorded.map((r) => r.reason)).toEqual(['sip-digest-invalid']);
    expect(h.recorded[0].message).toContain('no qop');
    expect(h.requests).toEqual([]);
    expect(failed).toHaveBeenCalledTimes(1);
  });

  it('refuses with 400 a right password computed for another URI than the Request-URI', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    const challenge = headerValues(await h.send({ ...thirdParty, cseq: 1 }), 'www-authenticate')[0];
    const reply = await h.send({
      ...thirdParty,
      cseq: 2,
      extra: [authorization(challenge, 'secret', 1, { uri: 'sip:10.9.9.9' })],
    });
    expect(reply.status).toBe(400);
    expect(h.recorded[0]).toMatchObject({ reason: 'sip-digest-invalid' });
    expect(h.recorded[0].message).toContain('sip:10.9.9.9');
    // The same URI written another way (RFC 3261 §19.1.4) is the same resource.
    const again = headerValues(await h.send({ ...thirdParty, cseq: 3 }), 'www-authenticate')[0];
    const ok = await h.send({
      ...thirdParty,
      cseq: 4,
      extra: [authorization(again, 'secret', 1, { uri: 'SIP:127.0.0.1' })],
    });
    expect(ok.status).toBe(200);
  });

  it('does not let a captured REGISTER be sent again with another Contact and a higher CSeq', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    const challenge = headerValues(await h.send({ ...thirdParty, cseq: 1 }), 'www-authenticate')[0];
    const captured = authorization(challenge, 'secret', 1);
    expect((await h.send({ ...thirdParty, cseq: 2, extra: [captured] })).status).toBe(200);
    const replay = await h.send({
      ...thirdParty,
      cseq: 3,
      contact: '<sip:2006@192.0.2.66:5060;transport=udp>',
      extra: [captured],
    });
    expect(replay.status).toBe(401);
    const entry = h.registrar.bindings.device('SEP0011AABBCCDD');
    expect(entry?.bindings.map((b) => b.uri)).toEqual(['sip:2006@127.0.0.1:5062;transport=udp']);
  });

  it('says stale=true for an expired nonce with the right password, and re-challenges a replayed nonce-count', async () => {
    const h = new RegistrarHarness();
    withCredential(h);
    const challenge = headerValues(await h.send({ ...thirdParty, cseq: 1 }), 'www-authenticate')[0];
    expect(
      (await h.send({ ...thirdParty, cseq: 2, extra: [authorization(challenge, 'secret', 1)] })).status,
    ).toBe(200);
    const replay = await h.send({ ...thirdParty, cseq: 3, extra: [authorization(challenge, 'secret', 1)] });
    expect(replay.status).toBe(401);
    expect(headerValues(replay, 'www-authenticate')[0]).not.toContain('stale=true');
    h.time += 301_000;
    const stale = await h.send({ ...thirdParty, cseq: 4, extra: [authorization(challenge, 'secret', 2)] });
    expect(stale.status).toBe(401);
    expect(headerValues(stale, 'www-authenticate')[0]).toContain('stale=true');
  });

  it('challenges the refreshes of a registered device once credentials are set for it', async () => {
    const h = new RegistrarHarness();
    // A refresh is answered from memory once the device's line of REGISTERs has emptied.
    const idle = () => new Promise((resolve) => setTimeout(resolve, 0));
    expect((await h.send({ cseq: 1 })).status).toBe(200);
    await idle();
    expect((await h.send({ cseq: 2 })).status).toBe(200);
    await idle();
    h.credentials.set('2006', {
      deviceName: 'SEP001795A1B2C3',
      username: '2006',
      realm,
      ...credentialHashes('2006', realm, 'secret'),
    });
    h.registrar.credentialsChanged('SEP001795A1B2C3');
    await idle();
    const challenged = await h.send({ cseq: 3 });
    expect(challenged.status).toBe(401);
    const offered = headerValues(challenged, 'www-authenticate')[0];
    await idle();
    expect((await h.send({ cseq: 4, extra: [authorization(offered, 'secret', 1)] })).status).toBe(200);
    await idle();
    // Proved once, the refreshes that carry the next nonce-count are answered from memory again.
    expect((await h.send({ cseq: 5, extra: [authorization(offered, 'secret', 2)] })).status).toBe(200);
    expect(h.requests).toHaveLength(1);
  });
});

it('builds the fixture the way a 7940 sends it', () => {
  expect(registerText()).toContain('User-Agent: Cisco-CP7940G/8.0');
});
