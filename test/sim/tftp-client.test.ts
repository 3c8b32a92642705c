import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TftpFetchError, tftpGet } from '../../src/sim/tftp-client.js';
import { startFileServer } from './tftp-server.js';
import type { FileServer } from './tftp-server.js';

describe('the phone TFTP client against the openucm TFTP server', () => {
  let server: FileServer;
  const big = randomBytes(512 * 40 + 17);
  const exact = randomBytes(512 * 3);

  beforeAll(async () => {
    server = await startFileServer({
      'XMLDefault.cnf.xml': '<Default/>',
      'P00308010200.sb2': big,
      'exact.bin': exact,
    });
  });
  afterAll(() => server.stop());

  it('reads small, block-multiple and multi-block files, with and without blksize', async () => {
    const at = { host: '127.0.0.1', port: server.port };
    expect((await tftpGet('XMLDefault.cnf.xml', at)).toString()).toBe('<Default/>');
    expect((await tftpGet('exact.bin', at)).equals(exact)).toBe(true);
    expect((await tftpGet('P00308010200.sb2', at)).equals(big)).toBe(true);
    expect((await tftpGet('P00308010200.sb2', { ...at, blockSize: 1468 })).equals(big)).toBe(true);
  });

  it('reports File not found as not-found, and a silent server as a timeout', async () => {
    const missing = await tftpGet('SEP001122334455.cnf.xml', { host: '127.0.0.1', port: server.port }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(TftpFetchError);
    expect((missing as TftpFetchError).kind).toBe('not-found');
    expect((missing as TftpFetchError).message).toContain('SEP001122334455.cnf.xml');
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const port = silent.address().port;
    const timeout = await tftpGet('x', { host: '127.0.0.1', port, timeoutMs: 50, retries: 2 }).catch(
      (e: unknown) => e,
    );
    silent.close();
    expect((timeout as TftpFetchError).kind).toBe('timeout');
    expect((timeout as TftpFetchError).message).toBe(`TFTP timeout reading x from 127.0.0.1:${port}`);
  });
});
