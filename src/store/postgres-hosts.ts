/**
 * libpq's multi-host connection URIs, which node-postgres does not take:
 * `postgres://user@h1:5432,h2:5433/db` lists hosts to try in order (PostgreSQL docs, "Connection
 * Strings": "host1:123,host2:456"; a host without a port uses 5432). With
 * `target_session_attrs=read-write` libpq keeps the first host that accepts writes; openucm writes,
 * so that is the only rule it takes (`primary` means the same for it). This file only parses.
 */

/** One host of the list. */
export interface PostgresHost {
  host: string;
  port: number;
}

/** A parsed `--database-url`. */
export interface PostgresAddress {
  /** In the order given; at least one. */
  hosts: PostgresHost[];
  /** A single-host URL node-postgres takes, for `host` (credentials, database and options kept). */
  urlFor(host: PostgresHost): string;
  /** For logs: every host, the database and the user, never the password. */
  redacted: string;
}

const DEFAULT_PORT = 5432;
const SESSION_ATTRS = ['read-write', 'primary'];

/** "h:p" (IPv6 in brackets), as operators write it. */
export function hostLabel(h: PostgresHost): string {
  return `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
}

/**
 * Parses `postgres://[user[:password]@]host[:port][,host[:port]…][/database][?options]`; throws an
 * Error naming the part and the rule when the URL does not follow it.
 */
export function parsePostgresUrl(url: string): PostgresAddress {
  const match = /^(postgres(?:ql)?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(url);
  if (!match)
    throw new Error(
      'the database URL must read postgres://user@host[:port][,host[:port]…]/database (libpq syntax)',
    );
  const [, scheme, userinfo, hostList, pathPart = '', query = ''] = match;
  const items = hostList.split(',');
  // One empty host: node-postgres's default (localhost, or a socket named in the options).
  const hosts =
    items.length === 1 && items[0] === ''
      ? [{ host: 'localhost', port: DEFAULT_PORT }]
      : items.map((item, i) => parseHost(item, i + 1));
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs');
  if (attrs !== null && !SESSION_ATTRS.includes(attrs))
    throw new Error(
      `target_session_attrs=${attrs} is not supported: openucm writes to its database, so it always connects to the first writable host (read-write); leave the option out or set read-write`,
    );
  params.delete('target_session_attrs');
  const rest = params.toString();
  const tail = `${pathPart}${rest ? `?${rest}` : ''}`;
  const user = userinfo ? `${userinfo.split(':')[0]}@` : '';
  // One host and nothing to strip: the URL as given, so every option node-postgres takes still works.
  const single = hosts.length === 1 && attrs === null;
  return {
    hosts,
    urlFor: (h) =>
      single ? url : `${scheme}://${userinfo !== undefined ? `${userinfo}@` : ''}${hostLabel(h)}${tail}`,
    redacted: `${scheme}://${user}${hosts.map(hostLabel).join(',')}${pathPart}`,
  };
}

function parseHost(item: string, position: number): PostgresHost {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d*))?$/.exec(item);
  if (!m)
    throw new Error(
      `host ${position} of the database URL ("${item}") must be host or host:port (an IPv6 address in brackets)`,
    );
  const host = m[1] ?? m[2];
  const port = m[3] ? Number(m[3]) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`host ${position} of the database URL ("${item}"): the port must be 1–65535`);
  return { host, port };
}
