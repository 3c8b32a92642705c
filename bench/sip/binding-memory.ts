/**
 * Heap per binding of the SIP registrar alone (no database, no services): N phones register
 * through the real Registrar, then the heap is compared with the empty one. Run with
 * `node --expose-gc --import tsx bench/sip/binding-memory.ts [N]`; bench/sip/run.ts does.
 */
import pino from 'pino';
import { DigestPolicy } from '../../src/protocols/sip/auth/digest-policy.js';
import type { SipRequest } from '../../src/protocols/sip/message.js';
import { parseMessage } from '../../src/protocols/sip/parser.js';
import { Registrar } from '../../src/protocols/sip/registrar/registrar.js';
import { MemoryFlow } from '../../src/protocols/sip/transport/memory-flow.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const N = Number(process.argv[2] ?? 50_000);

function request(i: number): SipRequest {
  const mac = `00ab${i.toString(16).padStart(8, '0')}`;
  const user = `SEP${mac.toUpperCase()}`;
  const text =
    `REGISTER sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-${i};rport\r\n` +
    `From: <sip:${user}@127.0.0.1>;tag=${mac}1\r\nTo: <sip:${user}@127.0.0.1>\r\nCall-ID: ${i}-mem@bench\r\n` +
    `CSeq: 1 REGISTER\r\nContact: <sip:${user}@127.0.0.1:5061>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>";` +
    `+u.sip!model.ccm.cisco.com="7"\r\nMax-Forwards: 70\r\nUser-Agent: Cisco-CP7960G/8.0\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('bad request');
  return r.message;
}

const now = () => Date.now();
const registrar = new Registrar({
  registration: {
    register: async (r) => ({
      kind: 'accepted',
      autoRegistered: true,
      device: {
        name: r.deviceName,
        model: '7960',
        protocol: 'SIP',
        description: '',
        lines: [],
        loadId: null,
      },
    }),
    unregistered: () => undefined,
  },
  credentials: { byDevice: async () => null, byUsername: async () => null },
  digest: new DigestPolicy({ now }),
  recorder: { rejected: () => undefined },
  reporter: { reached: () => undefined },
  // No device here has credentials: nothing to throttle.
  authThrottle: { check: () => null, failed: () => undefined, succeeded: () => undefined },
  resetDevice: () => undefined,
  now,
  nodeName: 'cm1',
  warnAgent: 'bench',
  logger: pino({ level: 'silent' }),
});

const flow = new MemoryFlow('UDP');
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) {
  await new Promise<void>((resolve) => registrar.handle(request(i), flow, () => resolve()));
  flow.sent.length = 0;
}
gc();
const after = process.memoryUsage().heapUsed;
if (registrar.bindings.size !== N) throw new Error(`expected ${N} bindings, have ${registrar.bindings.size}`);
process.stdout.write(
  `${JSON.stringify({ bindings: N, heapBytesPerBinding: Math.round((after - before) / N) })}\n`,
);
