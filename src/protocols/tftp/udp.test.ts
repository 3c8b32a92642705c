import { describe, expect, it } from 'vitest';
import { listenError } from './udp.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('listenError', () => {
  it('names the address, port, cause and the flag to change', () => {
    const error = listenError('0.0.0.0', 69, errno('EACCES'));
    expect(error.message).toMatch(
      /^cannot listen for TFTP on 0\.0\.0\.0:69 \(EACCES\): choose another port with --tftp-port or run with the needed privilege/,
    );
    expect(error.cause).toMatchObject({ code: 'EACCES' });
    expect(listenError('0.0.0.0', 69, errno('EADDRINUSE')).message).toMatch(
      /\(EADDRINUSE\).*tftpd-hpa.*--tftp-port/,
    );
    expect(listenError('10.9.9.9', 69, errno('EADDRNOTAVAIL')).message).toMatch(/--bind/);
    expect(listenError('::1', 6969, new Error('odd')).message).toMatch(
      /^cannot listen for TFTP on ::1:6969 \(unknown error\).*--tftp-port/,
    );
  });
});
