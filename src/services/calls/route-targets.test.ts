import { describe, expect, it } from 'vitest';
import { Q850 } from '../../core/call/q850.js';
import type { Device } from '../../core/device.js';
import type { CallDevice } from './call-ports.js';
import { registeredDevice } from './registered-device.js';
import { RegisteredLines } from './registered-lines.js';
import { routeTargets } from './route-targets.js';

function device(name: string, dnd: boolean): Device {
  return {
    name,
    model: '7960',
    protocol: 'SCCP',
    description: '',
    loadId: null,
    dnd,
    lines: [{ index: 1, dn: '1001', displayName: 'Front desk', maxCalls: 4, busyTrigger: 3 }],
  };
}

function callDevice(deviceName: string): CallDevice {
  return {
    deviceName,
    protocol: 'SCCP',
    address: null,
    codecs: [],
    solicitedMedia: true,
    openLeg: () => ({ send: () => undefined }),
  };
}

describe('routing to a DN whose devices are in Do Not Disturb', () => {
  const caller = 'SEP0000000000CA';
  const names = ['SEP000000000001', 'SEP000000000002'];
  let legId = 0;
  const view = {
    caller,
    devices: new Map(names.map((n) => [n, callDevice(n)])),
    busy: () => false,
    callsOn: () => ({ line: 0, device: 0 }),
    nextLegId: () => ++legId,
  };

  it('offers the call only to the devices not in DND, with the stored line appearance', async () => {
    const lines = new RegisteredLines('cm1');
    lines.registered(registeredDevice(device(names[0], true)));
    lines.registered(registeredDevice(device(names[1], false)));
    const locations = await lines.devicesFor('1001');
    expect(locations[1]).toMatchObject({
      displayName: 'Front desk',
      maxCalls: 4,
      busyTrigger: 3,
      dnd: false,
    });
    const routed = routeTargets('1001', locations, view);
    expect(routed).toMatchObject({
      kind: 'routed',
      targets: [{ deviceName: names[1], party: { name: 'Front desk' } }],
    });
  });

  it('is busy (17) when every device of the DN is in DND, as CUCM’s DND Call Reject', async () => {
    const lines = new RegisteredLines('cm1');
    for (const name of names) lines.registered(registeredDevice(device(name, true)));
    expect(routeTargets('1001', await lines.devicesFor('1001'), view)).toEqual({
      kind: 'route-failed',
      cause: Q850.userBusy,
    });
  });
});
