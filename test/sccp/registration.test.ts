import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

interface Phone {
  name: string;
  model: string;
  status: string;
  ipAddress: string | null;
  description: string;
  lines: { index: number; dn: string }[];
  node: string | null;
  activeLoadId: string | null;
}
interface Event {
  deviceName: string;
  outcome: string;
  reason: string;
  message: string;
  remedy: string | null;
}

const mac = (n: number) => `SEP001122${n.toString(16).toUpperCase().padStart(6, '0')}`;

async function connectPhone(
  t: TestNode,
  n: number,
  extra: Partial<ConstructorParameters<typeof SccpStation>[0]> = {},
) {
  const station = new SccpStation({ deviceName: mac(n), deviceType: 8, ...extra });
  await station.connect('127.0.0.1', t.node.ports.sccp);
  return station;
}

describe('SCCP registration and auto-registration', () => {
  let t: TestNode;
  const stations: SccpStation[] = [];
  const phone = async (n: number, extra = {}) => {
    const s = await connectPhone(t, n, extra);
    stations.push(s);
    return s;
  };

  beforeEach(async () => {
    t = await startTestNode();
  });
  afterEach(async () => {
    for (const s of stations.splice(0)) s.destroy();
    await t.destroy();
  });

  it('auto-registers an unknown 7940 with DN 1000 and shows it registered in the API', async () => {
    const s = await phone(1);
    const outcome = await s.register();
    expect(outcome).toMatchObject({ kind: 'registered', keepAliveInterval: 30, protocolVersion: 11 });
    const { lines, time } = await s.startup();
    expect(lines).toMatchObject([{ index: 1, dn: '1000' }]);
    expect(time?.year).toBeGreaterThanOrEqual(2026);
    const { status, body } = await t.api.get<Phone>(`/phones/${mac(1)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: mac(1),
      model: '7940',
      protocol: 'SCCP',
      description: 'Auto 1000',
      lines: [{ index: 1, dn: '1000' }],
      status: 'registered',
      node: 'cm1',
      ipAddress: '127.0.0.1',
    });
    const second = await phone(2);
    await second.register();
    expect((await second.startup()).lines).toMatchObject([{ index: 1, dn: '1001' }]);
    const events = await t.api.get<{ items: Event[] }>(`/registration-events?device=${mac(1)}`);
    expect(events.body.items[0]).toMatchObject({ outcome: 'accepted', reason: 'auto-registered' });
    expect(events.body.items[0].message).toContain('DN 1000');
  });

  it('accepts the known device again with the same DN after the node restarts', async () => {
    const s = await phone(3);
    await s.register();
    await t.stop();
    const restarted = await startTestNode({ database: t.database });
    t = restarted;
    expect((await t.api.get<Phone>(`/phones/${mac(3)}`)).body.status).toBe('unregistered');
    const again = await phone(3);
    expect((await again.register()).kind).toBe('registered');
    expect((await again.startup()).lines).toMatchObject([{ index: 1, dn: '1000' }]);
  });

  it('rejects the next unknown SCCP phone once the parameter is SIP, with the fix in the event', async () => {
    const patch = await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    expect(patch).toMatchObject({ status: 200, body: { autoRegistrationPhoneProtocol: 'SIP' } });
    const s = await phone(4);
    expect(await s.register()).toEqual({ kind: 'rejected', text: 'Auto-reg protocol is SIP' });
    await eventually(() => s.isClosed);
    const { body } = await t.api.get<{ items: Event[] }>('/registration-events?outcome=rejected');
    expect(body.items[0]).toMatchObject({
      deviceName: mac(4),
      reason: 'auto-registration-protocol-mismatch',
    });
    expect(body.items[0].remedy).toContain(
      'set Enterprise Parameter Auto Registration Phone Protocol to SCCP',
    );
    expect((await t.api.get(`/phones/${mac(4)}`)).status).toBe(404);
    // Back to SCCP: the next registration is accepted, no restart.
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
    const again = await phone(4);
    expect((await again.register()).kind).toBe('registered');
  });

  it('rejects when auto-registration is disabled on the node, and when the range is exhausted', async () => {
    expect((await t.api.patch('/nodes/cm1', { autoRegistration: { enabled: false } })).status).toBe(200);
    const off = await phone(5);
    expect(await off.register()).toEqual({ kind: 'rejected', text: 'Auto-registration disabled' });
    await t.api.patch('/nodes/cm1', {
      autoRegistration: { enabled: true, startingDn: '2000', endingDn: '2001' },
    });
    for (const n of [6, 7]) expect((await (await phone(n)).register()).kind).toBe('registered');
    const full = await phone(8);
    expect(await full.register()).toEqual({ kind: 'rejected', text: 'No free auto-reg DN' });
    const { body } = await t.api.get<{ items: Event[] }>(`/registration-events?device=${mac(8)}`);
    expect(body.items[0].reason).toBe('dn-range-exhausted');
    expect(body.items[0].message).toContain('2000–2001');
    const disabled = await t.api.get<{ items: Event[] }>(`/registration-events?device=${mac(5)}`);
    expect(disabled.body.items[0].remedy).toContain('enable auto-registration on cm1');
  });

  it('rejects a device configured for SIP that registers over SCCP, and marks it rejected', async () => {
    const now = new Date();
    await t.node.store.transaction(async (tx) => {
      await tx.devices.reserveDns(['3000'], now);
      await tx.devices.insert(
        {
          name: mac(9),
          model: '7940',
          protocol: 'SIP',
          description: 'Reception',
          lines: [{ index: 1, dn: '3000' }],
          loadId: null,
        },
        now,
      );
    });
    const s = await phone(9);
    expect(await s.register()).toEqual({ kind: 'rejected', text: 'Device is configured for SIP' });
    expect((await t.api.get<Phone>(`/phones/${mac(9)}`)).body.status).toBe('rejected');
  });

  it('unregisters a phone that says goodbye, and one whose connection drops', async () => {
    const polite = await phone(10);
    await polite.register();
    expect(await polite.unregister()).toBe(0);
    await eventually(() => polite.isClosed);
    const dropped = await phone(11);
    await dropped.register();
    dropped.destroy();
    await eventually(
      async () => (await t.api.get<Phone>(`/phones/${mac(11)}`)).body.status === 'unregistered',
    );
    expect((await t.api.get<Phone>(`/phones/${mac(10)}`)).body.status).toBe('unregistered');
    const reasons = async (n: number) =>
      (
        await t.api.get<{ items: Event[] }>(`/registration-events?device=${mac(n)}&outcome=unregistered`)
      ).body.items.map((e) => e.reason);
    expect(await reasons(10)).toEqual(['unregister-request']);
    expect(await reasons(11)).toEqual(['connection-closed']);
  });

  it('answers keepalives and keeps the registration from the address it came from', async () => {
    const s = await phone(12, { loadInfo: 'P00308010200' });
    await s.register();
    s.send({ type: 'KeepAlive' });
    s.send({ type: 'KeepAlive' });
    await eventually(() => s.keepaliveAcks === 2);
    const body = (await t.api.get<Phone>(`/phones/${mac(12)}`)).body;
    expect(body).toMatchObject({
      status: 'registered',
      ipAddress: '127.0.0.1',
      activeLoadId: 'P00308010200',
    });
  });

  it('resets and restarts a registered phone from the API; an unregistered one says so', async () => {
    const s = await phone(13);
    await s.register();
    const reset = s.next('Reset');
    expect((await t.api.post(`/phones/${mac(13)}/reset`, { type: 'restart' })).status).toBe(202);
    expect((await reset)?.resetType).toBe(2);
    const reboot = s.next('Reset');
    expect((await t.api.post(`/phones/${mac(13)}/reset`, { type: 'reset' })).status).toBe(202);
    expect((await reboot)?.resetType).toBe(1);
    s.destroy();
    await eventually(
      async () => (await t.api.get<Phone>(`/phones/${mac(13)}`)).body.status === 'unregistered',
    );
    const refused = await t.api.post<{ error: string; message: string }>(`/phones/${mac(13)}/reset`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('not registered');
  });

  it('a second registration of the same device replaces the first connection', async () => {
    const first = await phone(14);
    await first.register();
    const second = await phone(14);
    expect((await second.register()).kind).toBe('registered');
    await eventually(() => first.isClosed);
    second.send({ type: 'KeepAlive' });
    await eventually(() => second.keepaliveAcks === 1);
    expect((await t.api.get<Phone>(`/phones/${mac(14)}`)).body.status).toBe('registered');
  });

  it('deleting a registered phone disconnects it and frees its DN', async () => {
    const s = await phone(15);
    await s.register();
    expect((await t.api.delete(`/phones/${mac(15)}`)).status).toBe(204);
    await eventually(() => s.isClosed);
    const next = await phone(16);
    await next.register();
    expect((await next.startup()).lines).toMatchObject([{ index: 1, dn: '1000' }]);
  });
});
