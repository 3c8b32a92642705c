import { expect, it } from 'vitest';
import { rejectedEvent, repeatedEvent, unrecordableName } from './registration-event.js';
import { rejection } from './rejection.js';

it('a name longer than any device or SIP user, or unprintable, cannot be recorded', () => {
  expect(unrecordableName('SEP0011223344AA', 64)).toBeNull();
  expect(unrecordableName('sep0011223344aa', 64)).toBeNull();
  expect(unrecordableName('Jörg Müller', 64)).toBeNull();
  expect(unrecordableName('x'.repeat(64), 64)).toBeNull();
  expect(unrecordableName('x'.repeat(65), 64)).toBe('a name of 65 characters (at most 64)');
  for (const name of ['SEP\u0000', 'a\r\nb', 'tab\there', '\u202eevil', '\u2028', '\ud800'])
    expect(unrecordableName(name, 64), JSON.stringify(name)).toBe(
      'a name with characters that cannot be printed',
    );
});

it('a folded refusal starts with a count of 1 and is updated with its count and last time', () => {
  const where = {
    at: new Date('2026-11-25T10:00:00Z'),
    deviceName: 'SEP0011223344AA',
    protocol: 'SIP' as const,
    address: '10.0.0.9:5060',
    node: 'cm1',
  };
  const r = rejection('auto-registration-disabled', {
    deviceName: 'SEP0011223344AA',
    nodeName: 'cm1',
    protocol: 'SIP',
  });
  expect(rejectedEvent(where, r)).not.toHaveProperty('count');
  const first = rejectedEvent(where, r, 'k');
  expect(first).toMatchObject({ count: 1, lastAt: '2026-11-25T10:00:00.000Z', repeatKey: 'k' });
  expect(repeatedEvent(first, 7, new Date('2026-11-25T10:00:42Z'))).toMatchObject({
    at: '2026-11-25T10:00:00.000Z',
    count: 7,
    lastAt: '2026-11-25T10:00:42.000Z',
    repeatKey: 'k',
  });
});
