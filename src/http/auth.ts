import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { verifyPassword } from '../services/passwords.js';
import type { Role, UserRepository } from '../store/user-repository.js';
import { ApiError } from './api-errors.js';

export interface Principal {
  name: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const CACHE_MS = 60_000;

/**
 * HTTP Basic authentication (for scripts, as CUCM's AXL takes it). Verified credentials are
 * remembered for a minute by their SHA-256, so a script's burst does not pay scrypt per request.
 */
export class BasicAuthenticator {
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly users: UserRepository) {}

  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (!header || !header.startsWith('Basic ')) {
      throw new ApiError(
        'unauthorized',
        'sign in: send HTTP Basic credentials of an openucm user (e.g. CCMAdministrator)',
      );
    }
    const key = createHash('sha256').update(header).digest('hex');
    const cached = this.verified.get(key);
    const now = Date.now();
    if (cached && cached.until > now) return cached.principal;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = colon >= 0 ? decoded.slice(0, colon) : decoded;
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const user = await this.users.find(name);
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new ApiError('unauthorized', 'user name or password is wrong');
    }
    const principal = { name: user.name, role: user.role };
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(key, { principal, until: now + CACHE_MS });
    return principal;
  }

  /** Drops remembered credentials (after a password change). */
  forget(): void {
    this.verified.clear();
  }
}
