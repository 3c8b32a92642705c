/**
 * A database that refuses the node's status and event writes: the node keeps them, says it is
 * unhealthy (/api/v1/health 503 with why, a metric, a log line), and catches up once the database
 * accepts writes again.
 */
import SqliteDatabase from 'better-sqlite3';
import { expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';

it('reports itself unhealthy while registration events cannot be written, and catches up afterwards', async () => {
  const t = await startTestNode();
  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/health`);
    return {
      status: response.status,
      body: (await response.json()) as { status: string; problems?: string[] },
    };
  };
  const failingGauge = async () => {
    const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
    const text = await (
      await fetch(`http://127.0.0.1:${t.node.ports.http}/metrics`, { headers: { authorization: auth } })
    ).text();
    return /^openucm_database_writes_failing (\d)/m.exec(text)?.[1];
  };
  const station = new SccpStation({ deviceName: 'SEP00DE00000001', deviceType: 8 });
  const sideDoor = new SqliteDatabase(t.node.store.database.location);
  try {
    expect((await health()).status).toBe(200);
    sideDoor.exec(
      `CREATE TRIGGER refuse BEFORE INSERT ON registration_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    );
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register()).kind).toBe('registered');

    const unhealthy = await eventually(async () => {
      const h = await health();
      return h.status === 503 ? h.body : null;
    });
    expect(unhealthy.status).toBe('unhealthy');
    expect(unhealthy.problems?.[0]).toMatch(
      /cannot be written to the database .*database or disk is full.*check that the database/,
    );
    expect(await failingGauge()).toBe('1');
    expect(t.logs.some((l) => l.level === 50 && String(l.msg).startsWith('node unhealthy:'))).toBe(true);

    sideDoor.exec('DROP TRIGGER refuse');
    await eventually(async () => (await health()).status === 200, 20_000);
    expect(await failingGauge()).toBe('0');
    const events = await t.api.get<{ items: { outcome: string; reason: string }[] }>(
      '/registration-events?device=SEP00DE00000001',
    );
    expect(events.body.items).toEqual([
      expect.objectContaining({ outcome: 'accepted', reason: 'auto-registered' }),
    ]);
  } finally {
    sideDoor.close();
    station.destroy();
    await t.destroy();
  }
});
