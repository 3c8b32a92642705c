import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';

/** How a CLI command trusts the node's HTTPS certificate (docs/https.md). */
export interface TlsTrust {
  /** SHA-256 fingerprint of the node's certificate (hex, with or without ":"): trusted whoever issued it. */
  fingerprint?: string;
  /** PEM file of the certificate(s) to trust instead of the system's authorities. */
  caFile?: string;
}

export interface PlainResponse {
  status: number;
  text: string;
  location?: string;
}

/** "ab:cd…" or "abcd…" → "AB:CD:…", as Node and openssl print a fingerprint; null when it is not 32 bytes of hex. */
export function normalizeFingerprint(text: string): string | null {
  const hex = text
    .replace(/^sha256[:=]?/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** Opens a TLS connection and keeps it only if the node presents the certificate of `fingerprint`. */
function pinnedSocket(url: URL, fingerprint: string): Promise<tls.TLSSocket> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      // The fingerprint is the trust: the chain is not checked against any authority.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const presented = socket.getPeerCertificate().fingerprint256;
      if (presented !== fingerprint) {
        socket.destroy();
        reject(
          new Error(
            `the node presented a certificate with SHA-256 fingerprint ${presented}, not ${fingerprint}: check the fingerprint on the node's dashboard or log, or whether something is in between`,
          ),
        );
        return;
      }
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** One HTTP(S) request with a text answer; an https: URL is trusted as `trust` says. */
export async function requestText(
  url: URL,
  options: { method: string; headers: Record<string, string>; body?: string; trust?: TlsTrust },
): Promise<PlainResponse> {
  const { trust } = options;
  const headers = {
    ...options.headers,
    ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
  };
  let request: http.ClientRequest;
  if (url.protocol === 'https:') {
    const fingerprint = trust?.fingerprint ? normalizeFingerprint(trust.fingerprint) : undefined;
    if (trust?.fingerprint && !fingerprint)
      throw new Error(
        `--fingerprint / OPENUCM_TLS_FINGERPRINT: "${trust.fingerprint}" is not a SHA-256 fingerprint (64 hex digits, ":" between pairs allowed)`,
      );
    const socket = fingerprint ? await pinnedSocket(url, fingerprint) : undefined;
    request = https.request(url, {
      method: options.method,
      headers,
      minVersion: 'TLSv1.2',
      // Node uses createConnection only when no agent is given.
      ...(socket ? { createConnection: () => socket } : { agent: false }),
      ...(trust?.caFile && !socket ? { ca: fs.readFileSync(trust.caFile) } : {}),
    });
  } else {
    request = http.request(url, { method: options.method, headers, agent: false });
  }
  return new Promise((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          location: response.headers.location,
        }),
      );
    });
    request.end(options.body);
  });
}
