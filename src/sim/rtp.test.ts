import dgram from 'node:dgram';
import { afterEach, expect, it } from 'vitest';
import { RtpStream } from './rtp.js';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

it('sends µ-law RTP every 20 ms with a real header, and counts what arrives and from where', async () => {
  const a = await RtpStream.open('127.0.0.1');
  const b = await RtpStream.open('127.0.0.1');
  const sniffer = dgram.createSocket('udp4');
  open.push(a, b, sniffer);
  const packets: Buffer[] = [];
  sniffer.on('message', (p) => packets.push(p));
  await new Promise<void>((resolve) => sniffer.bind({ address: '127.0.0.1', port: 0 }, resolve));
  a.start({ address: '127.0.0.1', port: sniffer.address().port });
  b.start({ address: '127.0.0.1', port: a.port });
  await expect.poll(() => packets.length >= 3 && a.stats.received >= 3).toBe(true);
  const [first, second] = packets;
  expect(first.length).toBe(12 + 160);
  expect(first[0]).toBe(0x80); // version 2
  expect(first[1] & 0x7f).toBe(0); // PT 0 PCMU
  expect(second.readUInt16BE(2)).toBe((first.readUInt16BE(2) + 1) & 0xffff);
  expect((second.readUInt32BE(4) - first.readUInt32BE(4)) >>> 0).toBe(160);
  expect(second.readUInt32BE(8)).toBe(first.readUInt32BE(8));
  expect(a.stats.receivedFrom).toEqual([`127.0.0.1:${b.port}`]);
  a.stop();
  expect(a.stats.sendingTo).toBeNull();
});
