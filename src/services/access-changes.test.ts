import { describe, expect, it } from 'vitest';
import type { Credential } from './access-changes.js';
import { endsCredential } from './access-changes.js';

const session: Credential = { name: 'ops', via: 'ui', sessionId: 's1' };
const basic: Credential = { name: 'ops', via: 'basic' };
const key: Credential = { name: 'ops', via: 'api-key', apiKeyId: 'k1' };

describe('endsCredential', () => {
  it('ends everything of a deleted user, and nothing of another', () => {
    for (const c of [session, basic, key])
      expect(endsCredential({ kind: 'user-deleted', user: 'ops' }, c)).toBe(true);
    expect(endsCredential({ kind: 'user-deleted', user: 'other' }, session)).toBe(false);
  });

  it('ends Basic credentials and other sessions on a password change, not the session kept nor API keys', () => {
    const change = { kind: 'password-changed', user: 'ops', keptSession: 's1' } as const;
    expect(endsCredential(change, basic)).toBe(true);
    expect(endsCredential(change, { ...session, sessionId: 's2' })).toBe(true);
    expect(endsCredential(change, session)).toBe(false);
    expect(endsCredential(change, key)).toBe(false);
  });

  it('ends the one key revoked and the one session ended; a role change ends nothing', () => {
    expect(endsCredential({ kind: 'api-key-revoked', id: 'k1' }, key)).toBe(true);
    expect(endsCredential({ kind: 'api-key-revoked', id: 'k2' }, key)).toBe(false);
    expect(endsCredential({ kind: 'session-ended', id: 's1' }, session)).toBe(true);
    expect(endsCredential({ kind: 'session-ended', id: 's1' }, basic)).toBe(false);
    expect(endsCredential({ kind: 'role-changed', user: 'ops' }, session)).toBe(false);
  });
});
