/**
 * What the server refuses, and how: writes (error 2), names outside the directory and missing files
 * (error 1, which phones rely on), obsolete mail mode (error 4).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/protocols/tftp/index.js';
import { startFixture } from './helpers/fixture.js';
import type { Fixture } from './helpers/fixture.js';
import { runClient } from './helpers/run-client.js';
import { exchange, tftpGet } from './helpers/udp-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.stop();
});

const tftpHpa = (...command: string[]) =>
  runClient('tftp', ['-m', 'binary', '127.0.0.1', String(fx.port), '-c', ...command], fx.outDir);

describe('writes', () => {
  it('refuses a put from tftp-hpa with error 2 "Access violation" and reports it', async () => {
    await writeFile(join(fx.outDir, 'upload.txt'), 'should never arrive');
    const run = await tftpHpa('put', 'upload.txt');
    expect(run.output).toContain('Error code 2: Access violation: this TFTP server is read-only');
    expect(fx.events).toContainEqual(
      expect.objectContaining({
        type: 'refused-write',
        file: 'upload.txt',
        peer: expect.objectContaining({ address: '127.0.0.1' }),
      }),
    );
  });

  it('refuses a WRQ with options the same way, from a transfer port', async () => {
    const replies = await exchange(
      fx.port,
      encodePacket({ type: 'wrq', fileName: 'x.bin', mode: 'octet', options: new Map([['tsize', '10']]) }),
    );
    expect(replies).toHaveLength(1);
    expect(replies[0].packet).toEqual({
      type: 'error',
      code: 2,
      message: 'Access violation: this TFTP server is read-only',
    });
    expect(replies[0].port).not.toBe(fx.port);
  });
});

describe('names outside the TFTP directory', () => {
  it.each(['../etc/passwd', '/etc/passwd', '..\\..\\etc\\passwd', 'C:\\boot.ini'])(
    'tftp-hpa get %s → error 1 "File not found"',
    async (name) => {
      const run = await tftpHpa('get', name, join(fx.outDir, 'stolen'));
      expect(run.output).toContain('Error code 1: File not found');
    },
  );

  it.each(['../etc/passwd', '/etc/passwd'])('curl --path-as-is %s → TFTP file not found', async (name) => {
    const run = await runClient(
      'curl',
      ['-s', '-S', '--path-as-is', `tftp://127.0.0.1:${fx.port}/${name}`, '-o', join(fx.outDir, 'stolen')],
      fx.outDir,
    );
    // 68 = CURLE_TFTP_NOTFOUND. (curl 7.88 then prints a misleading "getpeername() failed"; -v shows
    // "TFTP error: File not found".)
    expect(run.code).toBe(68);
  });

  it('a name with a NUL byte → error 1, reported as a refused name', async () => {
    const name = 'SEP001122AABBCC.cnf.xml\0../../etc/passwd';
    const result = await tftpGet(fx.port, name);
    expect(result).toMatchObject({ ok: false, code: 1, message: 'File not found' });
    expect(fx.events).toContainEqual(expect.objectContaining({ type: 'refused-name', file: name }));
  });

  it('reports traversal as refused-name and subdirectory paths as not-found', () => {
    expect(fx.events).toContainEqual(
      expect.objectContaining({ type: 'refused-name', file: '../etc/passwd' }),
    );
    expect(fx.events).toContainEqual(expect.objectContaining({ type: 'not-found', file: 'etc/passwd' }));
  });
});

describe('missing files and odd requests', () => {
  it('a missing file → exactly error 1 "File not found", with an event naming it', async () => {
    const result = await tftpGet(fx.port, 'CTLSEP001122AABBCC.tlv', { blksize: 1428, tsize: true });
    expect(result).toMatchObject({ ok: false, code: 1, message: 'File not found' });
    expect(fx.events).toContainEqual(
      expect.objectContaining({ type: 'not-found', file: 'CTLSEP001122AABBCC.tlv' }),
    );
  });

  it('mail mode → error 4', async () => {
    const replies = await exchange(
      fx.port,
      encodePacket({ type: 'rrq', fileName: 'a', mode: 'mail', options: new Map() }),
    );
    expect(replies.map((r) => r.packet)).toEqual([
      { type: 'error', code: 4, message: 'Illegal TFTP operation: mail mode is not supported' },
    ]);
  });

  it('no transfer is left behind', () => {
    expect(fx.server.activeTransfers).toBe(0);
  });
});
