import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSqliteDatabase, useTestStore } from '../../test/support/databases.js';
import type { RegistrationRequest } from '../core/registration.js';
import { rejection } from '../core/rejection.js';
import type { Store } from '../store/store.js';
import { LimitLog } from './limit-log.js';
import { LiveEvents } from './live-events.js';
import { REFUSAL_WINDOW_MS, RefusalLog } from './refusal-log.js';
import { StatusWriter } from './status-writer.js';

const request: RegistrationRequest = {
  deviceName: 'SEP0011223344AA',
  protocol: 'SCCP',
  model: undefined,
  announcedModel: '7940',
  address: '10.1.2.3:50000',
};
const refused = rejection('auto-registration-disabled', {
  deviceName: request.deviceName,
  nodeName: 'cm1',
  protocol: 'SCCP',
});

describe('refusal log', () => {
  let store: Store;
  useTestStore({ create: createSqliteDatabase, available: async () => true }, (opened) => {
    store = opened;
  });

  function setUp() {
    let now = Date.parse('2026-11-25T12:00:00Z');
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const live = new LiveEvents();
    const pushes: number[] = [];
    live.on('registration-event', (_e, attempts = 1) => pushes.push(attempts));
    const writer = new StatusWriter(store, logger, 60_000);
    const log = new RefusalLog({
      statusWriter: writer,
      live,
      logger,
      limits: new LimitLog(logger, () => now),
      clock: () => new Date(now),
      nodeName: 'cm1',
      maxNameLength: 64,
      maxNamesPerAddress: 100,
      maxEventsPerMinute: 1000,
    });
    return { log, writer, lines, pushes, advance: (ms: number) => (now += ms) };
  }

  it('one event, one push and one log line for a minute of identical refusals, then the count', async () => {
    const { log, writer, lines, pushes, advance } = setUp();
    for (let i = 0; i < 500; i++) {
      log.rejected(request, refused);
      advance(10);
    }
    expect(pushes).toEqual([1]);
    expect(lines.map((l) => l.msg)).toEqual([
      `registration rejected: ${refused.message}. Remedy: ${refused.remedy}`,
    ]);
    log.tick();
    expect(pushes).toEqual([1, 499]);
    await writer.flush();
    expect(await store.events.list({ limit: 10 })).toMatchObject([{ count: 500, address: '10.1.2.3:50000' }]);

    advance(REFUSAL_WINDOW_MS);
    log.tick();
    expect(lines.at(-1)?.msg).toBe(
      'registration rejected 500 times in 5 s (auto-registration-disabled): SEP0011223344AA; one registration event with its count',
    );
    // The next refusal opens a new event.
    log.rejected(request, refused);
    await writer.flush();
    expect((await store.events.list({ limit: 10 })).map((e) => e.count)).toEqual([1, 500]);
  });

  it('records nothing for a name no device can have, and counts it', async () => {
    const { log, writer, lines, pushes } = setUp();
    log.rejected({ ...request, deviceName: 'x'.repeat(2048) }, refused);
    log.rejected({ ...request, deviceName: 'SEP\u0000\u0001' }, refused);
    await writer.flush();
    expect(await store.events.list({ limit: 10 })).toEqual([]);
    expect(pushes).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ limit: 'registrationMaxNameLength', address: '10.1.2.3' });
    expect(String(lines[0].msg)).toContain('a name of 2048 characters (at most 64)');
  });

  it('stop reports the counts not reported yet', async () => {
    const { log, writer, pushes } = setUp();
    log.rejected(request, refused);
    log.rejected(request, refused);
    log.stop();
    expect(pushes).toEqual([1, 1]);
    await writer.flush();
    expect(await store.events.list({ limit: 10 })).toMatchObject([{ count: 2 }]);
  });
});
