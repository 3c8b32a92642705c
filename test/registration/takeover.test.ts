/**
 * A live registration is not taken over: a Register (SCCP) or an unauthenticated REGISTER (SIP)
 * for a device registered from another IP address is refused with where it is registered, and
 * the live phone keeps its registration and its status. Real sockets from two loopback addresses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { ServerCommand } from '../../src/sim/sip-registration.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addDigestDevice } from '../sip/helpers/digest-device.js';

interface Phone {
  status: string;
  ipAddress: string | null;
}
interface Event {
  deviceName: string;
  outcome: string;
  reason: string;
  address: string;
  message: string;
  remedy: string | null;
}

let t: TestNode;
const closers: Array<() => void> = [];

beforeEach(async () => {
  t = await startTestNode();
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

async function station(deviceName: string, localAddress: string): Promise<SccpStation> {
  const s = new SccpStation({ deviceName, deviceType: 8 });
  await s.connect('127.0.0.1', t.node.ports.sccp, localAddress);
  closers.push(() => s.destroy());
  return s;
}

async function sipPhone(mac: string, localAddress: string): Promise<SipRegistration> {
  const p = new SipRegistration({
    mac,
    modelEnum: 8,
    userAgent: 'Cisco-CP7940G/8.0',
    expires: 3600,
    localAddress,
  });
  await p.open();
  closers.push(() => p.close());
  return p;
}

const sipTarget = () => ({ host: '127.0.0.1', port: t.node.ports.sip! });

async function events(device: string): Promise<Event[]> {
  await t.node.statusWriter.flush();
  return (await t.api.get<{ items: Event[] }>(`/registration-events?device=${device}`)).body.items;
}

async function phone(name: string): Promise<Phone> {
  return (await t.api.get<Phone>(`/phones/${name}`)).body;
}

describe('SCCP', () => {
  it('refuses a Register for a live phone from another address; the live phone keeps working', async () => {
    const name = 'SEP00AB00000001';
    const victim = await station(name, '127.0.0.1');
    expect((await victim.register()).kind).toBe('registered');

    const attacker = await station(name, '127.0.0.2');
    expect(await attacker.register()).toEqual({ kind: 'rejected', text: 'Device registered elsewhere' });
    await eventually(() => attacker.isClosed);

    // The live phone was not disconnected and still gets answers.
    expect(victim.isClosed).toBe(false);
    victim.send({ type: 'KeepAlive' });
    await eventually(() => victim.keepaliveAcks === 1);
    expect(await phone(name)).toMatchObject({ status: 'registered', ipAddress: '127.0.0.1' });
    const [refused] = await events(name);
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'registered-elsewhere' });
    expect(refused.address).toMatch(/^127\.0\.0\.2:/);
    expect(refused.message).toContain(`${name} is registered from 127.0.0.1`);
    expect(refused.remedy).toContain('keepalive timeout, or Reset it from the phone page');
  });

  it('lets the phone register from its new address once the old registration has ended', async () => {
    const name = 'SEP00AB00000002';
    const old = await station(name, '127.0.0.1');
    expect((await old.register()).kind).toBe('registered');
    old.destroy();
    await eventually(async () => (await phone(name)).status === 'unregistered');
    const moved = await station(name, '127.0.0.2');
    expect((await moved.register()).kind).toBe('registered');
    expect(await phone(name)).toMatchObject({ status: 'registered', ipAddress: '127.0.0.2' });
  });
});

describe('SIP', () => {
  beforeEach(async () => {
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  });

  it('refuses an unauthenticated REGISTER for a live binding from another address', async () => {
    const mac = '00ab00000003';
    const name = 'SEP00AB00000003';
    const victim = await sipPhone(mac, '127.0.0.1');
    expect((await victim.register({ index: 1, name: '1000', authName: '1000' }, sipTarget())).kind).toBe(
      'registered',
    );
    const attacker = await sipPhone(mac, '127.0.0.2');
    const refused = await attacker.register({ index: 1, name: '1000', authName: '1000' }, sipTarget());
    expect(refused).toMatchObject({ kind: 'rejected', status: 403 });
    expect(refused.kind === 'rejected' && refused.reason).toContain('If the phone really moved');

    // The binding still points at the victim: a reset reaches it, not the attacker.
    const commands: ServerCommand[] = [];
    attacker.on('command', (c) => commands.push(c));
    const reboot = new Promise<ServerCommand>((resolve) => victim.once('command', (c) => resolve(c)));
    expect((await t.api.post(`/phones/${name}/reset`, { type: 'reset' })).status).toBeLessThan(300);
    expect(await reboot).toBe('reboot');
    expect(commands).toEqual([]);
    expect(await phone(name)).toMatchObject({ status: 'registered', ipAddress: '127.0.0.1' });
    const [event] = await events(name);
    expect(event).toMatchObject({ outcome: 'rejected', reason: 'registered-elsewhere' });
    expect(event.message).toContain(`${name} is registered from 127.0.0.1`);
  });

  it('a refresh from the same address on another port is the phone itself', async () => {
    const mac = '00ab00000004';
    const first = await sipPhone(mac, '127.0.0.1');
    expect((await first.register({ index: 1, name: '1000', authName: '1000' }, sipTarget())).kind).toBe(
      'registered',
    );
    // A reboot: new port, new Call-ID, same IP address.
    const rebooted = await sipPhone(mac, '127.0.0.1');
    expect((await rebooted.register({ index: 1, name: '1000', authName: '1000' }, sipTarget())).kind).toBe(
      'registered',
    );
  });

  it('a phone that passes digest authentication may move its registration', async () => {
    const name = 'SEP00AB00000005';
    await addDigestDevice(t.node, { name, dn: '4005', password: 'pw' });
    const line = { index: 1, name: '4005', authName: '4005', password: 'pw' };
    const before = await sipPhone('00ab00000005', '127.0.0.1');
    expect((await before.register(line, sipTarget())).kind).toBe('registered');
    const after = await sipPhone('00ab00000005', '127.0.0.2');
    expect((await after.register(line, sipTarget())).kind).toBe('registered');
  });

  it('a phone with credentials that refreshes from a new address moves there, and the move is recorded', async () => {
    const name = 'SEP00AB00000007';
    await addDigestDevice(t.node, { name, dn: '4007', password: 'pw' });
    const line = { index: 1, name: '4007', authName: '4007', password: 'pw' };
    const moving = await sipPhone('00ab00000007', '127.0.0.1');
    expect((await moving.register(line, sipTarget())).kind).toBe('registered');
    // DHCP gave it another address: the same registration (Call-ID, next CSeq) refreshed from there.
    await moving.moveTo('127.0.0.2');
    expect((await moving.register(line, sipTarget())).kind).toBe('registered');
    await t.node.statusWriter.flush();
    expect(await phone(name)).toMatchObject({ status: 'registered', ipAddress: '127.0.0.2' });
    const [moved] = await events(name);
    expect(moved).toMatchObject({ outcome: 'accepted' });
    expect(moved.address).toMatch(/^127\.0\.0\.2:/);
    // A reset reaches it where it is now.
    const reboot = new Promise<ServerCommand>((resolve) => moving.once('command', (c) => resolve(c)));
    expect((await t.api.post(`/phones/${name}/reset`, { type: 'reset' })).status).toBeLessThan(300);
    expect(await reboot).toBe('reboot');
  });

  it('a refresh or a removal of a live binding from another address without credentials is refused', async () => {
    const name = 'SEP00AB00000008';
    const line = { index: 1, name: '1000', authName: '1000' };
    const victim = await sipPhone('00ab00000008', '127.0.0.1');
    expect((await victim.register(line, sipTarget())).kind).toBe('registered');
    // Its very registration (Call-ID, next CSeq) sent from another address: a refresh, then a removal.
    await victim.moveTo('127.0.0.2');
    const refreshed = await victim.register(line, sipTarget());
    expect(refreshed).toMatchObject({ kind: 'rejected', status: 403 });
    const removed = await victim.register(line, sipTarget(), 0);
    expect(removed).toMatchObject({ kind: 'rejected', status: 403 });
    await t.node.statusWriter.flush();
    expect(await phone(name)).toMatchObject({ status: 'registered', ipAddress: '127.0.0.1' });
    const [event] = await events(name);
    expect(event).toMatchObject({ outcome: 'rejected', reason: 'registered-elsewhere' });
    expect(event.address).toMatch(/^127\.0\.0\.2:/);
  });

  it('a REGISTER naming a live SCCP phone is refused and leaves its status alone', async () => {
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
    const name = 'SEP00AB00000006';
    const live = await station(name, '127.0.0.1');
    expect((await live.register()).kind).toBe('registered');
    const sip = await sipPhone('00ab00000006', '127.0.0.2');
    const refused = await sip.register({ index: 1, name: '1000', authName: '1000' }, sipTarget());
    expect(refused).toMatchObject({ kind: 'rejected', status: 403 });
    const [event] = await events(name);
    expect(event).toMatchObject({ outcome: 'rejected', reason: 'device-protocol-mismatch' });
    expect(await phone(name)).toMatchObject({ status: 'registered', ipAddress: '127.0.0.1' });
  });
});
