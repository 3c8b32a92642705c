/**
 * Kamailio as bench:sip-transports' reference: bench:sip's registrar (registrar + usrloc in memory,
 * 2 children) listening on UDP and TCP, and with the `tls` module (Debian: kamailio-tls-modules)
 * on TLS, TLS 1.2 and later, with a certificate made by openssl for the run — RSA 2048 and SHA-256,
 * as the openucm node makes its own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { kamailioModulesDir, startKamailio } from './kamailio.js';
import type { KamailioProcess } from './kamailio.js';

export interface KamailioTlsPorts {
  /** UDP and TCP. */
  sip: number;
  tls: number;
}

/** A self-signed RSA 2048 certificate for 127.0.0.1 in `dir`: the paths and the certificate's PEM. */
export function makeCertificate(dir: string): { key: string; cert: string; certPem: string } {
  const key = path.join(dir, 'kamailio-key.pem');
  const cert = path.join(dir, 'kamailio-cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-keyout', key, '-out', cert],
      ...['-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  return { key, cert, certPem: fs.readFileSync(cert, 'utf8') };
}

/** The configuration: REGISTER saved to usrloc whatever the transport; `maxConnections` TCP and TLS connections. */
export function kamailioTlsConfig(options: {
  ports: KamailioTlsPorts;
  modulesDir: string;
  key: string;
  cert: string;
  maxConnections: number;
  /** TCP/TLS worker processes (tcp_children). */
  tcpChildren: number;
}): string {
  const { ports } = options;
  return `#!KAMAILIO
# bench:sip-transports reference registrar (generated): usrloc in memory only (db_mode 0),
# stateless replies, on UDP, TCP and TLS (TLS 1.2+).
debug=0
log_stderror=yes
children=2
tcp_children=${options.tcpChildren}
auto_aliases=no
enable_tls=yes
tcp_max_connections=${options.maxConnections}
tls_max_connections=${options.maxConnections}
tcp_connection_lifetime=3605
listen=udp:127.0.0.1:${ports.sip}
listen=tcp:127.0.0.1:${ports.sip}
listen=tls:127.0.0.1:${ports.tls}
mpath="${options.modulesDir}"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("tls", "tls_method", "TLSv1.2+")
modparam("tls", "private_key", "${options.key}")
modparam("tls", "certificate", "${options.cert}")
modparam("tls", "verify_certificate", 0)
modparam("tls", "require_certificate", 0)
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", 60)
modparam("registrar", "max_expires", 3600)
request_route {
  if (is_method("REGISTER")) { save("location"); exit; }
  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("501", "Not Implemented");
}
`;
}

/** Starts Kamailio on `ports` with a new certificate in `dir`; resolves with the process and the certificate it presents. */
export function startKamailioTls(
  dir: string,
  ports: KamailioTlsPorts,
  maxConnections: number,
  tcpChildren: number,
): { kamailio: KamailioProcess; certPem: string } {
  const certificate = makeCertificate(dir);
  const modulesDir = kamailioModulesDir();
  if (!fs.existsSync(path.join(modulesDir, 'tls.so')))
    throw new Error(
      "Kamailio's tls module not found: install the Debian package kamailio-tls-modules (apt-get install -y kamailio-tls-modules)",
    );
  const kamailio = startKamailio(
    dir,
    ports.sip,
    () =>
      kamailioTlsConfig({
        ports,
        modulesDir,
        key: certificate.key,
        cert: certificate.cert,
        maxConnections,
        tcpChildren,
      }),
    // TLS connections keep OpenSSL state in shared memory.
    1024,
  );
  return { kamailio, certPem: certificate.certPem };
}
