/**
 * Cross-checks the node's call signalling against Wireshark's SIP and SDP dissectors: every message
 * two phones received during a call (INVITE, 180, 200, ACK, BYE with their SDP) is written into a
 * pcap with text2pcap and read back by tshark, which must find nothing malformed and decode the
 * fields a phone acts on. Skipped (with a message) when tshark is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

const TSHARK = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).error === undefined;
if (!TSHARK) console.warn('tshark not found on PATH: skipping the Wireshark cross-check of SIP calls');

let t: TestNode;
let dir: string;

beforeAll(async () => {
  t = await startTestNode();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-sip-tshark-'));
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

/** text2pcap's input: each packet as offset-prefixed hex lines. */
function hexDump(packets: Buffer[]): string {
  return packets
    .map((packet) => {
      const lines: string[] = [];
      for (let i = 0; i < packet.length; i += 16)
        lines.push(
          `${i.toString(16).padStart(6, '0')} ${[...packet.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
        );
      return lines.join('\n');
    })
    .join('\n\n');
}

it.skipIf(!TSHARK)(
  'writes calls Wireshark reads without a malformed field: methods, statuses, SDP ports, identity and Reason',
  async () => {
    await addSipDevice(t.node, 'SEP00CA11000041', ['3041']);
    await addSipDevice(t.node, 'SEP00CA11000042', ['3042']);
    const a = await new SipCallPhone('00ca11000041', '3041', t.node.ports.sip!).open();
    const b = await new SipCallPhone('00ca11000042', '3042', t.node.ports.sip!).open();
    try {
      await a.register();
      await b.register();
      const ad = a.invite('3042', phoneSdp(20_000));
      const invite = await b.request('INVITE');
      b.respond(invite, 180, 'Ringing', 'b');
      b.respond(invite, 200, 'OK', 'b', phoneSdp(30_000));
      await b.request('ACK');
      const ok = await a.response('INVITE', 200);
      SipCallPhone.confirmed(ad, ok);
      a.ack(ad);
      a.inDialog(ad, 'BYE');
      await a.response('BYE', 200);
      b.respond(await b.request('BYE'), 200, 'OK', 'b');
      await eventually(() => t.node.calls.service.activeCalls === 0);

      const input = path.join(dir, 'call.txt');
      const pcap = path.join(dir, 'call.pcap');
      fs.writeFileSync(input, hexDump([...a.wire, ...b.wire]));
      execFileSync('text2pcap', ['-q', '-u', '5060,5060', input, pcap]);
      const tshark = (args: string[]) => execFileSync('tshark', ['-r', pcap, ...args], { encoding: 'utf8' });
      expect(tshark(['-Y', '_ws.malformed || _ws.expert.severity >= 0x600000'])).toBe('');
      const rows = tshark([
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-e',
        'sip.Method',
        '-e',
        'sip.Status-Code',
        '-e',
        'sdp.media.port',
        '-e',
        'sip.pai.user',
        '-e',
        'sip.Reason',
      ])
        .trim()
        .split('\n');
      expect(rows).toEqual(
        expect.arrayContaining([
          '|100|||', // A: Trying
          '|180||3042|', // A: ringing, the called party asserted
          '|200|30000|3042|', // A: the callee's RTP port
          'INVITE|||3041|', // B: the delayed offer, the caller asserted
          'ACK||20000||', // B: the caller's RTP port in the answer
          'BYE||||Q.850;cause=16;text="normal call clearing"',
        ]),
      );
    } finally {
      a.close();
      b.close();
    }
  },
);
