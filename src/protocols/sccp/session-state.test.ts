import { expect, it } from 'vitest';
import { sessionMove } from './session-state.js';

it('registers only from a fresh connection, and only through registering', () => {
  expect(sessionMove('awaiting-register', 'registering')).toBe('move');
  expect(sessionMove('registering', 'registered')).toBe('move');
  expect(sessionMove('awaiting-register', 'registered')).toBe('illegal');
  expect(sessionMove('registered', 'registering')).toBe('illegal');
  expect(sessionMove('closing', 'registered')).toBe('illegal');
});

it('ends from any state, and a second end is no news', () => {
  for (const from of ['awaiting-register', 'registering', 'registered'] as const) {
    expect(sessionMove(from, 'closing')).toBe('move');
    expect(sessionMove(from, 'closed')).toBe('move');
  }
  expect(sessionMove('closing', 'closed')).toBe('move');
  expect(sessionMove('closing', 'closing')).toBe('stay');
  expect(sessionMove('closed', 'closing')).toBe('stay');
  expect(sessionMove('closed', 'registering')).toBe('illegal');
});
