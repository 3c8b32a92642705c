import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The built admin UI: web/dist, two levels above this file both in src/http and dist/http. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>openucm</title></head>
<body><h1>openucm</h1><p>The web UI is not built. Run <code>npm run build</code> (or <code>npm start</code>,
which builds first) and reload. The REST API answers under <a href="/api/v1/health">/api/v1</a>,
documented at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/metrics');
}

/**
 * Serves the admin UI from web/dist: hashed assets cached for a year, index.html never cached,
 * and index.html for any other page path (the UI routes in the browser: /phones/SEP…).
 */
export async function installWebUi(app: FastifyInstance, root = WEB_ROOT): Promise<void> {
  const built = fs.existsSync(path.join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: false,
      setHeaders(res, file) {
        res.header(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  const sendIndex = (reply: FastifyReply) => {
    if (!built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', root);
  };
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0];
    const lastSegment = url.slice(url.lastIndexOf('/') + 1);
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      !isApiPath(url) &&
      !lastSegment.includes('.')
    ) {
      return sendIndex(reply);
    }
    return reply.code(404).send({
      error: 'not-found',
      message: `no ${request.method} ${url} here; the API is described at /api/docs`,
    });
  });
}
