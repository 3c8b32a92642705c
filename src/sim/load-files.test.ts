import { describe, expect, it } from 'vitest';
import { filesNamedIn, manifestOf } from './load-files.js';
import { macAt, normalizeMac } from './mac.js';

describe('load files and MACs', () => {
  it('lists the files a .loads manifest names, not itself', () => {
    const manifest = Buffer.from(
      'P0S3-8-12-00.loads\nP0S3-8-12-00.sb2 P003-8-12-00.sbn\0junk P003-8-12-00.bin\n',
    );
    expect(filesNamedIn(manifest, manifestOf('P0S3-8-12-00'))).toEqual([
      'P0S3-8-12-00.sb2',
      'P003-8-12-00.sbn',
      'P003-8-12-00.bin',
    ]);
    expect(filesNamedIn(Buffer.from('no files here'), 'X.loads')).toEqual([]);
  });

  it('counts MACs up in hex and refuses malformed ones', () => {
    expect(macAt('0011220000FF', 1)).toBe('001122000100');
    expect(normalizeMac('00:11:22:33:44:aa')).toBe('0011223344AA');
    expect(normalizeMac('0011')).toBeNull();
    expect(() => macAt('FFFFFFFFFFFF', 1)).toThrow(/past FFFFFFFFFFFF/);
  });
});
