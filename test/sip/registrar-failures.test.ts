/**
 * A REGISTER whose handling fails inside the node after the phone was answered: the phone keeps its
 * one answer, the log says what really happened (not "answered 500"), and the device's next
 * REGISTERs are still decided. Real UDP, a real node; the failure is a subscriber of device status
 * changes that throws.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeviceStatusChange } from '../../src/services/live-events.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;

beforeAll(async () => {
  t = await startTestNode();
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
});
afterAll(async () => {
  await t.destroy();
});

it('logs a failure after the answer as such, answers once, and decides the next REGISTER', async () => {
  const phone = new SipRegistration({
    mac: '00ab000000f1',
    modelEnum: 8,
    userAgent: 'Cisco-CP7940G/8.0',
    expires: 3600,
  });
  await phone.open();
  const line = { index: 1, name: 'SEP00AB000000F1', authName: 'SEP00AB000000F1' };
  const target = { host: '127.0.0.1', port: t.node.ports.sip! };
  try {
    expect((await phone.register(line, target)).kind).toBe('registered');
    const failing = (change: DeviceStatusChange) => {
      if (change.status === 'unregistered') throw new Error('a subscriber of device status changes failed');
    };
    t.node.live.on('device-status', failing);
    const from = t.logs.length;
    const removed = await phone
      .register(line, target, 0)
      .finally(() => t.node.live.off('device-status', failing));
    expect(removed.kind).toBe('registered');
    const errors = t.logs.slice(from).filter((l) => (l.level as number) >= 50);
    expect(errors.map((l) => l.msg)).toEqual([
      'SIP registration of SEP00AB000000F1 failed inside the node after the phone was answered; ' +
        'its registration on this node may be out of date until its next REGISTER (see the error)',
    ]);
    expect((await phone.register(line, target)).kind).toBe('registered');
  } finally {
    phone.close();
  }
});
