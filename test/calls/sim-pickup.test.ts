/**
 * `openucm sim` phones pick up (issue #15): an SCCP phone with --pickup (PickUp key) and a SIP phone
 * with --group-pickup N (it dials *9N) answer a call ringing on another phone of the group; RTP
 * flows between the caller and the picker, and both screens show the call.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { addSipDevice } from '../support/sip-call-phone.js';
import { trackedPhone } from '../sim/helpers.js';
import type { CallPlan } from '../../src/sim/phone.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeAll(async () => {
  t = await startTestNode();
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

function simPhone(mac: string, calls: CallPlan, load?: string) {
  const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip! };
  const tracked = trackedPhone({ mac, model: '7960', tftp: null, direct, calls, ...(load ? { load } : {}) });
  closers.push(() => tracked.phone.stop());
  tracked.phone.start();
  return tracked;
}

async function pickupGroup(dn: string, group: string): Promise<void> {
  await t.node.store.lineSettings.setDnFeatures(dn, { pickupGroup: group });
  t.node.calls.dnFeatures.refresh();
  await t.node.calls.dnFeatures.settled();
}

type Tracked = ReturnType<typeof simPhone>;
const talkingTo = (p: Tracked, remote: string) =>
  eventually(() =>
    p.phone.snapshot.calls.find(
      (c) => c.state === 'connected' && c.remote?.number === remote && (c.media?.received ?? 0) > 10,
    ),
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(p.phone.snapshot)}`);
  });

it('an SCCP sim phone with --pickup, then a SIP sim phone with --group-pickup 80, answer calls ringing on B', async () => {
  for (const [mac, dn] of [
    ['00CC00000001', '3801'],
    ['00CC00000002', '3802'],
    ['00CC00000003', '3803'],
  ])
    await addSccpDevice(t.node, `SEP${mac}`, [dn]);
  await addSipDevice(t.node, 'SEP00CC00000011', ['3811']);
  await pickupGroup('3802', '80');
  await pickupGroup('3803', '80');
  const b = simPhone('00CC00000002', {});
  await b.reach('registered');
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('3802'));

  const a = simPhone('00CC00000001', { call: '3802' });
  await eventually(() => b.phone.snapshot.calls.find((c) => c.state === 'ring-in'));
  const c = simPhone('00CC00000003', { pickup: true });
  await talkingTo(c, '3801');
  await talkingTo(a, '3803');
  await eventually(() => b.phone.snapshot.calls.length === 0);
  a.phone.stop();
  await eventually(() => t.node.calls.service.activeCalls === 0);

  const a2 = simPhone('00CC00000001', { call: '3802' });
  await eventually(() => b.phone.snapshot.calls.find((call) => call.state === 'ring-in'));
  const p = simPhone('00CC00000011', { groupPickup: '80' }, 'P0S3-8-12-00');
  await eventually(() =>
    p.phone.snapshot.calls.find((call) => call.state === 'connected' && (call.media?.received ?? 0) > 10),
  );
  await talkingTo(a2, '3811');
  expect(b.phone.snapshot.calls).toEqual([]);
});
