/**
 * A call between two simulated SCCP phones, captured on loopback with tshark: Wireshark's Skinny
 * dissector must read every call message the node sent as the message we meant, none malformed,
 * with our callReferences, call states and RTP addresses. Skipped only when tshark cannot capture.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallStateCode, MessageId } from '../../src/protocols/sccp/codec/index.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';

const CAN_CAPTURE =
  spawnSync('tshark', ['-i', 'lo', '-a', 'duration:1', '-w', '/dev/null'], { stdio: 'ignore' }).status === 0;

let t: TestNode;
let dir: string;
const closers: Array<() => void> = [];

beforeAll(async () => {
  t = await startTestNode();
  dir = mkdtempSync(join(tmpdir(), 'openucm-capture-'));
});
afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts tshark on lo for the node's SCCP port; resolves once it captures. */
function capture(file: string, port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const child = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('Capturing on'))
        resolve(
          () =>
            new Promise((done) => {
              child.once('exit', () => done());
              // tshark writes what it holds when told to stop.
              setTimeout(() => child.kill('SIGINT'), 500);
            }),
        );
    });
    child.once('exit', (code) => reject(new Error(`tshark exited (${code}): ${err}`)));
  });
}

it.skipIf(!CAN_CAPTURE)('tshark decodes the call messages as the ones we sent, none malformed', async () => {
  const file = join(dir, 'call.pcapng');
  const stop = await capture(file, t.node.ports.sccp);
  // dumpcap says it captures as it opens the device: give it a moment before the first packet.
  await new Promise((r) => setTimeout(r, 300));
  const a = await sccpCallPhone(t, 'SEP00AE00000001', ['3201'], closers);
  const b = await sccpCallPhone(t, 'SEP00AE00000002', ['3202'], closers, {
    autoAnswer: true,
    rtpAddress: '127.0.0.2',
  });
  await a.calls.dial('3202');
  const bCall = await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.sentTo.length > 0);
  const aCall = await a.calls.waitFor((c) => c.state === CallStateCode.Connected && c.sentTo.length > 0);
  a.calls.hangUp();
  await b.calls.waitFor((c) => c.state === CallStateCode.OnHook);
  await stop();

  const fields = [
    'skinny.messageId',
    'skinny.callState',
    'skinny.callReference',
    'skinny.remotePortNumber',
    'skinny.calledParty',
    '_ws.malformed',
  ];
  const out = spawnSync(
    'tshark',
    [
      '-r',
      file,
      '-d',
      `tcp.port==${t.node.ports.sccp},skinny`,
      '-Y',
      'skinny || _ws.malformed',
      '-T',
      'fields',
      '-E',
      'aggregator=|',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8' },
  );
  expect(out.status).toBe(0);
  const rows = out.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
  expect(rows.filter((r) => (r[5] ?? '') !== '')).toEqual([]);
  const ids = new Set(rows.flatMap((r) => r[0].split('|')).map((id) => Number(id)));
  for (const name of [
    'OffHook',
    'KeypadButton',
    'SoftKeyEvent',
    'OnHook',
    'OpenReceiveChannelAck',
    'CallState',
    'CallInfo',
    'DialedNumber',
    'StartTone',
    'StopTone',
    'SetLamp',
    'SetRinger',
    'SelectSoftKeys',
    'DisplayPromptStatus',
    'ClearPromptStatus',
    'ActivateCallPlane',
    'OpenReceiveChannel',
    'StartMediaTransmission',
    'StopMediaTransmission',
    'CloseReceiveChannel',
  ] as const) {
    expect(ids, name).toContain(MessageId[name]);
  }
  const states = new Set(
    rows
      .flatMap((r) => r[1].split('|'))
      .filter(Boolean)
      .map(Number),
  );
  expect([...states]).toEqual(expect.arrayContaining([1, 12, 3, 4, 5, 2]));
  const refs = new Set(
    rows
      .flatMap((r) => r[2].split('|'))
      .filter(Boolean)
      .map(Number),
  );
  expect(refs).toContain(aCall.callReference);
  expect(refs).toContain(bCall.callReference);
  const ports = new Set(
    rows
      .flatMap((r) => r[3].split('|'))
      .filter(Boolean)
      .map(Number),
  );
  expect(ports).toContain(aCall.portsOpened[0]);
  expect(ports).toContain(bCall.portsOpened[0]);
  expect(rows.flatMap((r) => r[4].split('|'))).toContain('3202');
});
