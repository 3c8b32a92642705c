import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteDatabase } from '../../test/support/databases.js';
import type { TestDatabase } from '../../test/support/databases.js';
import type { LimitName } from '../limits/index.js';
import { openDatabase } from '../store/database.js';
import { Store } from '../store/store.js';
import type { AccessChange } from './access-changes.js';
import { AccessChanges } from './access-changes.js';
import { AuthThrottle } from './auth-throttle.js';
import type { AuthenticationError, AuthenticationPolicy, AuthSource } from './authentication.js';
import { AuthenticationService } from './authentication.js';
import { hashPassword } from './passwords.js';

const ATTACKER: AuthSource = { address: '10.0.0.66', door: 'basic' };
const OFFICE: AuthSource = { address: '10.0.0.5', door: 'sign-in' };

describe('authentication: throttle, lock-out per address, sessions, API keys', () => {
  let database: TestDatabase;
  let store: Store;
  let now: Date;
  let auth: AuthenticationService;
  let refusals: LimitName[];
  let changes: AccessChange[];
  const advance = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  const build = (policy: Partial<AuthenticationPolicy> = {}) => {
    const limits = { reached: (limit: LimitName) => void refusals.push(limit) };
    const told = new AccessChanges();
    told.on('change', (c) => changes.push(c));
    const clock = () => now;
    return new AuthenticationService(
      {
        store,
        clock,
        logger: pino({ level: 'silent' }),
        throttle: new AuthThrottle({ clock, limits, failuresPerAddress: 10 }),
        limits,
        changes: told,
      },
      policy,
    );
  };

  beforeEach(async () => {
    database = await createSqliteDatabase();
    store = await Store.open(openDatabase(database));
    now = new Date('2026-11-25T10:00:00Z');
    refusals = [];
    changes = [];
    auth = build();
    await store.users.createIfAbsent(
      { name: 'ops', passwordHash: await hashPassword('right-password'), role: 'read-only' },
      now,
    );
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const refusal = (password: string, source = ATTACKER, name = 'ops') =>
    auth.verifyPassword(name, password, source).then(
      () => null,
      (e: unknown) => e as AuthenticationError,
    );

  it('locks a user out from the address that failed five times, not from another one', async () => {
    for (let i = 0; i < 4; i++) expect((await refusal('wrong'))?.kind).toBe('invalid-credentials');
    const locked = await refusal('wrong');
    expect(locked?.kind).toBe('locked');
    expect(locked?.retryAt?.toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(locked?.message).toBe(
      'too many failed sign-ins as ops from your address 10.0.0.66: ops is locked out from there until 10:05:00 UTC (in 5 minutes); ' +
        'other addresses are not affected, and an administrator can unlock ops under User Management > Users',
    );
    expect((await refusal('right-password'))?.kind).toBe('locked');
    expect(await refusal('right-password', OFFICE)).toBeNull();
    expect(refusals).toContain('authFailuresPerUserAndAddress');
    advance(5.1);
    expect(await refusal('right-password')).toBeNull();
  });

  it('doubles the lock-out with each failure after it, and an administrator’s unlock forgets them all', async () => {
    for (let i = 0; i < 5; i++) await refusal('wrong');
    advance(5.1);
    expect((await refusal('wrong'))?.retryAt?.getTime()).toBe(now.getTime() + 10 * 60_000);
    expect(auth.lockoutsOf('ops')).toEqual([
      { address: '10.0.0.66', failures: 6, lockedUntil: new Date(now.getTime() + 10 * 60_000).toISOString() },
    ]);
    auth.unlock('ops');
    expect(auth.lockoutsOf('ops')).toEqual([]);
    expect(await refusal('right-password')).toBeNull();
  });

  it('makes an address that keeps failing wait, whatever the user name, before any password is hashed', async () => {
    // --auth-failures-per-address 10: the tenth failure starts the wait.
    for (let i = 0; i < 10; i++) await refusal('wrong', ATTACKER, `user${i}`);
    expect(auth.passwordChecks.wrong).toBe(10);
    const throttled = await refusal('right-password');
    expect(throttled?.kind).toBe('throttled');
    expect(throttled?.message).toBe(
      'too many failed sign-ins from your address 10.0.0.66: try again at 10:00:01 UTC (in 1 second)',
    );
    expect(auth.passwordChecks).toEqual({ right: 0, wrong: 10 });
    expect(refusals).toContain('authFailuresPerAddress');
    expect(await refusal('right-password', OFFICE)).toBeNull();
  });

  it('does not hash a name no user can have, and does not tell an unknown user from a wrong password', async () => {
    expect((await refusal('x', ATTACKER, 'a\nb'))?.message).toBe('user name or password is wrong');
    expect((await refusal('x', ATTACKER, 'x'.repeat(5000)))?.message).toBe('user name or password is wrong');
    expect(auth.passwordChecks.wrong).toBe(0);
    const unknown = await refusal('x', ATTACKER, 'nobody');
    const wrong = await refusal('x', ATTACKER, 'ops');
    expect(unknown?.message.replace('nobody', 'ops')).toBe(wrong?.message);
    expect(auth.passwordChecks.wrong).toBe(2);
  });

  it('checks at most the allowed passwords at once from one address; the others are refused at once', async () => {
    auth = build({ maxPasswordChecksPerAddress: 2 });
    const all = await Promise.all(Array.from({ length: 6 }, () => refusal('wrong')));
    expect(all.filter((e) => e?.kind === 'busy')).toHaveLength(4);
    expect(all.filter((e) => e?.kind === 'invalid-credentials')).toHaveLength(2);
    expect(auth.passwordChecks.wrong).toBe(2);
    expect(refusals).toEqual(Array(4).fill('authMaxPasswordChecksPerAddress'));
    expect(await refusal('right-password')).toBeNull();
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

  it('ends the oldest session of a user who signs in beyond the limit, and says so', async () => {
    auth = build({ maxSessionsPerUser: 2 });
    const user = { name: 'ops', role: 'read-only' as const };
    const first = await auth.startSession(user);
    advance(1);
    const second = await auth.startSession(user);
    advance(1);
    const third = await auth.startSession(user);
    expect(await auth.session(first.token)).toBeNull();
    expect(await auth.session(second.token)).not.toBeNull();
    expect(await auth.session(third.token)).not.toBeNull();
    expect(changes).toEqual([{ kind: 'session-ended', id: expect.any(String) }]);
  });

  it('verifies an API key by its secret, refuses a tampered one, and counts wrong keys per address', async () => {
    const { id, key } = await auth.createApiKey('ops', 'script');
    expect(await auth.verifyApiKey(key, OFFICE)).toEqual({ name: 'ops', role: 'read-only', keyId: id });
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await auth.verifyApiKey(tampered, ATTACKER)).toBeNull();
    // With the tampered one, ten failures: the tenth starts the wait.
    for (let i = 0; i < 9; i++) expect(await auth.verifyApiKey('oucm_nonsense', ATTACKER)).toBeNull();
    await expect(auth.verifyApiKey(key, ATTACKER)).rejects.toMatchObject({ kind: 'throttled' });
    expect(await auth.verifyApiKey(key, OFFICE)).not.toBeNull();
  });
});
