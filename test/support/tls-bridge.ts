/**
 * A TCP-to-TLS bridge for peers built without TLS (Debian's SIPp is compiled without OpenSSL:
 * "To use a TLS transport you must compile SIPp with OpenSSL"). The peer connects over TCP to the
 * bridge; the bridge connects over TLS to the node, verifying its certificate against `ca`, and
 * passes bytes both ways. The node sees a TLS connection, handshake and all.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface TlsBridge {
  port: number;
  /** Handshakes done with the node, with the version each negotiated. */
  versions: string[];
  close(): Promise<void>;
}

export async function startTlsBridge(target: { port: number; ca: string }): Promise<TlsBridge> {
  const sockets = new Set<net.Socket>();
  const versions: string[] = [];
  const server = net.createServer((plain) => {
    sockets.add(plain);
    const secure = tls.connect({
      host: '127.0.0.1',
      port: target.port,
      ca: target.ca,
      checkServerIdentity: () => undefined,
    });
    sockets.add(secure);
    secure.on('secureConnect', () => versions.push(secure.getProtocol() ?? '?'));
    plain.pipe(secure).pipe(plain);
    const end = () => {
      plain.destroy();
      secure.destroy();
    };
    plain.on('error', end).on('close', end);
    secure.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    versions,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
