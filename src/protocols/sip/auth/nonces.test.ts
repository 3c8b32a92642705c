import { expect, it } from 'vitest';
import { NonceManager } from './nonces.js';

function manager(time: { t: number }, secret = Buffer.alloc(32, 7)) {
  return new NonceManager({ now: () => time.t, lifetimeMs: 300_000, secret });
}

it('accepts a fresh nonce, and again with a higher nonce-count', () => {
  const time = { t: 1_000_000 };
  const n = manager(time);
  const nonce = n.issue();
  expect(n.check(nonce, { nc: 1, callId: 'a', cseq: 1 })).toBe('fresh');
  expect(n.check(nonce, { nc: 2, callId: 'a', cseq: 2 })).toBe('fresh');
});

it('calls a repeated nonce-count a replay (RFC 7616 §3.4)', () => {
  const time = { t: 1_000_000 };
  const n = manager(time);
  const nonce = n.issue();
  n.check(nonce, { nc: 3, callId: 'a', cseq: 1 });
  expect(n.check(nonce, { nc: 3, callId: 'a', cseq: 2 })).toBe('replay');
  expect(n.check(nonce, { nc: 2, callId: 'a', cseq: 3 })).toBe('replay');
});

it('without qop ties a nonce to its first Call-ID and a growing CSeq', () => {
  const time = { t: 1_000_000 };
  const n = manager(time);
  const nonce = n.issue();
  expect(n.check(nonce, { callId: 'line1', cseq: 10 })).toBe('fresh');
  expect(n.check(nonce, { callId: 'line1', cseq: 11 })).toBe('fresh');
  expect(n.check(nonce, { callId: 'line1', cseq: 11 })).toBe('replay');
  expect(n.check(nonce, { callId: 'attacker', cseq: 99 })).toBe('replay');
});

it('calls an expired nonce, or one another process issued, stale', () => {
  const time = { t: 1_000_000 };
  const n = manager(time);
  const nonce = n.issue();
  time.t += 300_001;
  expect(n.check(nonce, { nc: 1, callId: 'a', cseq: 1 })).toBe('stale');
  const other = manager(time, Buffer.alloc(32, 9)).issue();
  expect(n.check(other, { nc: 1, callId: 'a', cseq: 1 })).toBe('stale');
  expect(n.check('not-a-nonce', { nc: 1, callId: 'a', cseq: 1 })).toBe('stale');
});
