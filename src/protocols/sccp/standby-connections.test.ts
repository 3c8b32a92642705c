import { expect, it } from 'vitest';
import { StandbyConnections } from './standby-connections.js';

function setup(max = 10, maxPerAddress = 2) {
  let now = 0;
  const refused: string[] = [];
  const standby = new StandbyConnections({
    keepaliveSeconds: 30,
    max,
    maxPerAddress,
    reporter: { reached: (limit) => refused.push(limit) },
    now: () => now,
  });
  const expired: string[] = [];
  const conn = (ip: string, name: string) => ({
    peerIp: ip,
    lastSeen: now,
    expired: () => expired.push(name),
  });
  return { standby, refused, expired, conn, advance: (ms: number) => (now += ms), at: () => now };
}

it('holds standby connections within the per-address and total limits, and reports a refusal', () => {
  const t = setup(3, 2);
  expect(t.standby.enter(t.conn('10.0.0.1', 'a'))).toBe(true);
  expect(t.standby.enter(t.conn('10.0.0.1', 'b'))).toBe(true);
  expect(t.standby.enter(t.conn('10.0.0.1', 'c'))).toBe(false);
  expect(t.standby.enter(t.conn('10.0.0.2', 'd'))).toBe(true);
  expect(t.standby.enter(t.conn('10.0.0.3', 'e'))).toBe(false);
  expect(t.refused).toEqual(['sccpMaxStandbyConnectionsPerAddress', 'sccpMaxStandbyConnections']);
  expect(t.standby.count).toBe(3);
});

it('closes a standby connection silent for three secondary keepalive intervals, not one that keeps alive', () => {
  const t = setup();
  const quiet = t.conn('10.0.0.1', 'quiet');
  const alive = t.conn('10.0.0.2', 'alive');
  t.standby.enter(quiet);
  t.standby.enter(alive);
  // RegisterAck announces 60 s for backups at a 30 s keepalive: 3 × 60 s (+ 5 s grace).
  expect(t.standby.timeoutSeconds).toBe(185);
  for (let s = 0; s < 180; s += 60) {
    t.advance(60_000);
    alive.lastSeen = t.at();
    t.standby.sweep();
  }
  expect(t.expired).toEqual([]);
  t.advance(6000);
  alive.lastSeen = t.at();
  t.standby.sweep();
  expect(t.expired).toEqual(['quiet']);
  t.standby.leave(quiet);
  expect(t.standby.count).toBe(1);
});
