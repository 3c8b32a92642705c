import { describe, expect, it } from 'vitest';
import { nodeLiveness } from './node-liveness.js';

const at = Date.parse('2026-01-01T10:00:10.000Z');
const row = (heartbeatAt: string | null, downAt: string | null = null) => ({
  name: 'cm1',
  heartbeatAt,
  downAt,
  phonesRegistered: 12,
});

describe('nodeLiveness', () => {
  it('is up while the heartbeat is younger than the down-after time', () => {
    const l = nodeLiveness(row('2026-01-01T10:00:09.000Z'), at, 3000);
    expect(l).toMatchObject({ state: 'up', heartbeatAgeMs: 1000, phonesRegistered: 12 });
    expect(l.summary).toBe('cm1 is up: last heartbeat 1.0 s ago, 12 phones registered');
  });

  it('is silent past it, down once declared so, stopped without a heartbeat', () => {
    expect(nodeLiveness(row('2026-01-01T10:00:05.000Z'), at, 3000).state).toBe('silent');
    const down = nodeLiveness(row('2026-01-01T10:00:05.000Z', '2026-01-01T10:00:08.500Z'), at, 3000);
    expect(down).toMatchObject({ state: 'down', downSince: '2026-01-01T10:00:08.500Z' });
    expect(down.summary).toMatch(/phones are shown unregistered until they register elsewhere/);
    expect(nodeLiveness(row(null), at, 3000).state).toBe('stopped');
  });
});
