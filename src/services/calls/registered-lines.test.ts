import { describe, expect, it } from 'vitest';
import { RegisteredLines } from './registered-lines.js';

describe('RegisteredLines (the one-node DnLocator)', () => {
  it('answers which registered devices hold a DN, shared lines included', async () => {
    const lines = new RegisteredLines('cm1');
    lines.registered({ deviceName: 'SEP000000000001', protocol: 'SCCP', lines: [{ index: 1, dn: '1001' }] });
    lines.registered({
      deviceName: 'SEP000000000002',
      protocol: 'SIP',
      lines: [
        { index: 1, dn: '1002' },
        { index: 2, dn: '1001' },
      ],
      displayNames: new Map([[2, 'Reception']]),
      appearances: new Map([[2, { maxCalls: 4, busyTrigger: 3 }]]),
    });
    expect(await lines.devicesFor('1001')).toEqual([
      {
        deviceName: 'SEP000000000001',
        node: 'cm1',
        protocol: 'SCCP',
        line: 1,
        displayName: '',
        maxCalls: 2,
        busyTrigger: 2,
        dnd: false,
      },
      {
        deviceName: 'SEP000000000002',
        node: 'cm1',
        protocol: 'SIP',
        line: 2,
        displayName: 'Reception',
        maxCalls: 4,
        busyTrigger: 3,
        dnd: false,
      },
    ]);
    expect(await lines.devicesFor('1003')).toEqual([]);
  });

  it('forgets an unregistered device and replaces the lines of one that registers again', async () => {
    const lines = new RegisteredLines('cm1');
    lines.registered({ deviceName: 'SEP000000000001', protocol: 'SCCP', lines: [{ index: 1, dn: '1001' }] });
    lines.registered({ deviceName: 'SEP000000000001', protocol: 'SCCP', lines: [{ index: 1, dn: '1009' }] });
    expect(await lines.devicesFor('1001')).toEqual([]);
    expect(await lines.devicesFor('1009')).toHaveLength(1);
    lines.unregistered('SEP000000000001');
    lines.unregistered('SEP000000000001');
    expect(await lines.devicesFor('1009')).toEqual([]);
  });
});
