/**
 * The Enterprise Parameter SIP Devices Without Credentials over real sockets, with the phone
 * simulator's SIP side as a Cisco phone: allowed by default (the dashboard warns), refused on
 * demand with a 403, a registration event and a remedy, while a device with credentials registers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SipRegistration } from '../../src/sim/sip-registration.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openSipPhone, sipTarget } from './helpers/sip-phone.js';

let t: TestNode;
const phones: SipRegistration[] = [];

interface Dashboard {
  sipWithoutCredentials: { allowed: boolean; devices: number; warning: string | null };
}

beforeAll(async () => {
  t = await startTestNode();
  for (const [name, dn] of [
    ['SEP0033CC000001', '6001'],
    ['SEP0033CC000002', '6002'],
  ]) {
    await t.api.post('/phones', {
      name,
      model: '7961',
      protocol: 'SIP',
      description: 'x',
      lines: [{ index: 1, dn }],
    });
  }
  await t.api.put('/phones/SEP0033CC000002/sip-credentials', { username: '6002', password: 'six-oh-oh-two' });
});

afterAll(async () => {
  for (const p of phones) p.close();
  await t.destroy();
});

async function phone(mac: string): Promise<SipRegistration> {
  const p = await openSipPhone(mac);
  phones.push(p);
  return p;
}
const target = () => sipTarget(t);

it('lets a SIP device without credentials register by default, and the dashboard warns about it', async () => {
  const p = await phone('0033cc000001');
  expect((await p.register({ index: 1, name: '6001', authName: '6001' }, target())).kind).toBe('registered');
  const dashboard = (await t.api.get<Dashboard>('/dashboard')).body.sipWithoutCredentials;
  expect(dashboard).toMatchObject({ allowed: true, devices: 1 });
  expect(dashboard.warning).toContain('1 SIP device registers without a password');
});

it('refuses it once they are refused, with a 403, an event and the remedy; a device with credentials registers', async () => {
  const patched = await t.api.patch('/enterprise-parameters', { sipDevicesWithoutCredentials: 'refused' });
  expect(patched.status).toBe(200);
  const p = await phone('0033cc000001');
  expect(await p.register({ index: 1, name: '6001', authName: '6001' }, target())).toMatchObject({
    kind: 'rejected',
    status: 403,
    reason: expect.stringContaining('Device > Phone > SIP Credentials'),
  });
  await t.node.statusWriter.flush();
  const events = await t.api.get<{ items: { reason: string; message: string }[] }>(
    '/registration-events?device=SEP0033CC000001&outcome=rejected',
  );
  expect(events.body.items[0].reason).toBe('sip-credentials-required');
  const withPassword = await phone('0033cc000002');
  expect(
    (
      await withPassword.register(
        { index: 1, name: '6002', authName: '6002', password: 'six-oh-oh-two' },
        target(),
      )
    ).kind,
  ).toBe('registered');
  const dashboard = (await t.api.get<Dashboard>('/dashboard')).body.sipWithoutCredentials;
  expect(dashboard).toEqual({ allowed: false, devices: 1, warning: null });
});
