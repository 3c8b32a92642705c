import { describe, expect, it } from 'vitest';
import { chooseTool, majorVersion } from './postgres-backup.js';

const tool = (version: string) => ({
  path: `/usr/lib/postgresql/${version}/bin/pg_dump`,
  version,
  major: majorVersion(version)!,
});

describe('which pg_dump dumps a server', () => {
  it('reads the major version of a program or server', () => {
    expect(majorVersion('15.20 (Debian 15.20-0+deb12u1)')).toBe(15);
    expect(majorVersion('9.6.24')).toBe(9);
  });

  it('takes the first of at least the server major version', () => {
    expect(chooseTool('pg_dump', [tool('14.11'), tool('16.2'), tool('15.6')], 15).version).toBe('16.2');
  });

  it('names the package to install when every one found is older than the server', () => {
    expect(() => chooseTool('pg_dump', [tool('13.4'), tool('15.6')], 16)).toThrow(
      'pg_dump of PostgreSQL 16 or newer is needed for a PostgreSQL 16 server (only 13.4, 15.6 found): install postgresql-client-16',
    );
    expect(() => chooseTool('pg_dump', [], 15)).toThrow('(pg_dump not found): install postgresql-client-15');
  });
});
