import http from 'node:http';
import type { Logger } from 'pino';
import type { TftpFileSource } from '../tftp/file-source.js';
import { normalizeRequestedName } from '../tftp/file-name.js';
import type { RenderedFile } from '../../services/provisioning-service.js';

export interface ProvisioningHttpOptions {
  host: string;
  port: number;
  /** Generated configuration files. */
  render(name: string, address: string): Promise<RenderedFile | null>;
  /** Firmware load files (the same source TFTP serves them from). */
  files: TftpFileSource;
  logger: Logger;
}

/**
 * The provisioning files over HTTP on TCP 6970, where newer 79x1 loads look first before falling
 * back to TFTP (provisioning.md §5); the same names and the same refusals as TFTP.
 */
export class ProvisioningHttpServer {
  private readonly server: http.Server;

  constructor(private readonly options: ProvisioningHttpOptions) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        options.logger.error({ err: error, url: req.url }, 'provisioning HTTP request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
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
      this.options.logger.warn(
        { peer: address, file: raw },
        'provisioning HTTP: refused a name outside the served files',
      );
      res.writeHead(404).end();
      return;
    }
    const rendered = await this.options.render(name, address);
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
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.size });
      if (req.method === 'GET') {
        for (let offset = 0; offset < file.size; offset += 64 * 1024) {
          const chunk = await file.read(offset, 64 * 1024);
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        }
      }
      res.end();
    } finally {
      await file.close();
    }
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
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
