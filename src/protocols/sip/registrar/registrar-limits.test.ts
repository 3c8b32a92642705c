/** The registrar's bounds: REGISTERs waiting per device and in all, Contacts per device. */
import { describe, expect, it } from 'vitest';
import type { RegistrarReply } from './replies.js';
import { RegistrarHarness, headerValues } from './registrar-harness.js';

/** A harness whose registration service waits until `release()`. */
function held(settings: ConstructorParameters<typeof RegistrarHarness>[0]) {
  const h = new RegistrarHarness(settings);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const accept = h.decide;
  h.decide = async (r) => {
    await gate;
    return accept(r);
  };
  return { h, release };
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
