import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DirectoryNumberSet } from '../../core/call/dn-set.js';
import { defaultLimits } from '../../limits/index.js';
import { FakePhone, ManualTime, RecordingLimits, settle } from '../../../test/support/call-phones.js';
import type { CallWatcher } from './call-ports.js';
import { CallService } from './call-service.js';
import { RegisteredLines } from './registered-lines.js';

function node(watcher: CallWatcher) {
  const time = new ManualTime();
  const locator = new RegisteredLines('cm1');
  const logs: { msg: string }[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const service = new CallService({
    clock: () => new Date(time.now),
    scheduler: time,
    locator,
    dialPlan: () => new DirectoryNumberSet(['1001', '1002']),
    cdrs: { write: () => {} },
    limits: new RecordingLimits(),
    settings: defaultLimits(),
    callManagerId: 1,
    logger,
    watcher,
  });
  const phones = [
    new FakePhone('SEP000000000001', 'SCCP', '1001'),
    new FakePhone('SEP000000000002', 'SCCP', '1002'),
  ];
  for (const phone of phones) {
    phone.service = service;
    locator.registered({
      deviceName: phone.deviceName,
      protocol: 'SCCP',
      lines: [{ index: 1, dn: phone.dn }],
    });
    service.attach(phone);
  }
  return { service, phones, logs };
}

describe('the call watcher', () => {
  it('sees each state of a call in order, the end last', async () => {
    const states: string[] = [];
    const { service, phones } = node({ changed: (call) => states.push(call.state) });
    const [a, b] = phones;
    const leg = a.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    service.send(leg, { kind: 'hang-up' });
    expect([...new Set(states)]).toEqual(['dialling', 'proceeding', 'alerting', 'connected', 'released']);
    expect(states.at(-1)).toBe('released');
  });

  it('a watcher that throws is logged; the call goes on', async () => {
    const { service, phones, logs } = node({
      changed: () => {
        throw new Error('view broken');
      },
    });
    const [a, b] = phones;
    a.dial('1002');
    await settle();
    expect(b.kinds()).toContain('ring');
    expect(service.activeCalls).toBe(1);
    expect(logs[0].msg).toContain('the Active Calls view missed a change of call 1: view broken');
  });
});
