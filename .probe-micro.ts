import pino from 'pino';
import { parseMessage } from './src/protocols/sip/parser.js';
import { RegistrarHarness } from './src/protocols/sip/registrar/registrar-harness.js';
import { SipCore } from './src/protocols/sip/sip-core.js';
import { ClientTransactionTable } from './src/protocols/sip/transaction/client-transactions.js';
import { ServerTransactionTable } from './src/protocols/sip/transaction/server-transactions.js';
import { MemoryFlow } from './src/protocols/sip/transport/memory-flow.js';
const h = new RegistrarHarness();
h.time = Date.now();
const core = new SipCore({ transactions: new ServerTransactionTable({ maxEntries: 50000 }), clients: new ClientTransactionTable(), registrar: h.registrar, logger: pino({ level: 'silent' }), serverName: 'openucm/0.1.0' });
const flow = new MemoryFlow('UDP');
const P = 1000;
function msg(i: number, cseq: number, branch: number): Buffer {
  const mac = `00ab${i.toString(16).padStart(8, '0')}`;
  const user = `SEP${mac.toUpperCase()}`;
  return Buffer.from(`REGISTER sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-12345-${branch}-0;rport\r\nFrom: <sip:${user}@127.0.0.1>;tag=${mac}${i}\r\nTo: <sip:${user}@127.0.0.1>\r\nCall-ID: ${i}-p0@bench\r\nCSeq: ${cseq} REGISTER\r\nContact: <sip:${user}@127.0.0.1:5061>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>";+u.sip!model.ccm.cisco.com="7"\r\nMax-Forwards: 70\r\nUser-Agent: Cisco-CP7960G/8.0\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n`);
}
for (let i = 0; i < P; i++) core.message(parseMessage(msg(i, 1, i)), flow);
await new Promise((r) => setTimeout(r, 200));
console.log('registered', h.registrar.bindings.size, flow.sent.length);
const msgs: Buffer[] = [];
const ROUNDS = 100;
for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < P; i++) msgs.push(msg(i, 2 + r, P + r * P + i));
flow.sent.length = 0;
const what = process.argv[2] ?? 'all';
const t0 = process.hrtime.bigint();
if (what === 'parse') { for (const m of msgs) parseMessage(m); }
else for (const m of msgs) core.message(parseMessage(m), flow);
const ns = Number(process.hrtime.bigint() - t0) / msgs.length;
console.log(what, 'ns/op', Math.round(ns), 'sent', flow.sent.length, flow.sent[flow.sent.length-1]?.toString().split('\r\n')[0]);
