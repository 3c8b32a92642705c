import { expect } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { FakePhone } from './call-phones.js';
import type { TestNode } from './node.js';
import { addSccpDevice } from './sccp-device.js';

/**
 * A real SCCP phone registered over a socket (so that the node's DnLocator knows its DN) and an
 * in-process fake attached in place of the SCCP adapter (it registers without its startup, so no
 * CapabilitiesRes re-attaches the real one): the test drives the node's call service by hand
 * (offHook, send), for states a real phone reaches only slowly. Calls as users make them:
 * test/support/sccp-call-phones.ts.
 */
export async function registeredCallPhone(
  t: TestNode,
  name: string,
  dn: string,
  closers: Array<() => void>,
): Promise<FakePhone> {
  await addSccpDevice(t.node, name, [dn]);
  const station = new SccpStation({ deviceName: name, deviceType: 7 });
  await station.connect('127.0.0.1', t.node.ports.sccp);
  closers.push(() => station.destroy());
  expect((await station.register()).kind).toBe('registered');
  const fake = new FakePhone(name, 'SCCP', dn);
  fake.service = t.node.calls.service;
  t.node.calls.service.attach(fake);
  return fake;
}
