/** The registrar's bounds: REGISTERs waiting per device and in all, Contacts per device, failed digests per address. */
import { describe, expect, it } from 'vitest';
import { credentialHashes } from '../../../core/sip-credential.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import type { RegistrarReply } from './replies.js';
import { RegistrarHarness, authorizationHeader, headerValues } from './registrar-harness.js';

/** A harness whose registration service waits until `release()`. */
function held(settings: ConstructorParameters<typeof RegistrarHarness>[0]) {
  const h = new RegistrarHarness(settings);
  return { h, release: h.hold() };
}

/** Collects replies as they come (sync ones at once). */
function collect(h: RegistrarHarness, inputs: Parameters<RegistrarHarness['send']>[0][]) {
  const replies: RegistrarReply[] = [];
  const done = inputs.map((i) => h.send(i).then((r) => replies.push(r)));
  return { replies, all: () => Promise.all(done) };
}

describe('REGISTERs waiting to be decided', () => {
  it('keeps a few in line per device and answers the rest 503 with Retry-After (RFC 3261 §21.5.4)', async () => {
    const { h, release } = held({ sipMaxQueuedRegistersPerDevice: 3 });
    const sent = collect(
      h,
      Array.from({ length: 10 }, (_, i) => ({ callId: `flood-${i}@x`, cseq: 1 })),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.replies.map((r) => r.status)).toEqual(Array(7).fill(503));
    expect(headerValues(sent.replies[0], 'retry-after')).toEqual(['5']);
    expect(headerValues(sent.replies[0], 'warning')[0]).toContain(
      '3 REGISTERs for SEP001795A1B2C3 are already waiting',
    );
    expect(h.refusals.map((r) => r.limit)).toEqual(Array(7).fill('sipMaxQueuedRegistersPerDevice'));
    release();
    await sent.all();
    expect(sent.replies.slice(7).map((r) => r.status)).toEqual([200, 200, 200]);
    // The line drained: the device is served again.
    expect((await h.send({ callId: 'flood-3@x', cseq: 2 })).status).toBe(200);
  });

  it('bounds the REGISTERs of all devices waiting at once', async () => {
    const { h, release } = held({ sipMaxPendingRegisters: 2 });
    const sent = collect(
      h,
      ['00000000000a', '00000000000b', '00000000000c'].map((mac) => ({ mac, callId: `${mac}@x` })),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.replies.map((r) => r.status)).toEqual([503]);
    const retry = Number(headerValues(sent.replies[0], 'retry-after')[0]);
    expect(retry).toBeGreaterThanOrEqual(10);
    expect(retry).toBeLessThanOrEqual(30);
    expect(h.refusals.map((r) => r.limit)).toEqual(['sipMaxPendingRegisters']);
    release();
    await sent.all();
    expect(sent.replies.slice(1).map((r) => r.status)).toEqual([200, 200]);
  });
});

it('refuses more Contacts than a device may hold, and reports it', async () => {
  const h = new RegistrarHarness({ sipMaxBindingsPerDevice: 2 });
  const phone = (n: number) => ({
    user: 'SEP001795A1B2C3',
    contact: `<sip:SEP001795A1B2C3@127.0.0.1:${5062 + n}>`,
    cseq: n + 1,
  });
  expect((await h.send(phone(0))).status).toBe(200);
  expect((await h.send(phone(1))).status).toBe(200);
  const third = await h.send(phone(2));
  expect(third.status).toBe(403);
  expect(h.refusals.map((r) => r.limit)).toEqual(['sipMaxBindingsPerDevice']);
  expect(h.registrar.bindings.size).toBe(2);
});

