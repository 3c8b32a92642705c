import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AccessChanges } from '../services/access-changes.js';
import type { AuthenticationService, AuthSource } from '../services/authentication.js';
import { AuthenticationError } from '../services/authentication.js';
import type { Role } from '../store/user-repository.js';
import { ApiError } from './api-errors.js';

/** How a request proved who it is: the UI's session cookie, HTTP Basic, or an API key. */
export type AuthMethod = 'ui' | 'basic' | 'api-key';

export interface Principal {
  name: string;
  role: Role;
  via: AuthMethod;
  /** The session (hash of the cookie token) when `via` is `ui`. */
  sessionId?: string;
  /** The CSRF token every change must carry when `via` is `ui`. */
  csrfToken?: string;
  /** The API key's id when `via` is `api-key`. */
  apiKeyId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Name of the session cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'openucm_session';

const CACHE_MS = 60_000;

/**
 * Finds the principal of a request. An Authorization header wins (Basic for scripts, as CUCM's
 * AXL takes it; `Bearer <API key>`), then `X-API-Key`, then the UI's session cookie. Verified
 * Basic credentials are remembered for a minute by their SHA-256, and a burst of requests with the
 * same new credentials shares one check, so a script's burst does not pay scrypt per request.
 * Every password and key check is throttled per source address by the AuthenticationService.
 */
export class Authenticator {
  private readonly verified = new Map<string, { principal: Principal; until: number }>();
  private readonly checking = new Map<string, Promise<Principal>>();

  constructor(
    private readonly authentication: AuthenticationService,
    changes: AccessChanges,
  ) {
    // A password, role or user change makes remembered Basic credentials stale.
    changes.on('change', (change) => {
      if (change.kind !== 'api-key-revoked' && change.kind !== 'session-ended') this.verified.clear();
    });
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header?.startsWith('Basic ')) return this.basic(request, header);
    if (header?.startsWith('Bearer ')) return this.apiKey(request, header.slice(7).trim());
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string') return this.apiKey(request, apiKey.trim());
    if (header)
      throw new ApiError('unauthorized', 'unsupported Authorization scheme: use Basic or Bearer <API key>');
    const token = request.cookies?.[SESSION_COOKIE];
    if (token) {
      const session = await this.authentication.session(token);
      if (!session)
        throw new ApiError(
          'unauthorized',
          'your session has ended (signed out or idle too long): sign in again',
        );
      return { ...session.user, via: 'ui', sessionId: session.id, csrfToken: session.csrfToken };
    }
    throw new ApiError(
      'unauthorized',
      'sign in: use the web UI, HTTP Basic credentials of an openucm user (e.g. CCMAdministrator), or an API key',
    );
  }

  private async basic(request: FastifyRequest, header: string): Promise<Principal> {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = colon >= 0 ? decoded.slice(0, colon) : decoded;
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const source = { address: request.ip, door: 'basic' as const };
    this.authentication.admitPassword(name, source);
    const key = createHash('sha256').update(header).digest('hex');
    const cached = this.verified.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const pending = this.checking.get(key);
    if (pending) return pending;
    const check = this.checkBasic(name, password, source, key).finally(() => this.checking.delete(key));
    this.checking.set(key, check);
    return check;
  }

  private async checkBasic(
    name: string,
    password: string,
    source: AuthSource,
    key: string,
  ): Promise<Principal> {
    let identity;
    try {
      identity = await this.authentication.verifyPassword(name, password, source);
    } catch (error) {
      if (error instanceof AuthenticationError && error.kind === 'invalid-credentials')
        throw new ApiError('unauthorized', error.message);
      throw error;
    }
    const principal: Principal = { ...identity, via: 'basic' };
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(key, { principal, until: Date.now() + CACHE_MS });
    return principal;
  }

  private async apiKey(request: FastifyRequest, key: string): Promise<Principal> {
    const identity = await this.authentication.verifyApiKey(key, { address: request.ip, door: 'api-key' });
    if (!identity)
      throw new ApiError(
        'unauthorized',
        'the API key is unknown or was revoked (User Management > API Keys)',
      );
    return { name: identity.name, role: identity.role, via: 'api-key', apiKeyId: identity.keyId };
  }
}
