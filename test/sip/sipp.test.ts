/**
 * Real SIPp phones against a real node: refused while Auto Registration Phone Protocol is SCCP,
 * auto-registered with distinct DNs once it is SIP (no restart), refreshed, unregistered; over
 * UDP and TCP.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { phones, runSipp } from './helpers/sipp.js';

let t: TestNode;

beforeAll(async () => {
  t = await startTestNode();
});

afterAll(async () => {
  await t.destroy();
});

interface Phone {
  name: string;
  protocol: string;
  model: string;
  status: string;
  lines: { dn: string }[];
}
interface Event {
  deviceName: string;
  outcome: string;
  reason: string;
  remedy: string | null;
}

async function phone(name: string): Promise<Phone> {
  return (await t.api.get<Phone>(`/phones/${name}`)).body;
}

async function events(device: string): Promise<Event[]> {
  await t.node.statusWriter.flush();
  return (await t.api.get<{ items: Event[] }>(`/registration-events?device=${device}`)).body.items;
}

it('refuses unknown SIP phones with 403 and a Warning while the protocol is SCCP, then registers them with distinct DNs once it is SIP', async () => {
  const fleet = phones(8);
  const port = t.node.ports.sip!;
  const refused = await runSipp({ scenario: 'rejected', port, phones: fleet, runId: 'a', cseq: 1 });
  expect(refused.errors).toBe('');
  expect(refused.code).toBe(0);
  const rejected = await events(fleet[0].user);
  expect(rejected[0]).toMatchObject({
    outcome: 'rejected',
    reason: 'auto-registration-protocol-mismatch',
    remedy: expect.stringContaining('set Enterprise Parameter Auto Registration Phone Protocol to SIP'),
  });
  expect((await t.api.get(`/phones/${fleet[0].user}`)).status).toBe(404);

  // The administrator switches the parameter: the next REGISTER is accepted, no restart.
  expect((await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' })).status).toBe(
    200,
  );
  const accepted = await runSipp({ scenario: 'register', port, phones: fleet, runId: 'b', cseq: 1 });
  expect(accepted.errors).toBe('');
  expect(accepted.code).toBe(0);
  await t.node.statusWriter.flush();
  const registered = await Promise.all(fleet.map((p) => phone(p.user)));
  expect(registered.map((p) => [p.protocol, p.model, p.status])).toEqual(
    fleet.map(() => ['SIP', '7960', 'registered']),
  );
  const dns = registered.map((p) => p.lines[0].dn);
  expect(new Set(dns).size).toBe(fleet.length);
  expect([...dns].sort()).toEqual(Array.from({ length: fleet.length }, (_, i) => String(1000 + i)));

  // Refresh: same Call-IDs, higher CSeq; answered from memory, no new registration events.
  const before = (await events(fleet[0].user)).length;
  const refreshed = await runSipp({ scenario: 'register', port, phones: fleet, runId: 'b', cseq: 2 });
  expect(refreshed.errors).toBe('');
  expect(refreshed.code).toBe(0);
  expect((await events(fleet[0].user)).length).toBe(before);
  expect(t.node.registry.size).toBeGreaterThanOrEqual(fleet.length);

  // Unregister: Expires 0.
  const gone = await runSipp({ scenario: 'register', port, phones: fleet, runId: 'b', cseq: 3, expires: 0 });
  expect(gone.code).toBe(0);
  await t.node.statusWriter.flush();
  expect((await phone(fleet[0].user)).status).toBe('unregistered');
  expect((await events(fleet[0].user))[0]).toMatchObject({
    outcome: 'unregistered',
    reason: 'unregister-request',
  });
});

it('registers over TCP and unregisters the phones whose connection closes', async () => {
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  const fleet = phones(3, '00cafe1');
  const run = await runSipp({
    scenario: 'register',
    port: t.node.ports.sip!,
    phones: fleet,
    runId: 'tcp',
    cseq: 1,
    transport: 'tcp',
  });
  expect(run.errors).toBe('');
  expect(run.code).toBe(0);
  // SIPp has exited: its connection is gone, and with it the only way to reach these phones.
  await eventually(async () => (await events(fleet[2].user))[0]?.reason === 'connection-closed');
  expect((await events(fleet[0].user)).map((e) => e.reason)).toEqual([
    'connection-closed',
    'auto-registered',
  ]);
});

it('lets a registered phone re-register after the node restarts (bindings live in memory)', async () => {
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  const fleet = phones(2, '00cafe2');
  expect(
    (await runSipp({ scenario: 'register', port: t.node.ports.sip!, phones: fleet, runId: 'r', cseq: 1 }))
      .code,
  ).toBe(0);
  const dn = (await phone(fleet[0].user)).lines[0].dn;
  await t.stop();
  t = await startTestNode({ database: t.database });
  // The phone simply refreshes (same Call-ID, next CSeq) against the new process.
  expect(
    (await runSipp({ scenario: 'register', port: t.node.ports.sip!, phones: fleet, runId: 'r', cseq: 2 }))
      .code,
  ).toBe(0);
  await t.node.statusWriter.flush();
  const after = await phone(fleet[0].user);
  expect(after.status).toBe('registered');
  expect(after.lines[0].dn).toBe(dn);
});
