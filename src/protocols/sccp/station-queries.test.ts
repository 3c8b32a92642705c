import { expect, it } from 'vitest';
import type { Device } from '../../core/device.js';
import { phoneModel } from '../../core/phone-models.js';
import { DEFAULT_MAX_FRAME_BYTES, HEADER_BYTES } from './codec/frame.js';
import { MessageId } from './codec/message-id.js';
import { decodeMessage } from './codec/sccp-message.js';
import { answerStationQuery } from './station-queries.js';

const device: Device = {
  name: 'SEP001122334455',
  model: '7940',
  protocol: 'SCCP',
  description: 'Lobby',
  lines: [{ index: 1, dn: '1000' }],
} as Device;

it('decodes and answers odd bodies of every size for any message id, without throwing', () => {
  const ids = [...Object.values(MessageId), 0x7777, 0xffffffff];
  const max = DEFAULT_MAX_FRAME_BYTES - HEADER_BYTES;
  const sizes = [0, 1, 3, 4, 5, 12, 13, 16, 20, 92, 100, 291, 292, 360, 780, max];
  // All ones (every count and length field at its largest), a byte pattern, and all zeros.
  const fills: ((i: number) => number)[] = [() => 0xff, (i) => (i * 37 + 11) & 0xff, () => 0];
  for (const messageId of ids) {
    for (const size of sizes) {
      for (const [f, fill] of fills.entries()) {
        const body = Buffer.alloc(size);
        for (let j = 0; j < size; j++) body[j] = fill(j);
        const message = decodeMessage({ headerVersion: 0, messageId, body });
        const answer = answerStationQuery(message, {
          device,
          model: phoneModel('7940'),
          agreedVersion: f % 2 ? 11 : 18,
          nodeName: 'cm1',
          serverPort: 2000,
          serverIpv4: '127.0.0.1',
          now: new Date(),
        });
        if (answer) expect(answer.body.length).toBeGreaterThan(0);
      }
    }
  }
});
