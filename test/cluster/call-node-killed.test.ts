/**
 * Issue #16, calls across nodes: the called phone's node dies (`kill -9`) while the phone rings.
 * The calling node learns it from the cluster's liveness (heartbeat silent, node declared down),
 * ends the call with cause 27 "destination out of order": its SCCP phone hears reorder, and the
 * calling node's CDR says so.
 */
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { SccpPhoneCalls } from '../../src/sim/sccp-calls.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { SipPhoneCalls } from '../../src/sim/sip-calls.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { SECRET_KEY_FILE_NAME } from '../../src/services/secret-key-file.js';
import { startChildNode } from '../support/child-node.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { addSipDevice } from '../support/sip-call-phone.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('the callee’s node killed while its phone rings: the caller hears reorder, the CDR says cause 27', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const database = await createPostgresDatabase();
  cleanups.push(() => database.drop());
  const timings = { clusterHeartbeatMilliseconds: 250, clusterDownAfterMilliseconds: 1000 };
  const cm1 = await startTestNode({ database, config: { nodeName: 'cm1', ...timings } });
  cleanups.push(() => cm1.stop());
  // cm2 in its own process, so that it can die as a process does; it shares cm1's secret key file.
  const cm2 = await startChildNode([
    '--database-url',
    database.databaseUrl!,
    '--node-name',
    'cm2',
    '--sccp-workers',
    '0',
    '--secret-key-file',
    path.join(database.dataDir, SECRET_KEY_FILE_NAME),
    '--cluster-heartbeat-milliseconds',
    '250',
    '--cluster-down-after-milliseconds',
    '1000',
  ]);
  cleanups.push(() => cm2.stop());

  // The callee: a SIP phone on cm2 that rings and never answers.
  await addSipDevice(cm1.node, 'SEP00C0FFEE1622', ['4622']);
  const sip = new SipRegistration({
    mac: '00c0ffee1622',
    modelEnum: 8,
    userAgent: 'Cisco-CP7960G/8.0',
    expires: 3600,
  });
  await sip.open();
  cleanups.push(() => sip.close());
  const server = { host: '127.0.0.1', port: cm2.ports.sip };
  expect(await sip.register({ index: 1, name: '4622', authName: '4622' }, server)).toMatchObject({
    kind: 'registered',
  });
  const callee = new SipPhoneCalls(sip, { address: '127.0.0.1', line: '4622', server });

  await addSccpDevice(cm1.node, 'SEP00C0FFEE1621', ['4621']);
  const station = new SccpStation({ deviceName: 'SEP00C0FFEE1621', deviceType: 7 });
  const caller = new SccpPhoneCalls(station, { address: '127.0.0.1' });
  await station.connect('127.0.0.1', cm1.node.ports.sccp);
  cleanups.push(() => station.destroy());
  expect((await station.register()).kind).toBe('registered');
  await station.startup();
  // Written to the store behind cm1's back (not through its API): its caches learn it as from another node.
  cm1.node.live.emit('configuration-changed', { what: 'device', name: '' });
  await eventually(
    () =>
      cm1.node.calls.dialPlan.view().isDirectoryNumber('4622') &&
      cm1.node.calls.locator.nodesOf('4622').includes('cm2'),
    30_000,
  );

  await caller.dial('4622');
  await callee.waitFor((c) => c.state === 'ringing');
  await caller.waitFor((c) => c.state === CallStateCode.RingOut);

  cm2.child.kill('SIGKILL');

  // Heartbeat 250 ms, down after 1 s: the call fails within seconds of the reaper's verdict.
  const failed = await caller.waitFor((c) => c.tone === ToneCode.Reorder, 20_000);
  expect(failed.state).not.toBe(CallStateCode.Connected);
  // The record is written once the caller hangs up (CUCM: the call ends then).
  caller.hangUp();
  const cdr = await eventually(async () => {
    const items = (
      await cm1.api.get<{
        items: { callingPartyNumber: string; destDeviceName: string; destCause_value: number }[];
      }>('/call-detail-records')
    ).body.items;
    return items.find((c) => c.callingPartyNumber === '4621');
  });
  expect(cdr).toMatchObject({ destDeviceName: 'TRUNK_cm2', destCause_value: 27 });
  expect(
    cm1.logs.some(
      (l) => l.node === 'cm2' && String(l.msg).startsWith('node cm2 no longer runs: its 1 calls'),
    ),
  ).toBe(true);
}, 120_000);
