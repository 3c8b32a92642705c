/**
 * The services acting on SIP phones, with the phone simulator's SIP side as the phone: reset and
 * restart by NOTIFY (check-sync for a 7940, service-control for a 7975), delete, and digest
 * authentication of a device that has credentials.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServerCommand } from '../../src/sim/sip-registration.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addDigestDevice } from './helpers/digest-device.js';

let t: TestNode;

beforeAll(async () => {
  t = await startTestNode();
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
});

afterAll(async () => {
  await t.destroy();
});

async function phone(mac: string, modelEnum: number, userAgent: string): Promise<SipRegistration> {
  const p = new SipRegistration({ mac, modelEnum, userAgent, expires: 3600, localAddress: '127.0.0.1' });
  await p.open();
  return p;
}

function nextCommand(p: SipRegistration): Promise<[ServerCommand, string]> {
  return new Promise((resolve) => p.once('command', (command, detail) => resolve([command, detail])));
}

const target = () => ({ host: '127.0.0.1', port: t.node.ports.sip! });

it('resets a 7940 with NOTIFY check-sync, restarts a 7975 and applies its config with service-control', async () => {
  const p7940 = await phone('001795a1b2c3', 8, 'Cisco-CP7940G/8.0');
  const p7975 = await phone('0024142ddf24', 437, 'Cisco-CP7975G/9.3.1');
  try {
    expect((await p7940.register({ index: 1, name: '2006', authName: '2006' }, target())).kind).toBe(
      'registered',
    );
    expect((await p7975.register({ index: 1, name: '5678', authName: '5678' }, target())).kind).toBe(
      'registered',
    );
    const reboot = nextCommand(p7940);
    expect((await t.api.post('/phones/SEP001795A1B2C3/reset', { type: 'reset' })).status).toBeLessThan(300);
    expect(await reboot).toEqual(['reboot', 'check-sync']);
    const reregister = nextCommand(p7975);
    expect((await t.api.post('/phones/SEP0024142DDF24/reset', { type: 'restart' })).status).toBeLessThan(300);
    expect(await reregister).toEqual(['reregister', 'service-control restart']);
    await eventually(() => t.logs.some((l) => l.msg === 'SEP0024142DDF24 accepted the restart NOTIFY'));
    // Apply Config: service-control with action=apply-config (sip-cisco.md §1.6).
    const applying = nextCommand(p7975);
    expect((await t.api.post('/phones/SEP0024142DDF24/reset', { type: 'apply-config' })).status).toBe(202);
    expect(await applying).toEqual(['reregister', 'service-control apply-config']);
  } finally {
    p7940.close();
    p7975.close();
  }
});

it('drops the bindings of a phone deleted while registered', async () => {
  const p = await phone('00aa11bb22cc', 7, 'Cisco-CP7960G/8.0');
  try {
    expect((await p.register({ index: 1, name: '3001', authName: '3001' }, target())).kind).toBe(
      'registered',
    );
    expect(t.node.registry.get('SEP00AA11BB22CC')).toBeDefined();
    expect((await t.api.delete('/phones/SEP00AA11BB22CC')).status).toBeLessThan(300);
    expect(t.node.registry.get('SEP00AA11BB22CC')).toBeUndefined();
    // Its next REGISTER is a new registration, decided again (and auto-registered afresh).
    expect((await p.register({ index: 1, name: '3001', authName: '3001' }, target())).kind).toBe(
      'registered',
    );
  } finally {
    p.close();
  }
});

it('challenges a device that has SIP credentials and registers it with the right password only', async () => {
  const name = 'SEP00C0FFEE0001';
  await addDigestDevice(t.node, { name, dn: '4001', password: 's3cret' });
  const wrong = await phone('00c0ffee0001', 8, 'Cisco-CP7940G/8.0');
  const right = await phone('00c0ffee0001', 8, 'Cisco-CP7940G/8.0');
  try {
    expect(
      await wrong.register({ index: 1, name: '4001', authName: '4001', password: 'guess' }, target()),
    ).toMatchObject({
      kind: 'rejected',
      status: 403,
      reason: expect.stringContaining('set the SIP user and password on the phone'),
    });
    expect(
      await right.register({ index: 1, name: '4001', authName: '4001', password: 's3cret' }, target()),
    ).toMatchObject({
      kind: 'registered',
    });
    await t.node.statusWriter.flush();
    const events = (await t.api.get<{ items: { reason: string }[] }>(`/registration-events?device=${name}`))
      .body.items;
    expect(events.map((e) => e.reason)).toEqual(['configured-device', 'sip-authentication-failed']);
  } finally {
    wrong.close();
    right.close();
  }
});
