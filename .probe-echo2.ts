import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSipp } from './bench/sip/sipp.js';
const N = 30000;
const K = Number(process.argv[2] ?? 1);
const L = Number(process.argv[3] ?? 200);
const sock = dgram.createSocket('udp4');
sock.on('message', (m, r) => {
  const s = m.toString('latin1');
  const lines = s.split('\r\n');
  let out = 'SIP/2.0 200 OK\r\n';
  for (const l of lines) { const c = l.charCodeAt(0); if (c===86||c===70||c===84||c===67 && (l.startsWith('Call-ID')||l.startsWith('CSeq'))) out += l + '\r\n'; }
  out += 'Content-Length: 0\r\n\r\n';
  sock.send(Buffer.from(out, 'latin1'), r.port, r.address);
});
await new Promise<void>((r) => sock.bind(25990, '127.0.0.1', () => r()));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'echo-'));
const csvs = Array.from({ length: K }, (_, k) => { const csv = path.join(dir, `p${k}.csv`); fs.writeFileSync(csv, 'SEQUENTIAL\n' + Array.from({ length: N / K }, (_, i) => { const mac = `0${k}ab${i.toString(16).padStart(7, '0')}`; return `SEP${mac.toUpperCase()};${mac};`; }).join('\n') + '\n'); return csv; });
const c0 = process.cpuUsage();
const t0 = Date.now();
const rs = await Promise.all(csvs.map((csv, k) => runSipp({ target: '127.0.0.1:25990', scenario: path.resolve('bench/sip/register.xml'), csv, calls: N / K, inFlight: L / K, runId: 'x', dir, localAddress: `127.0.0.${k + 1}`, cseq: 1, label: `e${k}` })));
const secs = (Date.now() - t0) / 1000;
const c = process.cpuUsage(c0);
console.log(`K=${K} L=${L}`, Math.round(N / Math.max(...rs.map(r => r.seconds))), 'sipp cpu', rs.map(r => r.sippCpuSeconds), 'node cpu', ((c.user + c.system) / 1e6).toFixed(2), 'wall', secs.toFixed(2));
sock.close();
