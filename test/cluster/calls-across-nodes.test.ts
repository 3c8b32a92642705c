/**
 * Issue #16, calls across nodes over the intra-cluster SIP trunk (docs/cluster-calls.md): two nodes
 * on one PostgreSQL, a simulated SCCP phone on cm1 and a simulated SIP phone on cm2 call each other
 * both ways; each phone hears the other's test tone (RTP phone to phone, never through a node), the
 * called node's Active Calls shows the call, and only the calling node writes its one CDR, naming
 * the device that answered. A busy callee is busy across the trunk; a forged trunk INVITE is refused.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { SccpPhoneCalls } from '../../src/sim/sccp-calls.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { SipPhoneCalls } from '../../src/sim/sip-calls.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { SECRET_KEY_FILE_NAME } from '../../src/services/secret-key-file.js';
import { signTrunkRequest, trunkKey } from '../../src/services/cluster/trunk-auth.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { addSipDevice } from '../support/sip-call-phone.js';

interface Cdr {
  callingPartyNumber: string;
  finalCalledPartyNumber: string;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  dateTimeConnect: number;
}

let database: TestDatabase | null = null;
let cm1: TestNode;
let cm2: TestNode;
const closers: Array<() => void> = [];

beforeAll(async () => {
  if (!(await postgresAvailable())) return;
  database = await createPostgresDatabase();
  // One database, one data directory: both nodes read the same secret key file, as a cluster must.
  [cm1, cm2] = await Promise.all([
    startTestNode({ database, config: { nodeName: 'cm1' } }),
    startTestNode({ database, config: { nodeName: 'cm2' } }),
  ]);
}, 60_000);

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await cm2?.stop();
  await cm1?.destroy();
});

async function sccpPhone(t: TestNode, mac: string, dn: string, toneHz: number, autoAnswer = false) {
  const name = `SEP${mac}`;
  await addSccpDevice(t.node, name, [dn]);
  const station = new SccpStation({ deviceName: name, deviceType: 7 });
  const calls = new SccpPhoneCalls(station, { address: '127.0.0.1', toneHz, autoAnswer });
  await station.connect('127.0.0.1', t.node.ports.sccp);
  closers.push(() => station.destroy());
  expect((await station.register()).kind).toBe('registered');
  await station.startup();
  return calls;
}

async function sipPhone(t: TestNode, mac: string, dn: string, toneHz: number, autoAnswer = false) {
  await addSipDevice(t.node, `SEP${mac}`, [dn]);
  const sip = new SipRegistration({
    mac: mac.toLowerCase(),
    modelEnum: 8,
    userAgent: 'Cisco-CP7960G/8.0',
    expires: 3600,
  });
  await sip.open();
  closers.push(() => sip.close());
  const server = { host: '127.0.0.1', port: t.node.ports.sip! };
  expect(await sip.register({ index: 1, name: dn, authName: dn }, server)).toMatchObject({
    kind: 'registered',
  });
  return new SipPhoneCalls(sip, { address: '127.0.0.1', line: dn, server, autoAnswer, toneHz });
}

/** `from` routes `dn` over the trunk to `to`: it knows the DN, and that it is registered there. */
async function reachable(from: TestNode, dn: string, to: string): Promise<void> {
  await eventually(
    () =>
      from.node.calls.dialPlan.view().isDirectoryNumber(dn) &&
      from.node.calls.locator.nodesOf(dn).includes(to) &&
      from.node.calls.service.device(`TRUNK_${to}`) !== undefined,
  );
}

async function cdrsOn(t: TestNode, calling: string): Promise<Cdr[]> {
  const items = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
  return items.filter((cdr) => cdr.callingPartyNumber === calling);
}

