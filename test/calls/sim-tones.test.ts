/**
 * The simulator's test tones through a real node (the groundwork of the conference test): two
 * `openucm sim` SIP phones with --tone-hz 500 and 1200 call each other, and each one's screen lists
 * the other's tone as heard, never its own.
 */
import { afterAll, beforeAll, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSipDevice } from '../support/sip-call-phone.js';
import { trackedPhone } from '../sim/helpers.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeAll(async () => {
  t = await startTestNode();
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

it('openucm sim --tone-hz: each of two talking phones hears the other’s tone and not its own', async () => {
  await addSipDevice(t.node, 'SEP00C0FFEE0091', ['3091']);
  await addSipDevice(t.node, 'SEP00C0FFEE0092', ['3092']);
  const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip! };
  const sip = { model: '7960', tftp: null, direct, load: 'P0S3-8-12-00' };
  const callee = trackedPhone({ ...sip, mac: '00C0FFEE0092', calls: { answer: true, toneHz: 1200 } });
  closers.push(() => callee.phone.stop());
  callee.phone.start();
  await callee.reach('registered');
  const caller = trackedPhone({ ...sip, mac: '00C0FFEE0091', calls: { call: '3092', toneHz: 500 } });
  closers.push(() => caller.phone.stop());
  caller.phone.start();
  const hears = (p: typeof caller, tones: number[]) =>
    eventually(() =>
      p.phone.snapshot.calls.some(
        (c) => c.state === 'connected' && JSON.stringify(c.media?.tonesHeard) === JSON.stringify(tones),
      ),
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify([caller.phone.snapshot, callee.phone.snapshot])}`);
    });
  await hears(caller, [1200]);
  await hears(callee, [500]);
});
