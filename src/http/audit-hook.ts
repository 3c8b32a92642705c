import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditInput, AuditTrail } from '../services/audit-trail.js';
import { isChange } from './guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Records a change of this request in the audit log (with who and how from the principal). */
    audit(input: AuditInput): Promise<void>;
    audited?: boolean;
  }
}

function plainBody(body: unknown): Record<string, unknown> | null {
  // Only parsed JSON objects: a streamed body (CSV import, uploads) is not a value to record.
  const plain = typeof body === 'object' && body !== null && Object.getPrototypeOf(body) === Object.prototype;
  return plain ? (body as Record<string, unknown>) : null;
}

/**
 * Every successful change is audited: routes call `request.audit()` with the values before and
 * after; a change whose route did not (a route added later) is still recorded from its method,
 * path and body, before the answer leaves.
 */
export function installAudit(app: FastifyInstance, trail: AuditTrail): void {
  app.decorateRequest('audit', async function (this: FastifyRequest, input: AuditInput) {
    const p = this.principal;
    if (!p) return;
    this.audited = true;
    await trail.record({ name: p.name, via: p.via }, input);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.audited || !isChange(request.method) || reply.statusCode >= 400 || !request.principal)
      return payload;
    const params = (request.params ?? {}) as Record<string, string>;
    await request.audit({
      action: request.method,
      target: request.routeOptions.url ?? request.url,
      targetName: Object.values(params).join('/'),
      before: null,
      after: plainBody(request.body),
    });
    return payload;
  });
}