describe('a call between phones on two nodes', () => {
  it('SCCP on cm1 calls SIP on cm2: it rings, is answered, each hears the other, the callee hangs up; one CDR, on cm1', async (ctx) => {
    if (!database) ctx.skip();
    const callee = await sipPhone(cm2, '00C0FFEE1602', '4602', 1200, true);
    const caller = await sccpPhone(cm1, '00C0FFEE1601', '4601', 500);
    await reachable(cm1, '4602', 'cm2');

    await caller.dial('4602');
    const answered = await callee.waitFor((c) => c.state === 'connected');
    expect(answered.remote).toBe('4601');
    const talking = await caller.waitFor((c) => c.state === CallStateCode.Connected);
    // RTP phone to phone: each phone's tone reaches the other, from the other's own socket.
    await eventually(
      () =>
        JSON.stringify(answered.rtp?.stats.tonesHeard) === '[500]' &&
        JSON.stringify(talking.rtp?.stats.tonesHeard) === '[1200]',
    );
    expect(answered.rtp?.stats.receivedFrom).toEqual([`127.0.0.1:${talking.rtp?.port}`]);
    expect(talking.rtp?.stats.receivedFrom).toEqual([`127.0.0.1:${answered.rtp?.port}`]);
    // The called node shows the call in Active Calls, coming over the trunk from cm1.
    const active = await cm2.api.get<{ items: { legs: { deviceName: string }[] }[] }>(
      '/active-calls?device=SEP00C0FFEE1602',
    );
    expect(active.body.items[0]?.legs.map((leg) => leg.deviceName)).toEqual(['TRUNK_cm1', 'SEP00C0FFEE1602']);

    // Hold and resume across the trunk are re-INVITEs between the nodes, as with a SIP phone: the held
    // SCCP phone stops sending while held, and both hear each other again once resumed.
    const sent = talking.sentTo.length;
    expect(callee.hold()).toBe(true);
    await callee.waitFor((c) => c.state === 'hold');
    await eventually(() => talking.rtp?.stats.sendingTo === null);
    // The held phone hears music on hold from its own node.
    await eventually(() => cm1.node.calls.music.streams === 1);
    expect(callee.resume()).toBe(true);
    await callee.waitFor((c) => c.state === 'connected');
    await eventually(() => talking.sentTo.length > sent && talking.rtp?.stats.sendingTo !== null);
    talking.rtp?.clearHeard();
    answered.rtp?.clearHeard();
    await eventually(
      () =>
        JSON.stringify(answered.rtp?.stats.tonesHeard) === '[500]' &&
        JSON.stringify(talking.rtp?.stats.tonesHeard) === '[1200]',
    );

    callee.hangUp();
    await caller.waitFor((c) => c.state === CallStateCode.OnHook);
    await eventually(
      () => cm1.node.calls.service.activeCalls === 0 && cm2.node.calls.service.activeCalls === 0,
    );
    const [cdr] = await eventually(async () => {
      const cdrs = await cdrsOn(cm1, '4601');
      return cdrs.length > 0 ? cdrs : null;
    });
    expect(cdr).toMatchObject({
      finalCalledPartyNumber: '4602',
      origDeviceName: 'SEP00C0FFEE1601',
      destDeviceName: 'SEP00C0FFEE1602',
      origCause_value: 0,
      destCause_value: 16,
    });
    expect(cdr.dateTimeConnect).toBeGreaterThan(0);
    // cm1 wrote it; cm2 wrote none of its own (both read the one table).
    expect(await cdrsOn(cm2, '4601')).toHaveLength(1);
  }, 60_000);

  it('SIP on cm2 calls SCCP on cm1, each hears the other, the caller hangs up; a busy callee is busy across the trunk (486, cause 17)', async (ctx) => {
    if (!database) ctx.skip();
    const callee = await sccpPhone(cm1, '00C0FFEE1612', '4612', 800, true);
    const caller = await sipPhone(cm2, '00C0FFEE1611', '4611', 1700);
    await reachable(cm2, '4612', 'cm1');

    const placed = await caller.dial('4612');
    const talking = await callee.waitFor((c) => c.state === CallStateCode.Connected);
    await caller.waitFor((c) => c.state === 'connected');
    await eventually(
      () =>
        JSON.stringify(placed.rtp?.stats.tonesHeard) === '[800]' &&
        JSON.stringify(talking.rtp?.stats.tonesHeard) === '[1700]',
    );

    // A second call to it (call waiting) fills its line's busy trigger (2): a third caller finds it busy,
    // across the trunk as on one node (cm1 answers 486 with Reason cause 17).
    const third = await sipPhone(cm2, '00C0FFEE1613', '4613', 500);
    const fourth = await sipPhone(cm2, '00C0FFEE1614', '4614', 500);
    const second = await third.dial('4612');
    await eventually(
      () => second.state === 'connected' || second.state === 'ringing' || second.state === 'ended',
    );
    const busy = await fourth.dial('4612');
    await eventually(() => busy.state === 'ended');
    expect(busy.status).toBe(486);
    third.hangUp();

    caller.hangUp();
    await eventually(
      () => cm1.node.calls.service.activeCalls === 0 && cm2.node.calls.service.activeCalls === 0,
    );
    const cdrs = await eventually(async () => {
      const mine = [...(await cdrsOn(cm2, '4611')), ...(await cdrsOn(cm2, '4614'))];
      return mine.length >= 2 ? mine : null;
    });
    expect(
      cdrs.map((c) => [c.callingPartyNumber, c.destDeviceName, c.origCause_value, c.destCause_value]).sort(),
    ).toEqual([
      ['4611', 'SEP00C0FFEE1612', 16, 0],
      ['4614', 'TRUNK_cm1', 0, 17],
    ]);
    // The called node wrote none of these.
    expect((await cdrsOn(cm1, '4611')).length).toBe(1);
  }, 60_000);

  it('a forged trunk INVITE (wrong key, or none) gets 403, a log line naming its address, and a count; a replayed one 403 too', async (ctx) => {
    if (!database) ctx.skip();
    const socket = dgram.createSocket('udp4');
    closers.push(() => socket.close());
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    const answers: string[] = [];
    socket.on('message', (m) => answers.push(m.toString('latin1')));
    const invite = (auth: string) =>
      [
        `INVITE sip:4602@127.0.0.1:${cm2.node.ports.sip} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-forged-${answers.length};rport`,
        'Max-Forwards: 70',
        `From: <sip:4601@127.0.0.1>;tag=forged${answers.length}`,
        `To: <sip:4602@127.0.0.1>`,
        `Call-ID: forged-${answers.length}@127.0.0.1`,
        'CSeq: 1 INVITE',
        `Contact: <sip:openucm@127.0.0.1:${port}>`,
        auth,
        'X-Openucm-Call: cm1;call=1;leg=1',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const forged = `X-Openucm-Auth: node=cm1;ts=${Date.now()};mac=${Buffer.alloc(32, 1).toString('base64url')}`;
    for (const auth of [forged, 'Subject: no signature']) {
      const before = answers.length;
      socket.send(invite(auth), cm2.node.ports.sip!, '127.0.0.1');
      await eventually(() => answers.length > before && answers.at(-1)!.startsWith('SIP/2.0 403'));
    }
    const refusals = cm2.logs.filter(
      (l) =>
        l.limit === 'secretKeyFile' &&
        String(l.msg).startsWith(`refused a trunk INVITE from 127.0.0.1:${port}`),
    );
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(String(refusals[0].msg)).toContain('secret key file');
    const metricsText = async () =>
      (
        await fetch(`http://127.0.0.1:${cm2.node.ports.http}/metrics`, {
          headers: {
            authorization: `Basic ${Buffer.from('CCMAdministrator:test-password-1').toString('base64')}`,
          },
        })
      ).text();
    const metrics = await metricsText();
    expect(metrics).toMatch(/openucm_limit_refusals_total\{limit="secretKeyFile"\} 2/);
    expect(cm2.node.calls.service.activeCalls).toBe(0);

    // Signed with the cluster's key (every node here is at 127.0.0.1): routed, to a number that does not
    // exist (404, Reason cause 1). The same INVITE again, as a replay, is refused.
    const key = trunkKey(
      Buffer.from(fs.readFileSync(path.join(database!.dataDir, SECRET_KEY_FILE_NAME), 'utf8').trim(), 'hex'),
    );
    const signed = (branch: string) =>
      [
        `INVITE sip:4699@127.0.0.1:${cm2.node.ports.sip} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${branch};rport`,
        'Max-Forwards: 70',
        'From: <sip:4601@127.0.0.1>;tag=signed1',
        'To: <sip:4699@127.0.0.1>',
        'Call-ID: signed-1@127.0.0.1',
        'CSeq: 1 INVITE',
        `Contact: <sip:openucm@127.0.0.1:${port}>`,
        `X-Openucm-Auth: ${signTrunkRequest(key, { node: 'cm1', at: Date.now(), callId: 'signed-1@127.0.0.1', cseq: 1, fromTag: 'signed1' })}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const final = (before: number) =>
      eventually(() =>
        answers.slice(before).find((a) => /^SIP\/2\.0 [2-6]\d\d/.test(a) && !a.startsWith('SIP/2.0 100')),
      );
    let before = answers.length;
    socket.send(signed('first'), cm2.node.ports.sip!, '127.0.0.1');
    const unknown = await final(before);
    expect(unknown).toMatch(/^SIP\/2\.0 404/);
    expect(unknown).toMatch(/^Reason: Q\.850;cause=1;/m);
    before = answers.length;
    socket.send(signed('replay'), cm2.node.ports.sip!, '127.0.0.1');
    expect(await final(before)).toMatch(/^SIP\/2\.0 403/);
    // Counted (its log line folds into the one of the forgeries above: one per address per 10 s).
    expect(await metricsText()).toMatch(/openucm_limit_refusals_total\{limit="secretKeyFile"\} 3/);
  }, 30_000);

  it('the called node stops while its phone rings: the call ends there and the caller hears reorder (cause 27)', async (ctx) => {
    if (!database) ctx.skip();
    await sipPhone(cm2, '00C0FFEE1632', '4632', 500);
    const caller = await sccpPhone(cm1, '00C0FFEE1631', '4631', 800);
    await reachable(cm1, '4632', 'cm2');
    await caller.dial('4632');
    await caller.waitFor((c) => c.state === CallStateCode.RingOut);
    await cm2.stop();
    await caller.waitFor((c) => c.tone === ToneCode.Reorder);
    caller.hangUp();
    const [cdr] = await eventually(async () => {
      const cdrs = await cdrsOn(cm1, '4631');
      return cdrs.length > 0 ? cdrs : null;
    });
    expect(cdr).toMatchObject({ destDeviceName: 'TRUNK_cm2', destCause_value: 27 });
  }, 30_000);
});
