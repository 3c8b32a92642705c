/**
 * Issue 16, SIP: a 79x5 registered elsewhere sends its backup keep-alive REGISTERs (`Expires: 0`
 * and `;cisco-keep-alive` in Contact, sip-cisco.md §1.2/§1.5). The node answers 200 and leaves the
 * phone's registration alone: no binding removed, no unregistration, no registration event.
 */
import { afterAll, expect, it } from 'vitest';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { register, UdpPeer } from '../sip/helpers/raw-client.js';

let t: TestNode | undefined;
let peer: UdpPeer | undefined;
afterAll(async () => {
  peer?.close();
  await t?.destroy();
});

it('answers a backup keep-alive REGISTER 200 without touching the registration', async () => {
  const node = (t = await startTestNode());
  await node.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  const port = node.node.ports.sip!;
  const p = (peer = await new UdpPeer().open());
  const mac = '00bad0001606';
  const first = await p.exchange(register(p.port, 1, { mac }), port);
  expect(first).toMatch(/^SIP\/2\.0 200/);
  await node.node.statusWriter.flush();
  const device = 'SEP00BAD0001606';
  const events = async () =>
    (await node.api.get<{ items: unknown[] }>(`/registration-events?device=${device}`)).body.items.length;
  const before = await events();

  const keepAlive = register(p.port, 2, {
    mac,
    contacts: [
      `<sip:2000@127.0.0.1:${p.port}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>";+u.sip!model.ccm.cisco.com="7";expires=0;cisco-keep-alive`,
    ],
  }).replace('Expires: 3600', 'Expires: 0');
  expect(await p.exchange(keepAlive, port)).toMatch(/^SIP\/2\.0 200/);
  await node.node.statusWriter.flush();
  expect((await node.api.get<{ status: string }>(`/phones/${device}`)).body.status).toBe('registered');
  expect(await events()).toBe(before);
});