describe('failed digest authentication', () => {
  const thirdParty = { mac: null, userAgent: 'baresip v1.0.0' } as const;
  const guesser = new MemoryFlow('UDP', '10.0.0.66', 5060);
  const phone = new MemoryFlow('UDP', '10.0.0.5', 5060);

  function withCredential(): RegistrarHarness {
    const h = new RegistrarHarness();
    h.credentials.set('2006', {
      deviceName: 'SEP0011AABBCCDD',
      username: '2006',
      realm: 'ccmsipline',
      ...credentialHashes('2006', 'ccmsipline', 'secret'),
    });
    return h;
  }

  /** One attempt: the challenge, then the answer with `password`. */
  async function attempt(h: RegistrarHarness, from: MemoryFlow, password: string, cseq: number) {
    const challenge = headerValues(await h.send({ ...thirdParty, cseq }, from), 'www-authenticate')[0];
    return h.send(
      { ...thirdParty, cseq: cseq + 1, extra: [authorizationHeader(challenge, password, 1)] },
      from,
    );
  }

  it('refuses an address that keeps failing before looking anything up, with when to retry', async () => {
    const h = withCredential();
    // --auth-failures-per-address 10: the tenth failure starts the wait.
    for (let i = 0; i < 10; i++) expect((await attempt(h, guesser, `guess${i}`, 2 * i + 1)).status).toBe(403);
    expect(h.recorded).toHaveLength(10);
    // A REGISTER without credentials is still challenged (that costs no hash)…
    const challenge = headerValues(
      await h.send({ ...thirdParty, cseq: 100 }, guesser),
      'www-authenticate',
    )[0];
    expect(challenge).toBeDefined();
    const lookups = h.usernameLookups;
    // …but its answer is refused unchecked.
    const throttled = await h.send(
      { ...thirdParty, cseq: 101, extra: [authorizationHeader(challenge, 'guess11', 1)] },
      guesser,
    );
    expect(throttled.status).toBe(403);
    expect(throttled.reason).toBe('Forbidden (too many failed authentications)');
    expect(headerValues(throttled, 'retry-after')).toEqual(['1']);
    expect(headerValues(throttled, 'warning')[0]).toContain('too many failed authentications from 10.0.0.66');
    // Not looked up, not hashed, not recorded as a registration event: counted as a refusal at the limit.
    expect(h.usernameLookups).toBe(lookups);
    expect(h.recorded).toHaveLength(10);
    expect(h.refusals.map((r) => r.limit)).toEqual(['authFailuresPerAddress']);
    // Even the right password waits: the address is throttled, not the device.
    expect((await attempt(h, guesser, 'secret', 102)).status).toBe(403);
    // The phone's own address registers at once.
    expect((await attempt(h, phone, 'secret', 104)).status).toBe(200);
    // Once the wait is over the guesser is heard again (and its next failure doubles the wait).
    h.time += 1000;
    expect((await attempt(h, guesser, 'guess12', 106)).reason).not.toContain('too many');
    h.time += 1000;
    expect(headerValues(await attempt(h, guesser, 'guess13', 108), 'retry-after')).toEqual(['1']);
  });

  it('counts credentials for a user that does not exist as a failure, answered as a wrong password is', async () => {
    const h = withCredential();
    for (let i = 0; i < 10; i++) {
      const challenge = headerValues(await h.send({ ...thirdParty, cseq: 1 }), 'www-authenticate')[0];
      const reply = await h.send(
        { ...thirdParty, user: `u${i}`, cseq: 2, extra: [authorizationHeader(challenge, 'x', 1, `u${i}`)] },
        guesser,
      );
      expect(reply.status).toBe(403);
      expect(reply.reason).toBe('Forbidden (authentication failed)');
    }
    expect((await attempt(h, guesser, 'secret', 1)).reason).toBe(
      'Forbidden (too many failed authentications)',
    );
  });
});

describe('names that cannot be device or user names', () => {
  it('refuses a 2 KB or a control-character To user with 404 before anything is looked up or recorded', async () => {
    const h = new RegistrarHarness();
    for (const user of [
      'SEP' + 'A'.repeat(2048),
      'u'.repeat(129),
      'SEP00AABB%00CCDDEE',
      'bob%0d%0aX-Injected:%20yes',
    ]) {
      const reply = await h.send({ user, mac: null, contact: `<sip:x@127.0.0.1:5062>` });
      expect(reply.status, user.slice(0, 20)).toBe(404);
      expect(headerValues(reply, 'warning')[0]).toContain('names no device or user that can exist');
    }
    expect(h.recorded).toEqual([]);
    expect(h.requests).toEqual([]);
    expect(h.usernameLookups).toBe(0);
    expect(h.refusals.map((r) => r.limit)).toEqual(Array(4).fill('sipMaxIdentityLength'));
    expect(h.refusals[0].message).toMatch(
      /naming "SEPA{37}…" without recording it: it is 2051 characters long/,
    );
  });

  it('refuses an over-long digest user the same way, and still decides a name of the longest allowed length', async () => {
    const h = new RegistrarHarness();
    const long = 'd'.repeat(2000);
    const reply = await h.send({
      mac: null,
      userAgent: 'baresip',
      extra: [
        `Authorization: Digest username="${long}", realm="ccmsipline", nonce="n", uri="sip:x", response="0"`,
      ],
    });
    expect(reply.status).toBe(404);
    expect(h.usernameLookups).toBe(0);
    // 128 characters: a user name that may exist; unknown here, so challenged as any user and recorded as such.
    const longest = await h.send({ user: 'u'.repeat(128), mac: null, userAgent: 'baresip' });
    expect(longest.status).toBe(401);
    expect(h.recorded.map((r) => r.reason)).toEqual(['sip-identity-unknown']);
  });
});
