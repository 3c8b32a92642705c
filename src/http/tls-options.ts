import type https from 'node:https';
import type tls from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { TlsIdentity, TlsIdentitySource } from '../core/tls-identity.js';

/** TLS 1.2 is the oldest version the node accepts (RFC 8996 retired 1.0 and 1.1). */
export const MIN_TLS_VERSION: tls.SecureVersion = 'TLSv1.2';

/** The secure-context options of the node's HTTPS listener for `identity`. */
export function tlsServerOptions(identity: TlsIdentity): tls.SecureContextOptions {
  return { key: identity.key, cert: identity.cert, minVersion: MIN_TLS_VERSION };
}

/**
 * Puts each new identity of `source` into the HTTPS server of `app` (setSecureContext): the next
 * handshake presents it, connections already open keep theirs; no restart.
 */
export function followIdentity(app: FastifyInstance, source: TlsIdentitySource): void {
  const server = app.server as unknown as https.Server;
  const unsubscribe = source.onChange((identity) => server.setSecureContext(tlsServerOptions(identity)));
  app.addHook('onClose', async () => {
    unsubscribe();
  });
}
