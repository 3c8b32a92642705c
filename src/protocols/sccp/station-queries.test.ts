import { expect, it } from 'vitest';
import type { Device } from '../../core/device.js';
import { phoneModel } from '../../core/phone-models.js';
import { DEFAULT_MAX_FRAME_BYTES, HEADER_BYTES } from './codec/frame.js';
import { MessageId } from './codec/message-id.js';
import { decodeMessage } from './codec/sccp-message.js';
import { answerStationQuery } from './station-queries.js';

/** A small seeded generator: the same odd bodies on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const device: Device = {
  name: 'SEP001122334455',
  model: '7940',
  protocol: 'SCCP',
  description: 'Lobby',
  lines: [{ index: 1, dn: '1000' }],
} as Device;

it('decodes and answers any body a phone may send for any message id, without throwing', () => {
  const next = seeded(12);
  const ids = [...Object.values(MessageId), 0x7777, 0xffffffff];
  const max = DEFAULT_MAX_FRAME_BYTES - HEADER_BYTES;
  // Short and long bodies of all-ones (every count and length field at its largest), then random ones.
  const fixed = [0, 1, 3, 4, 5, 12, 13, 16, 20, 100, max];
  for (const messageId of ids) {
    for (let i = 0; i < fixed.length + 30; i++) {
      const random = i >= fixed.length;
      const size = random ? Math.floor(next() * (max + 1)) : fixed[i];
      const body = Buffer.alloc(size, 0xff);
      if (random) for (let j = 0; j < size; j++) body[j] = Math.floor(next() * 256);
      const message = decodeMessage({ headerVersion: 0, messageId, body });
      const answer = answerStationQuery(message, {
        device,
        model: phoneModel('7940'),
        agreedVersion: i % 2 ? 11 : 18,
        nodeName: 'cm1',
        serverPort: 2000,
        serverIpv4: '127.0.0.1',
        now: new Date(),
      });
      if (answer) expect(answer.body.length).toBeGreaterThan(0);
    }
  }
});
