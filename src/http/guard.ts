import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-errors.js';
import type { Authenticator } from './auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A change that any signed-in user may make about themselves (sign out, own password). */
    anyRole?: boolean;
  }
}

export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isChange(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

/**
 * Refuses a change that a browser sent on behalf of another site: an Origin that is not this
 * host, or Fetch Metadata saying cross-site. Scripts send neither header and pass.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new ApiError('forbidden', `refused a change sent from another site (Sec-Fetch-Site: ${site})`);
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = origin;
  }
  if (host !== request.headers.host) {
    throw new ApiError('forbidden', `refused a change sent from another origin (${origin})`);
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The hook in front of every protected route: who is it (401), is a change really from our UI
 * (CSRF, 403), and may this role make it (403; read-only users change nothing but themselves).
 */
export function guard(authenticator: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await authenticator.authenticate(request);
    request.principal = principal;
    if (!isChange(request.method)) return;
    assertSameOrigin(request);
    // Synchronizer token: the cookie rides along with any request the browser makes; the header does not.
    if (principal.via === 'ui') {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameToken(sent, principal.csrfToken)) {
        throw new ApiError(
          'forbidden',
          `refused a change without the CSRF token of your session (header ${CSRF_HEADER}); reload the page and try again`,
        );
      }
    }
    if (principal.role !== 'admin' && !request.routeOptions.config.anyRole) {
      throw new ApiError('forbidden', `user ${principal.name} is read-only and cannot change anything`);
    }
  };
}
