import { expect, it } from 'vitest';
import type { LegCommand } from '../../../core/call/call-command.js';
import type { SccpMessageInput } from '../codec/sccp-message.js';
import type { PhoneCall } from './leg-renderer.js';
import { passThruPartyOf, renderLegCommand } from './leg-renderer.js';

const own = { number: '1001', name: 'Lobby' };
const context = { own, v17: false, lineBusyElsewhere: false };

function call(changes: Partial<PhoneCall> = {}): PhoneCall {
  return {
    callReference: 7,
    line: 1,
    state: 'offered',
    inbound: false,
    media: { receive: 'closed', transmitting: false },
    remote: null,
    ...changes,
  };
}

const types = (messages: SccpMessageInput[]) => messages.map((m) => m.type);
const render = (c: PhoneCall, command: LegCommand) => renderLegCommand(c, command, context);

it('renders off-hook as lamp, CallState OffHook, call plane and the off-hook soft keys (calls.md §1.5)', () => {
  const c = call();
  const messages = render(c, { kind: 'call-state', state: 'dialling', remote: null });
  expect(types(messages)).toEqual(['SetLamp', 'CallState', 'ActivateCallPlane', 'SelectSoftKeys']);
  expect(messages[1]).toMatchObject({ callState: 1, lineInstance: 1, callReference: 7 });
  expect(messages[3]).toMatchObject({ softKeySetIndex: 4 });
  expect(c.state).toBe('dialling');
});

it('shows the caller on a ringing phone: RingIn, CallInfo inbound, blinking lamp, ringer, ring-in keys', () => {
  const c = call({ inbound: true });
  const caller = { number: '1002', name: 'Desk' };
  const messages = [
    ...render(c, { kind: 'call-state', state: 'ringing', remote: caller }),
    ...render(c, { kind: 'ring', caller, called: own }),
  ];
  expect(types(messages)).toEqual(['CallState', 'CallInfo', 'SetLamp', 'SetRinger', 'SelectSoftKeys']);
  expect(messages[1]).toMatchObject({
    callingParty: '1002',
    callingPartyName: 'Desk',
    calledParty: '1001',
    callType: 1,
  });
  expect(messages[2]).toMatchObject({ lampMode: 5 });
  expect(messages[3]).toMatchObject({ ringMode: 2, ringDuration: 1 });
  expect(messages[4]).toMatchObject({ softKeySetIndex: 3 });
});

it('asks for a receive channel once, and re-points a phone that already sends with StopMediaTransmission first', () => {
  const c = call({ state: 'connected' });
  const open = render(c, { kind: 'open-receive-channel', codec: 'PCMU', packetMs: 20 });
  expect(open).toEqual([
    expect.objectContaining({
      type: 'OpenReceiveChannel',
      conferenceId: 7,
      passThruPartyId: passThruPartyOf(7),
      compressionType: 4,
      msPacketSize: 20,
    }),
  ]);
  const to = { address: '10.0.0.2', port: 20000 };
  expect(types(render(c, { kind: 'start-media', to, codec: 'PCMU', packetMs: 20 }))).toEqual([
    'StartMediaTransmission',
  ]);
  const again = render(c, { kind: 'start-media', to: { ...to, port: 20002 }, codec: 'PCMU', packetMs: 20 });
  expect(types(again)).toEqual(['StopMediaTransmission', 'StartMediaTransmission']);
  expect(again[1]).toMatchObject({ remoteIpAddress: '10.0.0.2', remotePort: 20002 });
});

it('clears a call with the hang-up sequence, closing media only when it was open', () => {
  const talking = call({ state: 'connected', media: { receive: 'open', transmitting: true } });
  expect(types(render(talking, { kind: 'clear', cause: 16 }))).toEqual([
    'CloseReceiveChannel',
    'StopMediaTransmission',
    'StopTone',
    'SetLamp',
    'ClearPromptStatus',
    'CallState',
    'SelectSoftKeys',
    'SetRinger',
  ]);
  const ringing = call({ state: 'ringing' });
  const cleared = renderLegCommand(
    ringing,
    { kind: 'clear', cause: 26 },
    { ...context, lineBusyElsewhere: true },
  );
  expect(types(cleared)).toEqual([
    'StopTone',
    'ClearPromptStatus',
    'CallState',
    'SelectSoftKeys',
    'SetRinger',
  ]);
  expect(cleared[2]).toMatchObject({ callState: 2 });
});

it('shows prompts as the phone’s own labels and plays the tones of calls.md §1.4', () => {
  const c = call();
  expect(render(c, { kind: 'prompt', prompt: 'busy' })).toEqual([
    expect.objectContaining({ type: 'DisplayPromptStatus', promptStatus: '\x80\x19' }),
  ]);
  expect(render(c, { kind: 'tone', tone: 'reorder' })).toEqual([
    expect.objectContaining({ type: 'StartTone', tone: 0x25 }),
  ]);
  expect(render(c, { kind: 'reject', cause: 17 })).toEqual([]);
});

it('gives a held phone music on hold on a fresh receive channel in the call codec; an ack still due for a closed channel is counted', () => {
  const held = call({ state: 'connected', media: { receive: 'open', transmitting: true } });
  const music = render(held, {
    kind: 'hear-music',
    from: { address: '10.0.0.9', port: 16384 },
    codec: 'PCMA',
    packetMs: 20,
  });
  expect(types(music)).toEqual(['CloseReceiveChannel', 'StopMediaTransmission', 'OpenReceiveChannel']);
  expect(music[2]).toMatchObject({ compressionType: 2, conferenceId: 7 });
  expect(held.media).toEqual({ receive: 'opening', transmitting: false });
  // Held again before the phone acked: the first ack will be of the closed channel.
  const again = render(held, {
    kind: 'hear-music',
    from: { address: '10.0.0.9', port: 16384 },
    codec: 'PCMA',
    packetMs: 20,
  });
  expect(types(again)).toEqual(['CloseReceiveChannel', 'StopMediaTransmission', 'OpenReceiveChannel']);
  expect(held.media).toEqual({ receive: 'opening', transmitting: false, staleAcks: 1 });
});
