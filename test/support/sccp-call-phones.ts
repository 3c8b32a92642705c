import { expect } from 'vitest';
import { SccpPhoneCalls } from '../../src/sim/sccp-calls.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { StationIdentity } from '../../src/sim/sccp-station.js';
import type { TestNode } from './node.js';
import { eventually } from './node.js';
import { addSccpDevice } from './sccp-device.js';

export interface SimSccpPhone {
  name: string;
  station: SccpStation;
  calls: SccpPhoneCalls;
  /** The address it receives RTP on. */
  rtpAddress: string;
}

/**
 * A simulated SCCP phone (the simulator's own station and calls) configured with `dns`, registered
 * over a real socket and through its startup exchange (so its codecs are known), receiving RTP on
 * `rtpAddress`. Ready once the node's dial plan knows its DNs.
 */
export async function sccpCallPhone(
  t: TestNode,
  name: string,
  dns: string[],
  closers: Array<() => void>,
  options: {
    rtpAddress?: string;
    autoAnswer?: boolean;
    configure?: boolean;
    /** Its CapabilitiesRes (default µ-law, A-law, G.729). */
    capabilities?: StationIdentity['capabilities'];
  } = {},
): Promise<SimSccpPhone> {
  if (options.configure !== false) await addSccpDevice(t.node, name, dns);
  const rtpAddress = options.rtpAddress ?? '127.0.0.1';
  const station = new SccpStation({ deviceName: name, deviceType: 7, capabilities: options.capabilities });
  const calls = new SccpPhoneCalls(station, { address: rtpAddress, autoAnswer: options.autoAnswer });
  await station.connect('127.0.0.1', t.node.ports.sccp);
  closers.push(() => station.destroy());
  expect((await station.register()).kind).toBe('registered');
  await station.startup();
  await eventually(() => dns.every((dn) => t.node.calls.dialPlan.view().isDirectoryNumber(dn)));
  return { name, station, calls, rtpAddress };
}
