import { EventEmitter } from 'node:events';

/** A change to who may do what, told once it is stored. */
export type AccessChange =
  | { kind: 'user-deleted'; user: string }
  /** The user's password changed: its sessions ended except `keptSession`; its Basic credentials are void. */
  | { kind: 'password-changed'; user: string; keptSession?: string }
  | { kind: 'role-changed'; user: string }
  | { kind: 'api-key-revoked'; id: string }
  | { kind: 'session-ended'; id: string };

/** What a request proved itself with: enough to tell whether a change ends it. */
export interface Credential {
  /** The user's name. */
  name: string;
  via: 'ui' | 'basic' | 'api-key';
  sessionId?: string;
  apiKeyId?: string;
}

/** True when `change` ends what `credential` may do (its session, key, password or user is gone). */
export function endsCredential(change: AccessChange, credential: Credential): boolean {
  switch (change.kind) {
    case 'user-deleted':
      return credential.name === change.user;
    case 'password-changed':
      return (
        credential.name === change.user &&
        (credential.via === 'basic' ||
          (credential.via === 'ui' && credential.sessionId !== change.keptSession))
      );
    case 'role-changed':
      // The role is read on every request; a read-only user may still watch everything.
      return false;
    case 'api-key-revoked':
      return credential.via === 'api-key' && credential.apiKeyId === change.id;
    case 'session-ended':
      return credential.via === 'ui' && credential.sessionId === change.id;
  }
}

/**
 * The node's announcements of access changes (a user deleted, a password changed, an API key
 * revoked, a session ended), so that whatever holds a credential open (an event stream, the
 * remembered Basic credentials) lets go at once.
 */
export class AccessChanges extends EventEmitter<{ change: [AccessChange] }> {
  constructor() {
    super();
    // One listener per open event stream.
    this.setMaxListeners(0);
  }

  tell(change: AccessChange): void {
    this.emit('change', change);
  }
}
