/**
 * baresip (Debian baresip-core) as a real TLS phone: it registers over SIP/TLS with the node's
 * certificate as its CA (Via SIP/2.0/TLS, Contact transport=tls), is called from a UDP phone over its
 * TLS connection, and unregisters on exit. Its Encrypted profile decides the call: refused (488) while
 * it requires SRTP of a caller that offers none, connected in RTP once it allows the fallback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { TestCertificate } from '../support/tls-identity.js';
import { makeCertificate, TestIdentitySource } from '../support/tls-identity.js';
import { addSipDevice, phoneSdp, SipCallPhone } from '../support/sip-call-phone.js';
import { runBaresip } from './helpers/baresip.js';
import type { SipResponse } from '../../src/protocols/sip/message.js';

let t: TestNode;
let dir: string;
let certificate: TestCertificate;

beforeAll(async () => {
  certificate = makeCertificate('openucm-baresip-tls');
  t = await startTestNode({ tlsIdentity: new TestIdentitySource(certificate) });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-baresip-tls-'));
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(certificate.dir, { recursive: true, force: true });
  await t?.destroy();
});

it('registers baresip over TLS (an Encrypted profile lets it in), calls it from a UDP phone over its TLS flow, and records its unregistration', async () => {
  await t.api.post('/phone-security-profiles', { name: 'Encrypted', deviceSecurityMode: 'encrypted' });
  const name = 'SEP00BA5E0000A1';
  expect(
    (
      await t.api.post('/phones', {
        name,
        model: 'ThirdPartySIP',
        protocol: 'SIP',
        lines: [{ index: 1, dn: '5001' }],
        securityProfile: 'Encrypted',
      })
    ).status,
  ).toBe(201);
  await addSipDevice(t.node, 'SEP00CA11000A02', ['5002']);
  const caller = await new SipCallPhone('00ca11000a02', '5002', t.node.ports.sip!).open();
  const port = t.node.ports.sipTls!;
  const baresip = runBaresip(
    dir,
    `<sip:${name}@127.0.0.1:${port};transport=tls>;regint=600;answermode=auto`,
    8,
    [
      `sip_cafile ${certificate.certFile}`,
      'module ausine.so',
      'audio_source ausine,440',
      'ausrc_srate 48000',
      'ausrc_channels 2',
    ],
  );
  try {
    expect((await caller.register()).status).toBe(200);
    await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string }>(`/phones/${name}`);
      return r.body.status === 'registered';
    });
    // Encrypted, fallback 'refuse' (the default): the plain caller is refused, with the reason.
    caller.invite('5001', phoneSdp(40_000));
    const refused = await caller.response('INVITE', 488);
    expect(refused.header('warning')).toMatch(/SRTP|encrypt/i);
    expect(
      (await t.api.patch('/phone-security-profiles/Encrypted', { mediaEncryptionFallback: 'rtp' })).status,
    ).toBe(200);
    // The node re-reads the profiles of its registered phones on the change notification: until it
    // has, a call may still be refused. The node's INVITE to baresip goes over baresip's TLS
    // connection (RFC 3261 §18: the flow it registered on).
    let call: { dialog: ReturnType<SipCallPhone['invite']>; ok: SipResponse } | undefined;
    for (let attempt = 0; !call && attempt < 20; attempt++) {
      const dialog = caller.invite('5001', phoneSdp(40_002 + 2 * attempt));
      const final = (await caller.next(
        (m) => m.kind === 'response' && m.cseq.method === 'INVITE' && m.status >= 200,
        'a final answer to INVITE',
      )) as SipResponse;
      if (final.status === 200) call = { dialog, ok: final };
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!call) throw new Error('the profile change never let the plain caller through');
    const { dialog, ok } = call;
    SipCallPhone.confirmed(dialog, ok);
    caller.ack(dialog);
    await eventually(() => t.node.calls.service.activeCalls === 1);
    caller.inDialog(dialog, 'BYE');
    await caller.response('BYE', 200);
    await eventually(() => t.node.calls.service.activeCalls === 0);
    const output = await baresip.done;
    expect(output).toContain('200 OK (openucm/');
    expect(output).toContain('Call established');
    await eventually(async () => {
      await t.node.statusWriter.flush();
      const r = await t.api.get<{ status: string }>(`/phones/${name}`);
      return r.body.status === 'unregistered';
    });
  } catch (error) {
    baresip.kill();
    throw new Error(`${(error as Error).message}; baresip printed:\n${await baresip.done}`, { cause: error });
  } finally {
    caller.close();
    baresip.kill();
  }
});
