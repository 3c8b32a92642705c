import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSipp } from './bench/sip/sipp.js';
const N = 30000;
const sock = dgram.createSocket('udp4');
const mode = process.argv[2] ?? 'echo';
sock.on('message', (m, r) => {
  // minimal: copy the header lines a response needs
  const s = m.toString('latin1');
  const lines = s.split('\r\n');
  let out = 'SIP/2.0 200 OK\r\n';
  for (const l of lines) { const c = l.charCodeAt(0); if (c===86||c===70||c===84||c===67 && (l.startsWith('Call-ID')||l.startsWith('CSeq'))) out += l + '\r\n'; }
  out += 'Content-Length: 0\r\n\r\n';
  sock.send(mode === 'buf' ? Buffer.from(out, 'latin1') : out, r.port, r.address);
});
await new Promise<void>((r) => sock.bind(25990, '127.0.0.1', () => r()));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'echo-'));
const csv = path.join(dir, 'p.csv');
fs.writeFileSync(csv, 'SEQUENTIAL\n' + Array.from({ length: N }, (_, i) => { const mac = `00ab${i.toString(16).padStart(8, '0')}`; return `SEP${mac.toUpperCase()};${mac};`; }).join('\n') + '\n');
const r = await runSipp({ target: '127.0.0.1:25990', scenario: path.resolve('bench/sip/register.xml'), csv, calls: N, inFlight: 200, runId: 'x', dir, localAddress: '127.0.0.1', cseq: 1, label: 'echo' });
console.log(mode, Math.round(r.rate), r.failed, 'sipp cpu', r.sippCpuSeconds, 'seconds', r.seconds.toFixed(2), 'node cpu', (process.cpuUsage().user + process.cpuUsage().system) / 1e6);
sock.close();
