/**
 * Real SIPp phones call through a real node: a SIPp phone with digest credentials registers and
 * calls (answering the INVITE's 401 as it answered the REGISTER's), a SIPp Cisco-style phone
 * answers the node's delayed-offer INVITE. Each SIPp checks the media port the node hands it in
 * SDP is the other phone's (the caller in the 200, the callee in the ACK), so RTP would flow phone
 * to phone; the CDR records the call.
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSipDevice } from '../support/sip-call-phone.js';
import { addDigestDevice } from '../sip/helpers/digest-device.js';

let t: TestNode;
let dir: string;

beforeAll(async () => {
  // The SRTP phones' policy (docs/srtp.md); every other device has media encryption off.
  t = await startTestNode({
    mediaEncryption: { of: (device) => (device.startsWith('SEP00CC5E0000') ? 'preferred' : 'off') },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-sipp-calls-'));
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  s.close();
  return port;
}

interface Run {
  code: number;
  errors: string;
}

/** One SIPp run of `scenario` (test/calls/scenarios or test/sip/scenarios) from `port`, with `[name]` replaced by `values`. */
function sipp(
  scenario: string,
  port: number,
  args: string[],
  values: Record<string, string | number> = {},
): Promise<Run> {
  const runDir = fs.mkdtempSync(path.join(dir, 'run-'));
  const source = ['calls', 'sip'].map((d) =>
    path.join(import.meta.dirname, '..', d, 'scenarios', `${scenario}.xml`),
  );
  let xml = fs.readFileSync(
    source.find((f) => fs.existsSync(f))!,
    'utf8',
  );
  for (const [name, value] of Object.entries(values)) xml = xml.replaceAll(`[${name}]`, String(value));
  const file = path.join(runDir, `${scenario}.xml`);
  fs.writeFileSync(file, xml);
  const errors = path.join(runDir, 'errors.log');
  const all = [
    `127.0.0.1:${t.node.ports.sip}`,
    '-sf',
    file,
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    '1',
    '-nostdin',
    '-trace_err',
    '-error_file',
    errors,
    '-timeout',
    '20s',
    '-timeout_error',
    ...args,
  ];
  return new Promise((resolve) => {
    execFile('sipp', all, { cwd: runDir, timeout: 30_000 }, (error) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, errors: fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : '' });
    });
  });
}

it('a SIPp phone with digest credentials calls a SIPp phone: 401 answered, 180, 200, ACK, BYE, SDP ports crossed', async () => {
  await addDigestDevice(t.node, { name: 'SEP00CA11000021', dn: '3021', password: 'secret-3021' });
  await addSipDevice(t.node, 'SEP00CA11000022', ['3022']);
  const [callerPort, calleePort, callerMedia, calleeMedia] = await Promise.all([
    freeUdpPort(),
    freeUdpPort(),
    freeUdpPort(),
    freeUdpPort(),
  ]);

  // The callee registers from the port it will answer on (a SIPp client scenario cannot take a new call).
  const csv = path.join(dir, 'callee.csv');
  fs.writeFileSync(csv, 'SEQUENTIAL\n3022;00ca11000022;\n');
  const registered = await sipp('register', calleePort, [
    '-inf',
    csv,
    '-key',
    'reg_cseq',
    '1',
    '-key',
    'expires',
    '600',
    '-key',
    'model',
    '7',
  ]);
  expect(registered).toEqual({ code: 0, errors: '' });

  // So does the caller, answering the REGISTER's challenge.
  const callerCsv = path.join(dir, 'caller.csv');
  fs.writeFileSync(callerCsv, 'SEQUENTIAL\n3021;00ca11000021;\n');
  const callerRegistered = await sipp('register-digest', callerPort, [
    '-inf',
    callerCsv,
    '-key',
    'expires',
    '600',
    '-au',
    '3021',
    '-ap',
    'secret-3021',
  ]);
  expect(callerRegistered).toEqual({ code: 0, errors: '' });

  const callee = sipp('call-uas', calleePort, ['-mp', String(calleeMedia)], {
    caller_media_port: callerMedia,
  });
  const caller = await sipp(
    'call-uac',
    callerPort,
    [
      '-mp',
      String(callerMedia),
      '-au',
      '3021',
      '-ap',
      'secret-3021',
      '-auth_uri',
      `3022@127.0.0.1:${t.node.ports.sip}`,
    ],
    {
      callee_media_port: calleeMedia,
      caller: '3021',
      callee: '3022',
      node_address: `127.0.0.1:${t.node.ports.sip}`,
    },
  );
  expect(caller).toEqual({ code: 0, errors: '' });
  expect(await callee).toEqual({ code: 0, errors: '' });

  const cdr = await eventually(async () => {
    await t.node.statusWriter.flush();
    const items = (await t.api.get<{ items: Record<string, unknown>[] }>('/call-detail-records')).body.items;
    return items[0];
  });
  expect(cdr).toMatchObject({
    callingPartyNumber: '3021',
    finalCalledPartyNumber: '3022',
    origDeviceName: 'SEP00CA11000021',
    destDeviceName: 'SEP00CA11000022',
    origCause_value: 16,
    origMediaTransportAddress_Port: callerMedia,
    destMediaTransportAddress_Port: calleeMedia,
  });
});

it('two SIPp phones offering SDES (RTP/SAVP, a=crypto) get each other’s key under their own tags; the CDR says encrypted', async () => {
  await addSipDevice(t.node, 'SEP00CC5E000031', ['3031']);
  await addSipDevice(t.node, 'SEP00CC5E000032', ['3032']);
  const [callerPort, calleePort, callerMedia, calleeMedia] = await Promise.all([
    freeUdpPort(),
    freeUdpPort(),
    freeUdpPort(),
    freeUdpPort(),
  ]);
  for (const [port, dn, mac] of [
    [callerPort, '3031', '00cc5e000031'],
    [calleePort, '3032', '00cc5e000032'],
  ] as const) {
    const csv = path.join(dir, `srtp-${dn}.csv`);
    fs.writeFileSync(csv, `SEQUENTIAL\n${dn};${mac};\n`);
    const args = ['-inf', csv, '-key', 'reg_cseq', '1', '-key', 'expires', '600', '-key', 'model', '7'];
    expect(await sipp('register', port, args)).toEqual({ code: 0, errors: '' });
  }
  // Base64 of 30 bytes (128-bit key + 112-bit salt) without '+' or '/', so SIPp's regexp takes it as is.
  const keys = {
    key_a: Buffer.alloc(30, 0x41).toString('base64'),
    key_b: Buffer.alloc(30, 0x42).toString('base64'),
  };
  const callee = sipp('srtp-uas', calleePort, ['-mp', String(calleeMedia)], {
    caller_media_port: callerMedia,
    ...keys,
  });
  const caller = await sipp('srtp-uac', callerPort, ['-mp', String(callerMedia)], {
    callee_media_port: calleeMedia,
    caller: '3031',
    callee: '3032',
    node_address: `127.0.0.1:${t.node.ports.sip}`,
    ...keys,
  });
  expect(caller).toEqual({ code: 0, errors: '' });
  expect(await callee).toEqual({ code: 0, errors: '' });
  const cdr = await eventually(async () => {
    await t.node.statusWriter.flush();
    const items = (await t.api.get<{ items: Record<string, unknown>[] }>('/call-detail-records')).body.items;
    return items.find((item) => item.origDeviceName === 'SEP00CC5E000031');
  });
  expect(cdr).toMatchObject({ destDeviceName: 'SEP00CC5E000032', origCause_value: 16, callSecuredStatus: 2 });
});
