/**
 * Real clients against the server: tftp-hpa (no options), atftp (blksize + tsize), curl (tsize, blksize,
 * timeout). Each fetches a small file, a block-size multiple and a multi-megabyte file byte-identical.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_NAME, EXACT_NAME, SMALL_NAME, startFixture } from './helpers/fixture.js';
import type { Fixture } from './helpers/fixture.js';
import { runClient } from './helpers/run-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.stop();
});

type Client = (name: string, out: string) => [string, string[]];
/** The options each client put in its RRQ, as observed (and asserted below). */
const sentOptions: Record<string, Record<string, unknown>> = {
  'tftp-hpa': {},
  atftp: { blksize: '1428', tsize: '0' },
  curl: { tsize: '0', blksize: '512', timeout: expect.stringMatching(/^\d+$/) },
  'curl --tftp-blksize 1428': { tsize: '0', blksize: '1428', timeout: expect.stringMatching(/^\d+$/) },
};
const clients: Record<string, Client> = {
  'tftp-hpa': (name, out) => ['tftp', ['-m', 'binary', '127.0.0.1', String(fx.port), '-c', 'get', name, out]],
  atftp: (name, out) => [
    'atftp',
    [
      '--option',
      'blksize 1428',
      '--option',
      'tsize 0',
      '-g',
      '-r',
      name,
      '-l',
      out,
      '127.0.0.1',
      String(fx.port),
    ],
  ],
  curl: (name, out) => ['curl', ['-s', '-S', `tftp://127.0.0.1:${fx.port}/${name}`, '-o', out]],
  'curl --tftp-blksize 1428': (name, out) => [
    'curl',
    ['-s', '-S', '--tftp-blksize', '1428', `tftp://127.0.0.1:${fx.port}/${name}`, '-o', out],
  ],
};

describe.each(Object.keys(clients))('%s', (clientName) => {
  it.each([SMALL_NAME, EXACT_NAME, BIG_NAME])('fetches %s byte-identical', async (name) => {
    const out = join(fx.outDir, `${clientName.replace(/\W+/g, '_')}-${name}`);
    const [command, args] = clients[clientName](name, out);
    const run = await runClient(command, args, fx.outDir);
    expect(run.output).not.toMatch(/error|timed out/i);
    expect(run.code).toBe(0);
    const fetched = await readFile(out);
    expect(fetched.length).toBe(fx.files[name].length);
    expect(fetched.equals(fx.files[name])).toBe(true);
    const started = fx.logs.filter((line) => line.msg === 'TFTP read started').at(-1);
    expect(started?.requestedOptions).toEqual(sentOptions[clientName]);
  });
});

describe('after the real clients', () => {
  it('reports started and completed reads with the peer, file and size', async () => {
    const peersFor = (type: string) =>
      fx.events
        .filter((e) => e.type === type && e.file === BIG_NAME)
        .map((e) => `${e.peer.address}:${e.peer.port}`);
    expect(peersFor('read-completed').sort()).toEqual(peersFor('read-started').sort());
    expect(peersFor('read-completed')).toHaveLength(Object.keys(clients).length);
    for (const event of fx.events.filter((e) => e.type === 'read-completed')) {
      expect(event.bytes).toBe(fx.files[event.file!].length);
      expect(event.peer.address).toBe('127.0.0.1');
    }
    expect(fx.server.activeTransfers).toBe(0);
  });

  it('matches names case-insensitively (phones ask OS79XX.TXT, disks hold os79xx.txt)', async () => {
    const out = join(fx.outDir, 'case.xml');
    const run = await runClient(
      'curl',
      ['-s', '-S', `tftp://127.0.0.1:${fx.port}/${SMALL_NAME.toLowerCase()}`, '-o', out],
      fx.outDir,
    );
    expect(run.code).toBe(0);
    expect((await readFile(out)).equals(fx.files[SMALL_NAME])).toBe(true);
  });
});
