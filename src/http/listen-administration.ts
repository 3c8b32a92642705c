import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { plainNetworkTexts } from '../config.js';
import { parseSubnet } from '../core/subnet.js';
import { advertisedAddress } from '../network.js';
import type { LimitReporter } from '../services/limit-log.js';
import { ConnectionCounter } from './connection-counter.js';
import { createRedirectServer } from './https-redirect.js';

/** The administration listeners of a node and the ports they took. */
export interface AdministrationListeners {
  /** Plain HTTP (absent with --http-mode off). */
  http?: number;
  /** HTTPS (absent with --http-mode serve). */
  https?: number;
  stop(): Promise<void>;
}

type ListenSettings = Pick<
  Config,
  | 'bind'
  | 'httpPort'
  | 'httpsPort'
  | 'httpMode'
  | 'httpPlainNetworks'
  | 'advertiseAddress'
  | 'httpRequestTimeoutSeconds'
  | 'httpHeadersTimeoutSeconds'
  | 'httpKeepAliveTimeoutSeconds'
  | 'httpIdleTimeoutSeconds'
  | 'httpMaxConnections'
  | 'httpMaxConnectionsPerAddress'
>;

/**
 * Opens the administration: `app` on HTTPS (or on plain HTTP with --http-mode serve), and with
 * --http-mode redirect a plain listener that sends browsers to HTTPS but still answers /healthz
 * and /readyz. A port that cannot be taken names the setting to change.
 */
export async function listenAdministration(
  app: FastifyInstance,
  config: ListenSettings,
  logger: Logger,
  limits: LimitReporter,
): Promise<AdministrationListeners> {
  if (config.httpMode === 'serve') {
    logger.warn(
      { httpMode: 'serve' },
      'the administration is served over plain HTTP (--http-mode serve): keep a TLS-terminating proxy in front of the node, or passwords and session cookies cross the network in clear',
    );
    await listen(
      () => app.listen({ host: config.bind, port: config.httpPort }),
      config.bind,
      config.httpPort,
      'HTTP',
      '--http-port / OPENUCM_HTTP_PORT',
    );
    return { http: portOf(app.server), stop: () => app.close() };
  }
  await listen(
    () => app.listen({ host: config.bind, port: config.httpsPort }),
    config.bind,
    config.httpsPort,
    'HTTPS',
    '--https-port / OPENUCM_HTTPS_PORT',
  );
  const httpsPort = portOf(app.server);
  if (config.httpMode === 'off') return { https: httpsPort, stop: () => app.close() };
  const address = advertisedAddress(config);
  const redirect = createRedirectServer({
    app,
    httpsPort: () => httpsPort,
    plainNetworks: plainNetworkTexts(config.httpPlainNetworks).map(parseSubnet),
    fallbackHost: address.includes(':') ? `[${address}]` : address,
    requestTimeoutMs: config.httpRequestTimeoutSeconds * 1000,
    headersTimeoutMs: config.httpHeadersTimeoutSeconds * 1000,
    keepAliveTimeoutMs: config.httpKeepAliveTimeoutSeconds * 1000,
    idleTimeoutMs: config.httpIdleTimeoutSeconds * 1000,
  });
  // The plain port's connections are capped as the HTTPS port's are (their own count).
  new ConnectionCounter(
    { perAddress: config.httpMaxConnectionsPerAddress, total: config.httpMaxConnections },
    limits,
  ).attach(redirect);
  try {
    await listen(
      () =>
        new Promise<void>((resolve, reject) => {
          redirect.once('error', reject);
          redirect.listen({ host: config.bind, port: config.httpPort }, () => {
            redirect.off('error', reject);
            resolve();
          });
        }),
      config.bind,
      config.httpPort,
      'HTTP',
      '--http-port / OPENUCM_HTTP_PORT, or --http-mode off',
    );
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    http: portOf(redirect),
    https: httpsPort,
    stop: async () => {
      await closeServer(redirect);
      await app.close();
    },
  };
}

async function listen(
  open: () => Promise<unknown>,
  bind: string,
  port: number,
  what: string,
  setting: string,
): Promise<void> {
  try {
    await open();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(
      `cannot listen for ${what} on ${bind}:${port} (${code}): choose another port with ${setting}`,
      {
        cause: error,
      },
    );
  }
}

function portOf(server: Pick<Server, 'address'>): number {
  const address = server.address();
  if (address && typeof address === 'object') return address.port;
  throw new Error('the administration server has no port');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
