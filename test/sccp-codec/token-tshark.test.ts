/**
 * Cross-checks the failover messages (docs/sccp-failover.md) against Wireshark's Skinny dissector:
 * a standby connection's KeepAlive and its ack, RegisterTokenRequest, RegisterTokenReject with its
 * wait, and RegisterTokenAck, each in its own TCP segment; tshark must name each message, read the
 * fields back and find nothing malformed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { encodeMessage } from '../../src/protocols/sccp/codec/index.js';
import { PcapWriter, TcpConversation } from './helpers/pcap-writer.js';

const TSHARK_AVAILABLE = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).error === undefined;
const FIELDS = [
  'skinny.messageId',
  'skinny.DeviceName',
  'skinny.instance',
  'skinny.stationIpAddr',
  'skinny.deviceType',
  'skinny.waitTimeBeforeNextReq',
  '_ws.malformed',
];

const dir = mkdtempSync(join(tmpdir(), 'openucm-sccp-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.skipIf(!TSHARK_AVAILABLE)('Wireshark reads the token and standby messages as we write them', () => {
  const pcap = new PcapWriter();
  const tcp = new TcpConversation(pcap, { ip: '10.1.2.3', port: 50000 }, { ip: '10.0.0.1', port: 2000 });
  tcp.handshake();
  tcp.send('client', encodeMessage({ type: 'KeepAlive' }));
  tcp.send('server', encodeMessage({ type: 'KeepAliveAck' }));
  const request = {
    type: 'RegisterTokenRequest',
    deviceName: 'SEP001122334455',
    instance: 1,
    stationIpAddr: '10.1.2.3',
    deviceType: 8,
  } as const;
  tcp.send('client', encodeMessage(request));
  tcp.send('server', encodeMessage({ type: 'RegisterTokenReject', waitTimeBeforeNextReq: 42 }));
  tcp.send('client', encodeMessage(request));
  tcp.send('server', encodeMessage({ type: 'RegisterTokenAck' }));
  const file = join(dir, 'token.pcap');
  writeFileSync(file, pcap.toBuffer());
  const out = execFileSync(
    'tshark',
    ['-n', '-r', file, '-Y', 'skinny || _ws.malformed', '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const rows = out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
  expect(rows.map((r) => r[6] ?? '')).toEqual(['', '', '', '', '', '']);
  expect(rows.map((r) => Number(r[0]))).toEqual([0x0000, 0x0100, 0x0029, 0x011b, 0x0029, 0x011a]);
  expect(rows[2].slice(1, 5)).toEqual(['SEP001122334455', '1', '10.1.2.3', '0x00000008']);
  expect(rows[3][5]).toBe('42');
});
