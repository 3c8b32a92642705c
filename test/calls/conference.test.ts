/**
 * Three-party ad hoc conference through a real node (issue #15): `openucm sim` phones, each sending
 * its own tone (500, 800, 1200 Hz). A calls B, presses Confrn, dials C, and presses Confrn again
 * once C answered; the node's bridge mixes them, and each phone hears the other two and not itself.
 * When C hangs up, A and B are joined directly and the bridge is released. Then the same with B a
 * SIP phone (a mixed conference). The CDRs say it as CUCM's do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallPlan } from '../../src/sim/phone.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { addSipDevice } from '../support/sip-call-phone.js';
import { trackedPhone } from '../sim/helpers.js';

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  destDeviceName: string;
  origCallTerminationOnBehalfOf: number;
  joinOnBehalfOf: number;
  destConversationId: number;
  comment: string;
}

let t: TestNode;
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

type Tracked = ReturnType<typeof trackedPhone>;

async function phone(mac: string, dn: string, protocol: 'SCCP' | 'SIP', calls: CallPlan): Promise<Tracked> {
  if (protocol === 'SCCP') await addSccpDevice(t.node, `SEP${mac}`, [dn]);
  else await addSipDevice(t.node, `SEP${mac}`, [dn]);
  const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip ?? 5060 };
  const tracked = trackedPhone({
    mac,
    model: '7960',
    tftp: null,
    direct,
    calls,
    ...(protocol === 'SIP' ? { load: 'P0S3-8-12-00' } : {}),
  });
  closers.push(() => tracked.phone.stop());
  tracked.phone.start();
  await tracked.reach('registered');
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber(dn));
  return tracked;
}

/** The phone's connected call hears exactly `tones` (its own never among them). */
function hears(p: Tracked, tones: number[], everyone: Tracked[]) {
  return eventually(
    () =>
      p.phone.snapshot.calls.some(
        (c) => c.state === 'connected' && JSON.stringify(c.media?.tonesHeard) === JSON.stringify(tones),
      ),
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(everyone.map((x) => x.phone.snapshot))}`);
  });
}

async function cdrs(count: number): Promise<Cdr[]> {
  return eventually(async () => {
    const items = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return items.length >= count ? items.reverse() : null;
  });
}

describe.each([
  { name: 'three SCCP phones', bProtocol: 'SCCP' as const, prefix: '1' },
  { name: 'an SCCP controller with a SIP party', bProtocol: 'SIP' as const, prefix: '2' },
])('Confrn: $name', ({ bProtocol, prefix }) => {
  it('each party hears the other two; when one leaves, the last two talk directly and the CDRs tell it', async () => {
    t = await startTestNode();
    const dn = (n: number) => `36${prefix}0${n}`;
    const mac = (n: number) => `00C0F${prefix}00000${n}`;
    const b = await phone(mac(2), dn(2), bProtocol, { answer: true, toneHz: 800 });
    const c = await phone(mac(3), dn(3), 'SCCP', { answer: true, toneHz: 1200 });
    const a = await phone(mac(1), dn(1), 'SCCP', {
      call: dn(2),
      toneHz: 500,
      transfer: { to: dn(3), blind: false, afterSeconds: 0.5, by: 'conference' },
    });
    const everyone = [a, b, c];
    await eventually(() => a.phone.snapshot.message === `Conference with ${dn(3)}`);
    await hears(a, [800, 1200], everyone);
    await hears(b, [500, 1200], everyone);
    await hears(c, [500, 800], everyone);
    // Each SCCP phone shows the conference as its other party (a SIP phone gets it in Remote-Party-ID).
    for (const p of bProtocol === 'SCCP' ? everyone : [a, c])
      expect(p.phone.snapshot.calls.find((call) => call.state === 'connected')?.remote?.name).toBe(
        'Conference',
      );

    // C leaves: A and B are joined directly, and hear each other alone.
    c.phone.stop();
    await hears(a, [800], everyone);
    await hears(b, [500], everyone);
    await eventually(() => t.node.calls.bridge.size === 0);

    const records = await cdrs(5);
    const bridgeNumber = records.find((r) => r.destDeviceName === 'CFB_1')?.finalCalledPartyNumber;
    expect(bridgeNumber).toMatch(/^b00\d{8}$/);
    const controller = `ConfControllerDn=${dn(1)};ConfControllerDeviceName=SEP${mac(1)}`;
    expect(
      records.map((r) => [
        r.callingPartyNumber,
        r.finalCalledPartyNumber,
        r.origCallTerminationOnBehalfOf,
        r.joinOnBehalfOf,
        r.destConversationId > 0,
        r.comment,
      ]),
    ).toEqual([
      // The original call and the consultation call end on behalf of the conference …
      [dn(1), dn(2), 4, 0, false, controller],
      [dn(1), dn(3), 4, 0, false, controller],
      // … C's call into the bridge ends when its phone goes away (cause 27, not a hang-up), then A's
      // and B's when the conference joins them directly.
      [dn(3), bridgeNumber, 0, 4, true, controller],
      [dn(1), bridgeNumber, 4, 4, true, controller],
      [dn(2), bridgeNumber, 4, 4, true, controller],
    ]);
  }, 90_000);
});
