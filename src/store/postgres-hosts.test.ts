import { describe, expect, it } from 'vitest';
import { parsePostgresUrl } from './postgres-hosts.js';

describe('parsePostgresUrl (libpq multi-host URLs)', () => {
  it('lists the hosts in order, 5432 where no port is given, and makes one single-host URL per host', () => {
    const a = parsePostgresUrl('postgres://openucm:s3cret@db1:5433,db2,[::1]:5434/openucm?sslmode=disable');
    expect(a.hosts).toEqual([
      { host: 'db1', port: 5433 },
      { host: 'db2', port: 5432 },
      { host: '::1', port: 5434 },
    ]);
    expect(a.urlFor(a.hosts[1])).toBe('postgres://openucm:s3cret@db2:5432/openucm?sslmode=disable');
    expect(a.urlFor(a.hosts[2])).toBe('postgres://openucm:s3cret@[::1]:5434/openucm?sslmode=disable');
    expect(a.redacted).toBe('postgres://openucm@db1:5433,db2:5432,[::1]:5434/openucm');
  });

  it('takes target_session_attrs=read-write (or primary) and leaves it out of the URLs node-postgres gets', () => {
    const a = parsePostgresUrl('postgresql://u@h1:1,h2:2/db?target_session_attrs=read-write');
    expect(a.urlFor(a.hosts[0])).toBe('postgresql://u@h1:1/db');
    expect(
      parsePostgresUrl('postgres://u@h1/db?target_session_attrs=primary').urlFor({ host: 'h1', port: 5432 }),
    ).toBe('postgres://u@h1:5432/db');
  });

  it('keeps a single-host URL exactly as given', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/postgres?application_name=x';
    const a = parsePostgresUrl(url);
    expect(a.urlFor(a.hosts[0])).toBe(url);
  });

  it('refuses what it cannot honour, naming the part and the rule', () => {
    expect(() => parsePostgresUrl('postgres://u@h1,h2/db?target_session_attrs=read-only')).toThrow(
      /target_session_attrs=read-only is not supported: .*first writable host/,
    );
    expect(() => parsePostgresUrl('postgres://u@h1:5432,:5433/db')).toThrow(/host 2 of the database URL/);
    expect(() => parsePostgresUrl('postgres://u@h1:99999/db')).toThrow(/port must be 1–65535/);
    expect(() => parsePostgresUrl('mysql://u@h1/db')).toThrow(/postgres:\/\/user@host/);
  });
});
