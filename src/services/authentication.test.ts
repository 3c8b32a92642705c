import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteDatabase } from '../../test/support/databases.js';
import type { TestDatabase } from '../../test/support/databases.js';
import { openDatabase } from '../store/database.js';
import { Store } from '../store/store.js';
import type { AuthenticationError } from './authentication.js';
import { AuthenticationService } from './authentication.js';
import { hashPassword } from './passwords.js';

describe('authentication: lock-out, session lifetimes, API keys', () => {
  let database: TestDatabase;
  let store: Store;
  let now: Date;
  let auth: AuthenticationService;
  const advance = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };

  beforeEach(async () => {
    database = await createSqliteDatabase();
    store = await Store.open(openDatabase(database));
    now = new Date('2026-11-25T10:00:00Z');
    auth = new AuthenticationService({ store, clock: () => now, logger: pino({ level: 'silent' }) });
    await store.users.createIfAbsent(
      { name: 'ops', passwordHash: await hashPassword('right-password'), role: 'read-only' },
      now,
    );
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const refusal = (password: string) =>
    auth.verifyPassword('ops', password, 'test').then(
      () => null,
      (e: unknown) => e as AuthenticationError,
    );

  it('locks after five failures even for the right password, and unlocks by itself after five minutes', async () => {
    for (let i = 0; i < 4; i++) expect((await refusal('wrong'))?.kind).toBe('invalid-credentials');
    const locked = await refusal('wrong');
    expect(locked?.kind).toBe('locked');
    expect(locked?.retryAt?.toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(locked?.message).toContain('try again in 5 minutes (at 10:05:00 UTC)');
    expect((await refusal('right-password'))?.kind).toBe('locked');
    advance(5.1);
    expect(await refusal('right-password')).toBeNull();
    expect((await store.users.account('ops'))?.failedLogins).toBe(0);
  });

  it('does not tell an unknown user from a wrong password', async () => {
    const unknown = await auth.verifyPassword('nobody', 'x', 'test').then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(unknown?.message).toBe('user name or password is wrong');
  });

  it('ends a session idle for 30 minutes, slides it while used, and caps it at 12 hours', async () => {
    const user = { name: 'ops', role: 'read-only' as const };
    const idle = await auth.startSession(user);
    advance(29);
    expect(await auth.session(idle.token)).not.toBeNull();
    advance(29);
    expect(await auth.session(idle.token)).not.toBeNull();
    advance(31);
    expect(await auth.session(idle.token)).toBeNull();

    const busy = await auth.startSession(user);
    for (let m = 0; m < 12 * 60 - 20; m += 20) {
      advance(20);
      expect(await auth.session(busy.token), `after ${m + 20} minutes`).not.toBeNull();
    }
    advance(25);
    expect(await auth.session(busy.token)).toBeNull();
    expect(await auth.session('not-a-token')).toBeNull();
  });

  it('verifies an API key by its secret and refuses a tampered one', async () => {
    const { key } = await auth.createApiKey('ops', 'script');
    expect(await auth.verifyApiKey(key)).toEqual({ name: 'ops', role: 'read-only' });
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await auth.verifyApiKey(tampered)).toBeNull();
    expect(await auth.verifyApiKey('oucm_nonsense')).toBeNull();
  });
});
