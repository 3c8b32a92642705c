import http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { provisioningLimits } from '../../limits/tftp.js';
import { FOLD_MS, FoldedWarning, more } from '../../services/folded-warning.js';
import type { LimitReporter } from '../../services/limit-log.js';
import type { RenderedFile } from '../../services/provisioning-service.js';
import type { TftpFile, TftpFileSource } from '../../services/file-source.js';
import { normalizeRequestedName } from '../tftp/file-name.js';
import { ConnectionGuard } from './connection-guard.js';
import type { ConnectionLimits } from './connection-guard.js';

export interface ProvisioningHttpOptions extends Partial<ConnectionLimits> {
  host: string;
  port: number;
  /** Generated configuration files. */
  render(name: string, address: string): Promise<RenderedFile | null>;
  /** Firmware load files (the same source TFTP serves them from). */
  files: TftpFileSource;
  logger: Logger;
  /** Requests one connection may send ahead while an earlier one is answered. */
  maxQueuedRequests?: number;
  /** Told of every refusal at a limit (counted and logged once per source per interval). */
  limits?: LimitReporter;
}

/** Bytes read from a firmware file and written at a time. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The client is gone. A pipelined response waiting its turn is not yet attached to the connection
 * and hears nothing of its end: ask the connection too.
 */
function gone(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  return res.destroyed || req.socket.destroyed;
}

/** Resolves true once `res` can take more, false once its connection is gone (never waits forever). */
function writable(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  if (gone(req, res)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      req.socket.off('close', onClose);
      resolve(ok);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
    req.socket.once('close', onClose);
  });
}

/**
 * The provisioning files over HTTP on TCP 6970, where newer 79x1 loads look first before falling
 * back to TFTP (provisioning.md §5); the same names and the same refusals as TFTP. One request per
 * connection is answered at a time (pipelined ones wait their turn), so a connection holds one file
 * at most; the connection guard bounds connections and how long each may take.
 */
export class ProvisioningHttpServer {
  private readonly server: http.Server;
  private readonly guard: ConnectionGuard;
  private readonly maxQueued: number;
  /** Per connection: the requests received and not yet answered, and the end of the last one. */
  private readonly queues = new WeakMap<Socket, { waiting: number; last: Promise<void> }>();
  /** Names refused as outside the served files: any client can ask for thousands (a scanner). */
  private readonly refusedNames: FoldedWarning;

  constructor(private readonly options: ProvisioningHttpOptions) {
    const defaults = provisioningLimits;
    this.guard = new ConnectionGuard(
      {
        requestTimeoutSeconds:
          options.requestTimeoutSeconds ?? defaults.provisioningHttpRequestTimeoutSeconds.default,
        idleTimeoutSeconds: options.idleTimeoutSeconds ?? defaults.provisioningHttpIdleTimeoutSeconds.default,
        maxConnections: options.maxConnections ?? defaults.provisioningHttpMaxConnections.default,
        maxConnectionsPerAddress:
          options.maxConnectionsPerAddress ?? defaults.provisioningHttpMaxConnectionsPerAddress.default,
      },
      options.logger,
      options.limits,
      (socket) => (this.queues.get(socket)?.waiting ?? 0) > 0,
    );
    this.refusedNames = new FoldedWarning({
      logger: options.logger,
      now: Date.now,
      summary: (count, examples) =>
        `provisioning HTTP: refused ${more(count, 'request')} for a name outside the served files within ` +
        `${FOLD_MS / 1000} s (answered 404), e.g. ${examples.join(', ')}: phones never ask for such names; if you do ` +
        'not know these addresses, something is probing the node: block them at the firewall',
    });
    this.maxQueued = options.maxQueuedRequests ?? defaults.provisioningHttpMaxQueuedRequests.default;
    this.server = http.createServer(this.guard.serverOptions(), (req, res) => this.enqueue(req, res));
    this.guard.attach(this.server);
  }

  /** Connections open now. */
  get connections(): number {
    return this.guard.connections;
  }

  private enqueue(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    // Requests parsed from what arrived before the connection was closed or refused are not served.
    if (socket.destroyed || !this.guard.admitted(socket)) {
      res.destroy();
      return;
    }
    const queue = this.queues.get(socket) ?? { waiting: 0, last: Promise.resolve() };
    this.queues.set(socket, queue);
    if (queue.waiting >= this.maxQueued) {
      this.guard.reached(
        'provisioningHttpMaxQueuedRequests',
        socket,
        `HTTP provisioning connection from ${socket.remoteAddress ?? 'unknown'} closed: it sent more than ${this.maxQueued} requests ahead of the answers (--provisioning-http-max-queued-requests)`,
      );
      socket.destroy();
      return;
    }
    queue.waiting += 1;
    queue.last = queue.last.then(async () => {
      try {
        await this.answer(req, res);
      } finally {
        queue.waiting -= 1;
      }
    });
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // The connection went away while the request waited its turn: nothing to answer.
    if (gone(req, res)) return;
    try {
      await this.handle(req, res);
    } catch (error) {
      this.options.logger.error(
        { err: error, url: req.url?.slice(0, 300), peer: req.socket.remoteAddress },
        'provisioning HTTP request failed; answered 500',
      );
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // Closed at once: a request body nobody reads (a slow-body attack) holds nothing here.
      res.writeHead(405, { allow: 'GET, HEAD', connection: 'close' }).end();
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    let raw: string;
    try {
      raw = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      raw = '';
    }
    const name = normalizeRequestedName(raw);
    if (!name) {
      this.refusedNames.warn(
        { peer: address, file: raw.slice(0, 300) },
        'provisioning HTTP: refused a name outside the served files',
        `${address} (${raw.slice(0, 80)})`,
        address,
      );
      res.writeHead(404).end();
      return;
    }
    const rendered = await this.options.render(name, address);
    if (gone(req, res)) return;
    if (rendered) {
      res.writeHead(200, { 'content-type': rendered.contentType, 'content-length': rendered.content.length });
      res.end(req.method === 'HEAD' ? undefined : rendered.content);
      return;
    }
    const file = await this.options.files.open(name, { address, port: req.socket.remotePort ?? 0 });
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    try {
      await this.send(req, res, file);
    } finally {
      await file.close();
    }
  }

  /** Streams a firmware file; stops when the connection goes (the idle timeout closes a stalled one). */
  private async send(req: http.IncomingMessage, res: http.ServerResponse, file: TftpFile): Promise<void> {
    if (gone(req, res)) return;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.size });
    if (req.method === 'GET') {
      for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
        const chunk = await file.read(offset, CHUNK_BYTES);
        if (gone(req, res)) return;
        if (!res.write(chunk) && !(await writable(req, res))) return;
      }
    }
    res.end();
  }

  start(): Promise<number> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `cannot listen for HTTP provisioning on ${host}:${port} (${error.code ?? error.message}): choose another port with --provisioning-http-port / OPENUCM_PROVISIONING_HTTP_PORT`,
            { cause: error },
          ),
        );
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) =>
          this.options.logger.error({ err: error }, 'provisioning HTTP server error; still serving'),
        );
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  stop(): Promise<void> {
    this.refusedNames.flush();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
