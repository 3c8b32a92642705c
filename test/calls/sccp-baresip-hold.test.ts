/**
 * A real SIP user agent on the other side of an SCCP phone's hold: the simulator's SCCP phone calls
 * baresip (Debian baresip-core, auto-answer, a 440 Hz tone as its microphone) through the node,
 * holds (the node re-INVITEs baresip `a=inactive`) and resumes from a new receive port (the node
 * re-INVITEs baresip with it): baresip's RTP reaches the SCCP phone's new port, and the SCCP phone
 * sends to the port baresip sends from (symmetric RTP) both before and after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import { addSipDevice } from '../support/sip-call-phone.js';
import { runBaresip } from '../sip/helpers/baresip.js';

let t: TestNode;
let dir: string;
const closers: Array<() => void> = [];

beforeAll(async () => {
  // Hold without music (baresip gets a=inactive); music-on-hold.test.ts has the music.
  t = await startTestNode({ config: { mohMaxStreams: 0 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-baresip-hold-'));
  await addSipDevice(t.node, 'SEP00BA5E000022', ['3022']);
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  fs.rmSync(dir, { recursive: true, force: true });
  await t.destroy();
});

it('an SCCP phone holds and resumes a call with baresip: baresip’s RTP reaches the new port after resume', async () => {
  const baresip = runBaresip(
    dir,
    `<sip:SEP00BA5E000022@127.0.0.1:${t.node.ports.sip!};transport=udp>;regint=600;answermode=auto`,
    8,
    ['module ausine.so', 'audio_source ausine,440', 'ausrc_srate 48000', 'ausrc_channels 2'],
  );
  try {
    await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string }>('/phones/SEP00BA5E000022');
      return r.status === 200 && r.body.status === 'registered';
    });
    const sccp = await sccpCallPhone(t, 'SEP00AC00000021', ['3021'], closers);
    sccp.calls.dialEnbloc('3022');
    const call = await sccp.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
    await eventually(() => (call.rtp?.stats.received ?? 0) >= 5);
    const before = call.rtp!.stats;
    expect(before.receivedFrom).toHaveLength(1);
    // baresip's SDP names its host's interface while it sends from loopback: the ports match.
    const portOf = (target: string | undefined) => target?.split(':')[1];
    expect(portOf(call.sentTo.at(-1))).toBe(portOf(before.receivedFrom[0]));
    const firstPort = call.rtp!.port;

    expect(sccp.calls.hold()).toBe(true);
    await sccp.calls.waitFor((c) => c.state === CallStateCode.Hold && c.rtp === null);
    expect(sccp.calls.resume()).toBe(true);
    const resumed = await sccp.calls.waitFor(
      (c) => c.state === CallStateCode.Connected && c.rtp !== null && c.rtp.port !== firstPort,
    );
    // baresip answered both re-INVITEs and now sends to the new port; the phone sends back to it.
    await eventually(() => (resumed.rtp?.stats.received ?? 0) >= 5);
    expect(resumed.rtp!.stats.receivedFrom).toEqual(before.receivedFrom);
    expect(portOf(resumed.sentTo.at(-1))).toBe(portOf(before.receivedFrom[0]));

    sccp.calls.hangUp();
    await eventually(() => t.node.calls.service.activeCalls === 0);
    const output = await baresip.done;
    expect(output).toContain('Call established');
  } catch (error) {
    baresip.kill();
    throw new Error(`${(error as Error).message}; baresip printed:\n${await baresip.done}`, { cause: error });
  } finally {
    baresip.kill();
  }
});
