import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ConfigError, envName, loadConfig } from './config.js';

it('has the documented defaults', () => {
  expect(loadConfig({})).toMatchObject({
    bind: '0.0.0.0',
    httpPort: 8080,
    sccpPort: 2000,
    sipPort: 5060,
    tftpPort: 69,
    dataDir: './data',
    nodeName: 'cm1',
  });
});

it('layers file < environment < flags', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'openucm.json');
  fs.writeFileSync(file, JSON.stringify({ httpPort: 9000, sccpPort: 9001, nodeName: 'from-file' }));
  const config = loadConfig({
    file,
    env: { OPENUCM_SCCP_PORT: '9002', OPENUCM_NODE_NAME: 'from-env' },
    flags: { nodeName: 'from-flag' },
  });
  expect(config).toMatchObject({ httpPort: 9000, sccpPort: 9002, nodeName: 'from-flag' });
});

it('names the flag and the variable of a bad value', () => {
  expect(() => loadConfig({ env: { OPENUCM_HTTP_PORT: '70000' } })).toThrow(ConfigError);
  expect(() => loadConfig({ env: { OPENUCM_HTTP_PORT: '70000' } })).toThrow(
    /--http-port \/ OPENUCM_HTTP_PORT/,
  );
  expect(() => loadConfig({ flags: { nodeName: 'bad name!' } })).toThrow(/--node-name/);
});

it('maps keys to OPENUCM_* variables', () => {
  expect(envName('provisioningHttpPort')).toBe('OPENUCM_PROVISIONING_HTTP_PORT');
  expect(envName('databaseUrl')).toBe('OPENUCM_DATABASE_URL');
});

it('takes call pickup codes that no DN can be, and refuses two where one begins the other', () => {
  expect(loadConfig({ flags: { callPickupCode: '*77', groupCallPickupCode: '*78' } })).toMatchObject({
    callPickupCode: '*77',
    groupCallPickupCode: '*78',
  });
  expect(() => loadConfig({ flags: { callPickupCode: '8' } })).toThrow(/--call-pickup-code/);
  expect(() => loadConfig({ flags: { callPickupCode: '*8', groupCallPickupCode: '*81' } })).toThrow(
    /neither may begin the other/,
  );
});

it('serves the administration over HTTPS on 8443 by default, plain HTTP redirecting (docs/https.md)', () => {
  expect(loadConfig({})).toMatchObject({ httpsPort: 8443, httpMode: 'redirect' });
  expect(loadConfig({ env: { OPENUCM_HTTP_MODE: 'serve' } }).httpMode).toBe('serve');
  expect(() => loadConfig({ env: { OPENUCM_HTTP_MODE: 'tls' } })).toThrow(
    /--http-mode \/ OPENUCM_HTTP_MODE: .*redirect.*off.*serve/,
  );
  expect(loadConfig({}).httpPlainNetworks).toBe('127.0.0.0/8,::1/128');
  expect(loadConfig({ env: { OPENUCM_HTTP_PLAIN_NETWORKS: 'none' } }).httpPlainNetworks).toBe('none');
  expect(() => loadConfig({ env: { OPENUCM_HTTP_PLAIN_NETWORKS: '127.0.0.0/8,10.1.2.3/16' } })).toThrow(
    /--http-plain-networks \/ OPENUCM_HTTP_PLAIN_NETWORKS: .*"10\.1\.2\.3\/16" has host bits set/,
  );
});

it('takes a libpq multi-host --database-url and names the bad host of one it cannot use', () => {
  const url = 'postgres://openucm@db1:5432,db2:5433/openucm?target_session_attrs=read-write';
  expect(loadConfig({ flags: { databaseUrl: url } }).databaseUrl).toBe(url);
  expect(() => loadConfig({ env: { OPENUCM_DATABASE_URL: 'postgres://openucm@db1,db2:x/openucm' } })).toThrow(
    /invalid --database-url \/ OPENUCM_DATABASE_URL: host 2 of the database URL \("db2:x"\) must be host or host:port/,
  );
});

it('listens for SIP over TLS on the SIP port + 1 unless told, and picks one when the SIP port is picked', () => {
  expect(loadConfig({}).sipTlsPort).toBe(5061);
  expect(loadConfig({ flags: { sipPort: 5070 } }).sipTlsPort).toBe(5071);
  expect(loadConfig({ flags: { sipPort: 0 } }).sipTlsPort).toBe(0);
  expect(loadConfig({ flags: { sipPort: 0, sipTlsPort: 5161 } }).sipTlsPort).toBe(5161);
  expect(() => loadConfig({ flags: { sipPort: 65535 } })).toThrow(/--sip-tls-port .*past 65535/);
});
