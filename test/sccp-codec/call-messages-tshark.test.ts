/**
 * Cross-checks the call and media layouts against Wireshark's Skinny dissector at the header
 * versions a 7940 (11) and a 7941 on protocol 17 use: one message per TCP segment, each with
 * values that tell its fields apart; tshark must read them back and find nothing malformed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src/protocols/sccp/codec/index.js';
import type { SccpMessageInput } from '../../src/protocols/sccp/codec/index.js';
import { PcapWriter, TcpConversation } from './helpers/pcap-writer.js';

const TSHARK_AVAILABLE = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).error === undefined;

const FIELDS = [
  'skinny.messageId',
  'skinny.callReference',
  'skinny.lineInstance',
  'skinny.callState',
  'skinny.tone',
  'skinny.lampMode',
  'skinny.ringMode',
  'skinny.softKeyEvent',
  'skinny.kpButton',
  'skinny.callingParty',
  'skinny.calledParty',
  'skinny.dialedNumber',
  'skinny.compressionType',
  'skinny.milliSecondPacketSize',
  'skinny.conferenceId',
  // ORC, its ack and SMT carry this one; skinny.passthruPartyID (reference calls.md §5) is another message's.
  'skinny.passThroughPartyId',
  'skinny.ipAddr.ipv4',
  'skinny.portNumber',
  'skinny.remoteIpAddr.ipv4',
  'skinny.remotePortNumber',
  '_ws.malformed',
] as const;

const PHONE_SENDS = new Set([
  'OpenReceiveChannelAck',
  'OffHook',
  'OnHook',
  'KeypadButton',
  'EnblocCall',
  'SoftKeyEvent',
  'Stimulus',
]);

function messages(v17: boolean): SccpMessageInput[] {
  const ref = { lineInstance: 2, callReference: 0x01020304 };
  return [
    { type: 'OffHook', lineInstance: 2, callReference: 0 },
    { type: 'KeypadButton', button: 0x0e, ...ref },
    { type: 'EnblocCall', calledParty: '4321', lineInstance: 2 },
    { type: 'SoftKeyEvent', softKeyEvent: 11, ...ref },
    { type: 'CallState', callState: 12, ...ref },
    {
      type: 'CallInfo',
      callingPartyName: 'A',
      callingParty: '1234',
      calledPartyName: 'B',
      calledParty: '4321',
      ...ref,
      callType: 2,
    },
    { type: 'DialedNumber', dialedNumber: '4321', ...ref },
    { type: 'StartTone', tone: 0x24, direction: 0, ...ref },
    { type: 'SetLamp', stimulus: 9, stimulusInstance: 2, lampMode: 5 },
    { type: 'SetRinger', ringMode: 2, ringDuration: 1, ...ref },
    {
      type: 'OpenReceiveChannel',
      conferenceId: 77,
      passThruPartyId: 78,
      msPacketSize: 30,
      compressionType: 2,
      callReference: ref.callReference,
      v17,
    },
    {
      type: 'OpenReceiveChannelAck',
      status: 0,
      ipAddress: '10.1.2.3',
      port: 24680,
      passThruPartyId: 78,
      callReference: ref.callReference,
      v17,
    },
    {
      type: 'StartMediaTransmission',
      conferenceId: 77,
      passThruPartyId: 78,
      remoteIpAddress: '10.3.2.1',
      remotePort: 13570,
      msPacketSize: 30,
      compressionType: 2,
      callReference: ref.callReference,
      v17,
    },
    {
      type: 'StopMediaTransmission',
      conferenceId: 77,
      passThruPartyId: 78,
      callReference: ref.callReference,
    },
    { type: 'CloseReceiveChannel', conferenceId: 77, passThruPartyId: 78, callReference: ref.callReference },
    { type: 'OnHook', ...ref },
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'openucm-sccp-calls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!TSHARK_AVAILABLE).each([11, 17])('call messages at header version %i', (version) => {
  const file = join(dir, `calls-${version}.pcap`);
  const sent = messages(version >= 17);
  const pcap = new PcapWriter();
  const tcp = new TcpConversation(pcap, { ip: '10.1.2.3', port: 50000 }, { ip: '10.0.0.1', port: 2000 });
  tcp.handshake();
  for (const m of sent) tcp.send(PHONE_SENDS.has(m.type) ? 'client' : 'server', encodeMessage(m, version));
  writeFileSync(file, pcap.toBuffer());
  const out = execFileSync(
    'tshark',
    [
      '-n',
      '-r',
      file,
      '-Y',
      'skinny || _ws.malformed',
      '-T',
      'fields',
      '-E',
      'aggregator=|',
      ...FIELDS.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const rows = out
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        Object.fromEntries(FIELDS.map((f, i) => [f, line.split('\t')[i] ?? ''])) as Record<
          (typeof FIELDS)[number],
          string
        >,
    );

  it('reads one message per segment, in order, none malformed', () => {
    expect(rows.map((r) => Number(r['skinny.messageId']))).toHaveLength(sent.length);
    expect(rows.filter((r) => r['_ws.malformed'] !== '')).toEqual([]);
  });

  it('reads our fields back', () => {
    const row = (i: number) => rows[i];
    expect(Number(row(1)['skinny.kpButton'])).toBe(0x0e);
    expect(row(2)['skinny.calledParty']).toBe('4321');
    expect(Number(row(3)['skinny.softKeyEvent'])).toBe(11);
    expect([Number(row(4)['skinny.callState']), Number(row(4)['skinny.callReference'])]).toEqual([
      12, 0x01020304,
    ]);
    expect([row(5)['skinny.callingParty'], row(5)['skinny.calledParty']]).toEqual(['1234', '4321']);
    expect(row(6)['skinny.dialedNumber']).toBe('4321');
    expect(Number(row(7)['skinny.tone'])).toBe(0x24);
    expect(Number(row(8)['skinny.lampMode'])).toBe(5);
    expect(Number(row(9)['skinny.ringMode'])).toBe(2);
    expect([
      Number(row(10)['skinny.compressionType']),
      Number(row(10)['skinny.milliSecondPacketSize']),
    ]).toEqual([2, 30]);
    expect(Number(row(10)['skinny.callReference'])).toBe(0x01020304);
    expect([row(11)['skinny.ipAddr.ipv4'], Number(row(11)['skinny.portNumber'])]).toEqual([
      '10.1.2.3',
      24680,
    ]);
    expect(Number(row(11)['skinny.callReference'])).toBe(0x01020304);
    expect([row(12)['skinny.remoteIpAddr.ipv4'], Number(row(12)['skinny.remotePortNumber'])]).toEqual([
      '10.3.2.1',
      13570,
    ]);
    expect(Number(row(12)['skinny.callReference'])).toBe(0x01020304);
    expect(Number(row(13)['skinny.conferenceId'])).toBe(77);
    expect([10, 11, 12].map((i) => Number(row(i)['skinny.passThroughPartyId']))).toEqual([78, 78, 78]);
    expect(Number(row(15)['skinny.callReference'])).toBe(0x01020304);
  });
});
