import { expect, it } from 'vitest';
import { KeepaliveSupervisor } from './keepalive-supervisor.js';

it('expires exactly the sessions that stayed silent past the timeout, once', () => {
  let now = 0;
  const supervisor = new KeepaliveSupervisor(65_000, () => now);
  const expired: string[] = [];
  const session = (name: string) => ({ lastSeen: 0, expired: () => expired.push(name) });
  const quiet = session('quiet');
  const chatty = session('chatty');
  supervisor.watch(quiet);
  supervisor.watch(chatty);
  now = 65_000;
  supervisor.sweep();
  expect(expired).toEqual([]);
  chatty.lastSeen = 60_000;
  now = 65_001;
  supervisor.sweep();
  expect(expired).toEqual(['quiet']);
  supervisor.sweep();
  expect(expired).toEqual(['quiet']);
  now = 125_001;
  supervisor.sweep();
  expect(expired).toEqual(['quiet', 'chatty']);
});

it('forgets sessions that were unwatched', () => {
  let now = 0;
  const supervisor = new KeepaliveSupervisor(1000, () => now);
  const s = { lastSeen: 0, expired: () => expect.unreachable('unwatched session expired') };
  supervisor.watch(s);
  supervisor.unwatch(s);
  now = 10_000;
  supervisor.sweep();
});
