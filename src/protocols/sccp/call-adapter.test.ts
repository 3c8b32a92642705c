import { expect, it } from 'vitest';
import type { LegCommand } from '../../core/call/call-command.js';
import { callNode, settle } from '../../../test/support/call-phones.js';
import { SccpCallAdapter } from './call-adapter.js';
import type { SccpCallEndpoint } from './calls.js';
import { OFFERED_CALL_REFERENCE_BASE } from './calls.js';

class Endpoint implements SccpCallEndpoint {
  readonly told: [number, number, LegCommand][] = [];
  command(callReference: number, line: number, command: LegCommand): void {
    this.told.push([callReference, line, command]);
  }
  kinds(ref: number): string[] {
    return this.told
      .filter(([r]) => r === ref)
      .map(([, , c]) => (c.kind === 'call-state' ? `state:${c.state}` : c.kind));
  }
}

function setup() {
  const node = callNode([]);
  const adapter = new SccpCallAdapter(node.service);
  for (const [name, dn] of [
    ['SEP000000000001', '1001'],
    ['SEP000000000002', '1002'],
  ])
    node.locator.registered({ deviceName: name, protocol: 'SCCP', lines: [{ index: 1, dn }] });
  const a = new Endpoint();
  const b = new Endpoint();
  adapter.attach(a, { deviceName: 'SEP000000000001', address: '10.0.0.1', codecs: [] });
  adapter.attach(b, { deviceName: 'SEP000000000002', address: '10.0.0.2', codecs: ['PCMA'] });
  return { ...node, adapter, a, b };
}

it('names the calls it offers from its own range and routes each leg’s events by callReference', async () => {
  const { adapter, a, b, service } = setup();
  adapter.offHook(a, 1, 1, { number: '1001', name: 'A' });
  for (const digit of '1002') adapter.send(a, 1, { kind: 'digit', digit });
  await settle();
  const [offered, line] = b.told[0];
  expect(offered).toBe(OFFERED_CALL_REFERENCE_BASE + 1);
  expect(line).toBe(1);
  expect(b.kinds(offered)).toContain('ring');
  adapter.send(b, offered, { kind: 'answer' });
  // Without a CapabilitiesRes a phone is offered G.711; the callee's A-law is common to both.
  expect(a.told.find(([, , c]) => c.kind === 'open-receive-channel')?.[2]).toMatchObject({ codec: 'PCMA' });
  adapter.send(a, 1, { kind: 'hang-up' });
  expect(b.kinds(offered).at(-1)).toBe('clear');
  expect(service.activeCalls).toBe(0);
});

it('puts a phone back on-hook when it hangs up a call the node does not hold', () => {
  const { adapter, a } = setup();
  adapter.send(a, 9, { kind: 'hang-up' });
  expect(a.told).toEqual([[9, 0, { kind: 'clear', cause: 16 }]]);
});

it('keeps a device attached when an older connection of it goes after a newer one registered', async () => {
  const { adapter, a, b, cdrs } = setup();
  const newer = new Endpoint();
  adapter.attach(newer, { deviceName: 'SEP000000000002', address: '10.0.0.2', codecs: [] });
  adapter.detach(b);
  adapter.offHook(a, 1, 1, { number: '1001', name: 'A' });
  adapter.send(a, 1, { kind: 'digits', digits: '1002' });
  await settle();
  expect(newer.kinds(OFFERED_CALL_REFERENCE_BASE + 1)).toContain('ring');
  adapter.send(newer, OFFERED_CALL_REFERENCE_BASE + 1, { kind: 'answer' });
  adapter.detach(newer);
  expect(a.kinds(1).at(-1)).toBe('clear');
  expect(cdrs[0]).toMatchObject({ destCause_value: 27 });
});
