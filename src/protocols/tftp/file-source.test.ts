import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockReader } from './block-reader.js';
import { DirectoryFileSource, bufferFile } from '../../services/file-source.js';
import type { TftpFile } from '../../services/file-source.js';

const PEER = { address: '127.0.0.1', port: 1 };

async function readAll(file: TftpFile): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < file.size; offset += 1000) parts.push(await file.read(offset, 1000));
  return Buffer.concat(parts);
}

describe('bufferFile', () => {
  it('serves slices of the buffer', async () => {
    const file = bufferFile(Buffer.from('0123456789'));
    expect(file.size).toBe(10);
    expect((await file.read(2, 3)).toString()).toBe('234');
    expect((await file.read(8, 100)).toString()).toBe('89');
    expect((await file.read(10, 5)).length).toBe(0);
    await file.close();
  });
});

describe('DirectoryFileSource', () => {
  let dir: string;
  let source: DirectoryFileSource;
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openucm-tftp-src-'));
    await writeFile(join(dir, 'SEP001122AABBCC.cnf.xml'), '<device/>');
    await writeFile(join(dir, 'term41.default.loads'), big);
    await writeFile(join(dir, 'dup.txt'), 'lower');
    await writeFile(join(dir, 'DUP.TXT'), 'upper');
    await mkdir(join(dir, 'firmware'));
    await writeFile(join(dir, 'firmware', 'inner.bin'), 'x');
    await symlink(join(dir, 'firmware'), join(dir, 'link-to-dir'));
    source = new DirectoryFileSource(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens a file by its exact name and reads it in chunks', async () => {
    const file = await source.open('term41.default.loads', PEER);
    expect(file?.size).toBe(big.length);
    expect((await readAll(file!)).equals(big)).toBe(true);
    await file!.close();
  });

  it('matches names case-insensitively, preferring the exact spelling', async () => {
    const file = await source.open('sep001122aabbcc.CNF.XML', PEER);
    expect((await file!.read(0, 100)).toString()).toBe('<device/>');
    await file!.close();
    for (const [name, content] of [
      ['dup.txt', 'lower'],
      ['DUP.TXT', 'upper'],
      ['Dup.Txt', 'upper'], // sorted: "DUP.TXT" < "dup.txt"
    ]) {
      const dup = await source.open(name, PEER);
      expect((await dup!.read(0, 10)).toString(), name).toBe(content);
      await dup!.close();
    }
  });

  it('answers null for missing files, directories and anything in a subdirectory', async () => {
    for (const name of [
      'missing.bin',
      'firmware',
      'link-to-dir',
      'firmware/inner.bin',
      '../openucm-outside.txt',
      '',
      '.',
      '..',
    ]) {
      expect(await source.open(name, PEER), name).toBeNull();
    }
  });

  it('answers null when the directory itself does not exist', async () => {
    expect(await new DirectoryFileSource(join(dir, 'nope')).open('a.txt', PEER)).toBeNull();
  });
});

describe('BlockReader', () => {
  it('cuts blocks, counts the final short or empty block, and reads ahead in chunks', async () => {
    const data = Buffer.from('abcdefghij');
    const reads: Array<[number, number]> = [];
    const inner = bufferFile(data);
    const file: TftpFile = { ...inner, read: (o, l) => (reads.push([o, l]), inner.read(o, l)) };
    const reader = new BlockReader(file, 4, 8);
    expect(reader.blockCount).toBe(3);
    expect((await reader.read(1)).toString()).toBe('abcd');
    expect((await reader.read(2)).toString()).toBe('efgh');
    expect((await reader.read(3)).toString()).toBe('ij');
    expect((await reader.read(1)).toString()).toBe('abcd'); // re-read after going back
    expect(reads).toEqual([
      [0, 8],
      [8, 2],
      [0, 8],
    ]);
    const exact = new BlockReader(bufferFile(Buffer.alloc(8)), 4);
    expect(exact.blockCount).toBe(3);
    expect((await exact.read(3)).length).toBe(0);
  });
});
