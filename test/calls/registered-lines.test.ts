/**
 * The call service of a running node routes by the lines of the devices registered on it: a real
 * SCCP phone and a real SIP phone register over sockets, the node's DnLocator then answers which
 * device holds each DN, and forgets a device when it unregisters or its connection drops.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { addDigestDevice } from '../sip/helpers/digest-device.js';
import { eventually, startTestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeEach(async () => {
  t = await startTestNode();
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

const SCCP_PHONE = 'SEP00AC00000001';
const SIP_PHONE = 'SEP00AC00000002';

/** An SCCP 7960 holding 2001 on line 1 and the shared line 3000 on line 2. */
const addSccpPhone = () => addSccpDevice(t.node, SCCP_PHONE, ['2001', '3000']);

async function sccpStation(): Promise<SccpStation> {
  const station = new SccpStation({ deviceName: SCCP_PHONE, deviceType: 7 });
  await station.connect('127.0.0.1', t.node.ports.sccp);
  closers.push(() => station.destroy());
  return station;
}

async function sipPhone(): Promise<SipRegistration> {
  await addDigestDevice(t.node, { name: SIP_PHONE, dn: '2002', password: 'line-secret-2002' });
  const phone = new SipRegistration({
    mac: SIP_PHONE.slice(3),
    modelEnum: 8,
    userAgent: 'Cisco-CP7940G/8.0',
    expires: 3600,
  });
  await phone.open();
  closers.push(() => phone.close());
  return phone;
}

const sipLine = { index: 1, name: '2002', authName: '2002', password: 'line-secret-2002' };
const holders = async (dn: string) =>
  (await t.node.calls.lines.devicesFor(dn)).map((l) => `${l.deviceName}/${l.protocol}/line ${l.line}`);

it('answers which registered SCCP and SIP devices hold a DN, and forgets them when they unregister', async () => {
  await addSccpPhone();
  const station = await sccpStation();
  const phone = await sipPhone();
  const target = { host: '127.0.0.1', port: t.node.ports.sip! };
  expect(await holders('2001')).toEqual([]);

  expect((await station.register()).kind).toBe('registered');
  expect((await phone.register(sipLine, target)).kind).toBe('registered');
  expect(await holders('2001')).toEqual([`${SCCP_PHONE}/SCCP/line 1`]);
  expect(await holders('3000')).toEqual([`${SCCP_PHONE}/SCCP/line 2`]);
  expect(await holders('2002')).toEqual([`${SIP_PHONE}/SIP/line 1`]);
  // The dial plan knows the DNs added behind its back once a phone registers with them.
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('2002'));
  expect(t.node.calls.dialPlan.view().isDirectoryNumber('3000')).toBe(true);

  expect(await station.unregister()).toBe(0);
  expect((await phone.register(sipLine, target, 0)).kind).toBe('registered');
  await eventually(async () => (await holders('2001')).length === 0);
  expect(await holders('3000')).toEqual([]);
  expect(await holders('2002')).toEqual([]);
});

it('forgets an SCCP phone whose connection drops', async () => {
  await addSccpPhone();
  const station = await sccpStation();
  expect((await station.register()).kind).toBe('registered');
  expect(await holders('2001')).toEqual([`${SCCP_PHONE}/SCCP/line 1`]);
  station.destroy();
  await eventually(async () => (await holders('2001')).length === 0);
});

it('drops a deleted phone’s DN from the dial plan', async () => {
  await addSccpPhone();
  await eventually(async () => {
    t.node.calls.dialPlan.refresh();
    await t.node.calls.dialPlan.settled();
    return t.node.calls.dialPlan.view().isDirectoryNumber('2001');
  });
  expect((await t.api.delete(`/phones/${SCCP_PHONE}`)).status).toBeLessThan(300);
  await eventually(() => !t.node.calls.dialPlan.view().isDirectoryNumber('2001'));
});
