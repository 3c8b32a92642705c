import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../message.js';
import { parseMessage } from '../parser.js';
import type { DeviceEntry } from '../registrar/binding-store.js';
import { BindingStore } from '../registrar/binding-store.js';
import { SipDeviceConnection } from '../registrar/sip-device-connection.js';
import type { SipFlow } from '../transport/flow.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import { registeredSender } from './caller.js';

function inviteFrom(user: string): SipRequest {
  const text =
    'INVITE sip:1002@node SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n' +
    `From: <sip:${user}@node>;tag=1\r\nTo: <sip:1002@node>\r\nCall-ID: c@h\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('bad fixture');
  return r.message;
}

function register(store: BindingStore, name: string, aor: string, flow: SipFlow): DeviceEntry {
  const actions = { reset: () => undefined, close: () => undefined, transport: () => undefined };
  const entry: DeviceEntry = store.device(name) ?? {
    name,
    model: '7960',
    connection: new SipDeviceConnection(name, `${flow.remoteAddress}:${flow.remotePort}`, actions),
    bindings: [],
    credential: null,
    registerCallId: `reg-${name}`,
    serverHost: 'node',
  };
  store.addDevice(entry);
  store.add({
    device: entry,
    aor,
    aorUri: `sip:${aor}@node`,
    key: `${aor}@${flow.remoteAddress}`,
    uri: `sip:${aor}@${flow.remoteAddress}`,
    text: '',
    callId: `reg-${name}-${aor}`,
    cseq: 1,
    expiresAt: Date.now() + 3_600_000,
    flow,
    removed: false,
  });
  return entry;
}

describe('registeredSender', () => {
  it('finds the device registered from the INVITE’s address and port, by its From user among its lines', () => {
    const store = new BindingStore(Date.now());
    const udp = new MemoryFlow('UDP', '10.0.0.1', 5060);
    register(store, 'SEP000000000001', '1001', udp);
    register(store, 'SEP000000000001', '1011', udp);
    register(store, 'SEP000000000002', '1002', new MemoryFlow('UDP', '10.0.0.1', 5062));
    expect(registeredSender(inviteFrom('1011'), udp, store)?.aor).toBe('1011');
    expect(registeredSender(inviteFrom('1001'), udp, store)?.aor).toBe('1001');
    // Another device behind the same address does not call as this one, nor this one as it.
    expect(registeredSender(inviteFrom('1002'), udp, store)?.device.name).toBe('SEP000000000001');
    expect(registeredSender(inviteFrom('1001'), new MemoryFlow('UDP', '10.0.0.1', 5064), store)).toBeNull();
  });

  it('knows nobody from another address, nor a TCP phone on another connection', () => {
    const store = new BindingStore(Date.now());
    const tcp = new MemoryFlow('TCP', '10.0.0.3', 40000, 7);
    register(store, 'SEP000000000003', '1003', tcp);
    expect(registeredSender(inviteFrom('1003'), new MemoryFlow('UDP', '10.0.0.9', 5060), store)).toBeNull();
    expect(
      registeredSender(inviteFrom('1003'), new MemoryFlow('TCP', '10.0.0.3', 40001, 8), store),
    ).toBeNull();
    expect(registeredSender(inviteFrom('anything'), tcp, store)?.device.name).toBe('SEP000000000003');
  });

  it('follows a phone whose refresh came from another port, and forgets one whose binding is gone', () => {
    const store = new BindingStore(Date.now());
    const first = new MemoryFlow('UDP', '10.0.0.4', 5060);
    const entry = register(store, 'SEP000000000004', '1004', first);
    const moved = new MemoryFlow('UDP', '10.0.0.4', 5070);
    store.setFlow(entry.bindings[0], moved);
    expect(registeredSender(inviteFrom('1004'), first, store)).toBeNull();
    expect(registeredSender(inviteFrom('1004'), moved, store)?.device.name).toBe('SEP000000000004');
    store.remove(entry.bindings[0]);
    expect(registeredSender(inviteFrom('1004'), moved, store)).toBeNull();
  });
});
