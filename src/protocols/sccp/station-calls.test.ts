import pino from 'pino';
import { expect, it } from 'vitest';
import type { Device } from '../../core/device.js';
import type { SccpCalls } from './calls.js';
import { OFFERED_CALL_REFERENCE_BASE } from './calls.js';
import { decodeMessage } from './codec/sccp-message.js';
import { StationCalls } from './station-calls.js';

const device: Device = {
  name: 'SEP001122334455',
  model: '7960',
  protocol: 'SCCP',
  description: 'Lobby',
  lines: [{ index: 1, dn: '1001' }],
  loadId: null,
};

function phone() {
  const told: unknown[][] = [];
  const port: SccpCalls = {
    attach: (_e, d) => told.push(['attach', d.codecs]),
    detach: () => told.push(['detach']),
    offHook: (_e, ref, line, party) => told.push(['offHook', ref, line, party]),
    send: (_e, ref, event) => told.push(['send', ref, event]),
    transfer: (_e, held, consult) => told.push(['transfer', held, consult]),
    conference: (_e, held, consult) => told.push(['conference', held, consult]),
  };
  const sent: string[] = [];
  const calls = new StationCalls(
    {
      device,
      peerIp: '10.0.0.5',
      agreedVersion: 11,
      log: pino({ level: 'silent' }),
      send: (messageId, body) => sent.push(decodeMessage({ headerVersion: 0, messageId, body }).type),
    },
    port,
  );
  calls.attach();
  told.length = 0;
  return { calls, told, sent };
}

it('places a call on the first line with a DN when a 7960 says line 0, and ignores a second off-hook', () => {
  const { calls, told } = phone();
  calls.offHook(0);
  calls.offHook(0);
  expect(told).toEqual([['offHook', 1, 1, { number: '1001', name: 'Lobby' }]]);
  calls.keypad(0x0e, 0);
  calls.keypad(0x0f, 1);
  calls.keypad(0x20, 1);
  expect(told.slice(1)).toEqual([
    ['send', 1, { kind: 'digit', digit: '*' }],
    ['send', 1, { kind: 'digit', digit: '#' }],
  ]);
});

it('answers a ringing call on off-hook, and drops commands for calls it does not hold', () => {
  const { calls, told, sent } = phone();
  const ref = OFFERED_CALL_REFERENCE_BASE + 1;
  calls.command(ref, 1, { kind: 'call-state', state: 'ringing', remote: { number: '1002', name: 'Desk' } });
  calls.command(5, 1, { kind: 'tone', tone: 'dial' });
  expect(sent).toEqual(['CallState', 'CallInfo']);
  calls.offHook(0);
  expect(told).toEqual([['send', ref, { kind: 'answer' }]]);
});

it('turns an OpenReceiveChannelAck into a media event only for a channel it asked for', () => {
  const { calls, told } = phone();
  calls.offHook(1);
  calls.receiveChannel(0, '10.0.0.5', 20000, 0xfffffffe, 0);
  expect(told).toHaveLength(1);
  calls.command(1, 1, { kind: 'open-receive-channel', codec: 'PCMU', packetMs: 20 });
  // Found by its passThruPartyId (callReference XOR 0xFFFFFFFF) when the ack has no callReference.
  calls.receiveChannel(0, '10.0.0.5', 20000, 0xfffffffe, 0);
  expect(told[1]).toEqual([
    'send',
    1,
    {
      kind: 'media',
      media: { address: '10.0.0.5', port: 20000, codecs: [], direction: 'sendrecv' },
      offer: false,
    },
  ]);
  calls.command(1, 1, { kind: 'open-receive-channel', codec: 'PCMU', packetMs: 20 });
  calls.receiveChannel(2, '0.0.0.0', 0, 0, 1);
  expect(told[2]).toEqual(['send', 1, { kind: 'media-failed' }]);
});

it('forgets a call once cleared and detaches once', () => {
  const { calls, told } = phone();
  calls.offHook(1);
  calls.command(1, 1, { kind: 'clear', cause: 16 });
  expect(calls.count).toBe(0);
  calls.detach();
  calls.detach();
  expect(told.filter((t) => t[0] === 'detach')).toHaveLength(1);
});

it('Transfer holds the talking call and opens a consultation call; pressed again, it asks the node to join them', () => {
  const { calls, told } = phone();
  calls.command(OFFERED_CALL_REFERENCE_BASE + 1, 1, { kind: 'call-state', state: 'connected', remote: null });
  calls.transfer(OFFERED_CALL_REFERENCE_BASE + 1);
  expect(told).toEqual([
    ['send', OFFERED_CALL_REFERENCE_BASE + 1, { kind: 'hold' }],
    ['offHook', 1, 1, { number: '1001', name: 'Lobby' }],
  ]);
  told.length = 0;
  calls.transfer(1);
  expect(told).toEqual([['transfer', OFFERED_CALL_REFERENCE_BASE + 1, 1]]);
});

it('EndCall on the consultation call calls the transfer off: the next Transfer starts a new one', () => {
  const { calls, told } = phone();
  calls.command(OFFERED_CALL_REFERENCE_BASE + 1, 1, { kind: 'call-state', state: 'connected', remote: null });
  calls.transfer(OFFERED_CALL_REFERENCE_BASE + 1);
  calls.command(1, 1, { kind: 'clear', cause: 16 });
  calls.command(OFFERED_CALL_REFERENCE_BASE + 1, 1, { kind: 'call-state', state: 'connected', remote: null });
  told.length = 0;
  calls.transfer(OFFERED_CALL_REFERENCE_BASE + 1);
  expect(told.map((t) => t[0])).toEqual(['send', 'offHook']);
});
