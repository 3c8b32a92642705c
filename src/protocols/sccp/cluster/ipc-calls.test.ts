import { expect, it } from 'vitest';
import type { LegCommand } from '../../../core/call/call-command.js';
import type { SccpCallEndpoint } from '../calls.js';
import { IpcCalls } from './ipc-calls.js';
import type { WorkerToPrimary } from './ipc-messages.js';

class Endpoint implements SccpCallEndpoint {
  readonly told: [number, number, LegCommand][] = [];
  command(callReference: number, line: number, command: LegCommand): void {
    this.told.push([callReference, line, command]);
  }
}

it('names each session by a number of its own, in order, and brings leg commands back to it', () => {
  const posted: WorkerToPrimary[] = [];
  const calls = new IpcCalls((m) => posted.push(m));
  const a = new Endpoint();
  const b = new Endpoint();
  const device = { deviceName: 'SEP000000000001', address: '10.0.0.1', codecs: [] };
  calls.attach(a, device);
  calls.attach(b, { ...device, deviceName: 'SEP000000000002' });
  calls.attach(a, { ...device, codecs: ['PCMU'] });
  calls.offHook(a, 1, 1, { number: '1001', name: 'A' });
  calls.send(a, 1, { kind: 'digit', digit: '1' });
  expect(posted.map((m) => [m.type, 'conn' in m ? m.conn : null])).toEqual([
    ['call-attach', 1],
    ['call-attach', 2],
    ['call-attach', 1],
    ['call-off-hook', 1],
    ['call-event', 1],
  ]);
  calls.receive({
    type: 'leg-command',
    conn: 2,
    callReference: 0x40000001,
    line: 1,
    command: { kind: 'stop-ringing' },
  });
  expect(b.told).toEqual([[0x40000001, 1, { kind: 'stop-ringing' }]]);
  calls.detach(b);
  calls.receive({
    type: 'leg-command',
    conn: 2,
    callReference: 0x40000001,
    line: 1,
    command: { kind: 'stop-tone' },
  });
  calls.send(b, 1, { kind: 'hang-up' });
  expect(b.told).toHaveLength(1);
  expect(posted.at(-1)).toEqual({ type: 'call-detach', conn: 2 });
});
