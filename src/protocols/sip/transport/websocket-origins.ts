/**
 * Which web pages may open SIP over WebSocket (`/sip`): a browser sends the page's origin in
 * `Origin` (RFC 6455 §4.1, §10.2), and a page on another site must not make a browser on the LAN
 * register to the node for it. Allowed: the node's own origins (its host names and addresses at
 * the HTTP port the request came to), the origins of the setting, and clients that send no Origin
 * (they are not browsers, e.g. JsSIP under Node).
 */
import os from 'node:os';
import { plainIp } from './flow.js';

/** `*` in the setting allows every origin. */
export const ANY_ORIGIN = '*';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * RFC 6454 §6.2: the ASCII serialisation of an origin, `scheme://host[:port]` in lower case, the default
 * port left out; null when `text` is not one (a path, a query, user info, another scheme, `null`).
 */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (!(url.protocol in DEFAULT_PORTS) || url.username !== '' || url.password !== '') return null;
  if (url.search !== '' || url.hash !== '' || !/^[a-z]+:\/\/[^/]+\/?$/i.test(text.trim())) return null;
  return url.origin;
}

/** The origins of the setting, checked: `*`, or each `scheme://host[:port]`; the first bad entry throws. */
export function parseOriginList(value: string | readonly string[]): string[] {
  const entries = (typeof value === 'string' ? value.split(',') : value)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  return entries.map((entry) => {
    if (entry === ANY_ORIGIN) return entry;
    const origin = normalizeOrigin(entry);
    if (origin === null)
      throw new Error(
        `"${entry}" is not an origin: write scheme://host[:port], e.g. https://softphone.example.com`,
      );
    return origin;
  });
}

/** Own host names and addresses are read again after this long (addresses change with DHCP). */
const OWN_HOSTS_TTL_MS = 60_000;

export class WebSocketOrigins {
  private readonly configured: ReadonlySet<string>;
  private ownHosts: Set<string> | undefined;
  private ownHostsAt = 0;

  constructor(configured: readonly string[]) {
    this.configured = new Set(configured);
  }

  /** Whether a WebSocket upgrade with `origin` (undefined: no Origin header) that arrived at `local` is allowed. */
  allows(origin: string | undefined, local: { address: string; port: number }, now = Date.now()): boolean {
    if (origin === undefined) return true;
    if (this.configured.has(ANY_ORIGIN)) return true;
    const normalized = normalizeOrigin(origin);
    if (normalized === null) return false;
    if (this.configured.has(normalized)) return true;
    const url = new URL(normalized);
    const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
    if (port !== local.port) return false;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    return host === plainIp(local.address).toLowerCase() || this.hosts(now).has(host);
  }

  /** The node's host names and the addresses of its interfaces. */
  private hosts(now: number): Set<string> {
    if (this.ownHosts === undefined || now - this.ownHostsAt > OWN_HOSTS_TTL_MS) {
      const hosts = new Set(['localhost', '127.0.0.1', '::1', os.hostname().toLowerCase()]);
      for (const list of Object.values(os.networkInterfaces()))
        for (const i of list ?? []) hosts.add(i.address.replace(/%.*$/, '').toLowerCase());
      this.ownHosts = hosts;
      this.ownHostsAt = now;
    }
    return this.ownHosts;
  }
}
