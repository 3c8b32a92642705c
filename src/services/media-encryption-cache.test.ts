import pino from 'pino';
import { expect, it } from 'vitest';
import type { MediaEncryption } from '../core/call/srtp.js';
import { LiveEvents } from './live-events.js';
import { MediaEncryptionCache } from './media-encryption-cache.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

it('reads a phone’s policy when it registers, re-reads it on a change, and forgets it when it leaves', async () => {
  const profiles = new Map<string, MediaEncryption>([['SEP000000000001', 'required']]);
  const live = new LiveEvents();
  const cache = new MediaEncryptionCache({
    source: { mediaEncryptionOf: async (name) => profiles.get(name) ?? 'off' },
    live,
    logger: pino({ level: 'silent' }),
  });
  // Not seen yet: no keys are passed for it.
  expect(cache.of('SEP000000000001')).toBe('off');
  cache.track('SEP000000000001');
  await settle();
  expect(cache.of('SEP000000000001')).toBe('required');

  profiles.set('SEP000000000001', 'preferred');
  live.emit('configuration-changed', { what: 'security-profile', name: 'Encrypted' });
  await settle();
  expect(cache.of('SEP000000000001')).toBe('preferred');

  profiles.set('SEP000000000001', 'off');
  live.emit('configuration-changed', { what: 'device', name: 'SEP000000000001' });
  await settle();
  expect(cache.of('SEP000000000001')).toBe('off');

  cache.untrack('SEP000000000001');
  profiles.set('SEP000000000001', 'required');
  live.emit('configuration-changed', { what: 'security-profile', name: 'Encrypted' });
  await settle();
  expect(cache.of('SEP000000000001')).toBe('off');
  cache.stop();
});

it('keeps the last policy it read when the database cannot answer', async () => {
  let failing = false;
  const live = new LiveEvents();
  const cache = new MediaEncryptionCache({
    source: {
      mediaEncryptionOf: async () => {
        if (failing) throw new Error('database down');
        return 'required';
      },
    },
    live,
    logger: pino({ level: 'silent' }),
  });
  cache.track('SEP000000000002');
  await settle();
  failing = true;
  live.emit('configuration-changed', { what: 'security-profile', name: 'x' });
  await settle();
  expect(cache.of('SEP000000000002')).toBe('required');
  cache.stop();
});
