/** The phone simulator's SIP side as a Cisco phone in a test: opened, and where the node listens. */
import { SipRegistration } from '../../../src/sim/sip-registration.js';
import type { SipTarget } from '../../../src/sim/sip-registration.js';
import type { TestNode } from '../../support/node.js';

/** Opens a phone with `mac` (12 lower-case hex digits); Cisco 7961 by default, from 127.0.0.1. */
export async function openSipPhone(
  mac: string,
  options: { userAgent?: string; modelEnum?: number; localAddress?: string } = {},
): Promise<SipRegistration> {
  const phone = new SipRegistration({
    mac,
    modelEnum: options.modelEnum ?? 8,
    userAgent: options.userAgent ?? 'Cisco-CP7961G/8.0',
    expires: 3600,
    localAddress: options.localAddress,
  });
  await phone.open();
  return phone;
}

/** The node's SIP port on loopback. */
export function sipTarget(t: TestNode): SipTarget {
  return { host: '127.0.0.1', port: t.node.ports.sip! };
}
