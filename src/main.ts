import { Command, Option } from 'commander';
import type { Config } from './config.js';
import { ConfigError, envName, loadConfig } from './config.js';
import { registerBackupCommands } from './cli/backup.js';
import { registerBulkCommands } from './cli/bulk.js';
import { registerDiagnoseCommand } from './cli/diagnose.js';
import { flagOf, LIMITS } from './limits/index.js';
import { createLogger } from './logger.js';
import { installProcessGuard } from './runtime/process-guard.js';
import { startNode } from './server.js';
import { ADMINISTRATOR } from './services/administrator.js';
import { registerSimCommand } from './sim/cli.js';
import { VERSION } from './version.js';

const program = new Command();
program.name('openucm').description('Open-source call manager for Cisco-style IP phones').version(VERSION);

/** Flag → config key; each flag's help names its environment variable. */
const FLAGS: [keyof Config, string, string][] = [
  ['bind', '--bind <address>', 'address to listen on (default 0.0.0.0)'],
  [
    'httpPort',
    '--http-port <port>',
    'plain HTTP port: redirects to HTTPS, or serves everything with --http-mode serve (default 8080; 0 picks one)',
  ],
  [
    'httpsPort',
    '--https-port <port>',
    'HTTPS port of the web UI, REST API and /sip WebSocket (default 8443; 0 picks one)',
  ],
  [
    'httpMode',
    '--http-mode <mode>',
    'redirect (plain HTTP answers 308 to HTTPS, except /healthz, /readyz and clients in --http-plain-networks), off (no plain HTTP) or serve (no TLS: behind a TLS-terminating proxy) (default redirect)',
  ],
  [
    'httpPlainNetworks',
    '--http-plain-networks <cidrs>',
    'with --http-mode redirect, networks the plain port serves in full, comma-separated CIDR, "none" for none (default 127.0.0.0/8,::1/128: this machine)',
  ],
  ['sccpPort', '--sccp-port <port>', 'SCCP (Skinny) TCP port (default 2000)'],
  ['sipPort', '--sip-port <port>', 'SIP UDP/TCP port (default 5060)'],
  [
    'sipTlsPort',
    '--sip-tls-port <port>',
    "SIP over TLS port, with the node's certificate (default the SIP port + 1: 5061; 0 when --sip-port is 0)",
  ],
  ['tftpPort', '--tftp-port <port>', 'TFTP UDP port (default 69)'],
  ['provisioningHttpPort', '--provisioning-http-port <port>', 'HTTP provisioning port (default 6970)'],
  [
    'mohRtpPort',
    '--moh-rtp-port <port>',
    'UDP port held phones receive music on hold from (default 0: one the system picks, logged at start)',
  ],
  ['dataDir', '--data-dir <dir>', 'directory for the SQLite database and firmware loads (default ./data)'],
  ['databaseUrl', '--database-url <url>', 'postgres://… to use PostgreSQL (cluster store) instead of SQLite'],
  [
    'databaseConnectTimeoutSeconds',
    '--database-connect-timeout-seconds <s>',
    'PostgreSQL: seconds to open a connection, waiting for a restarting server (default 10)',
  ],
  [
    'databaseStatementTimeoutSeconds',
    '--database-statement-timeout-seconds <s>',
    'PostgreSQL: seconds a statement may run, or a transaction stay idle (default 30)',
  ],
  [
    'databaseIdleTimeoutSeconds',
    '--database-idle-timeout-seconds <s>',
    'PostgreSQL: seconds an unused pooled connection is kept (default 30)',
  ],
  [
    'databaseKeepaliveSeconds',
    '--database-keepalive-seconds <s>',
    'PostgreSQL: seconds of silence before TCP keepalive probes (default 10; 0: off)',
  ],
  [
    'secretKeyFile',
    '--secret-key-file <file>',
    'the node secret key sealing SIP passwords (default secret.key in the data directory; created on first start); every node sharing a database needs the same file',
  ],
  [
    'clusterHeartbeatMilliseconds',
    '--cluster-heartbeat-milliseconds <ms>',
    'PostgreSQL cluster: how often the node writes its heartbeat (default 1000)',
  ],
  [
    'clusterDownAfterMilliseconds',
    '--cluster-down-after-milliseconds <ms>',
    'PostgreSQL cluster: a node silent this long is declared down and its phones shown unregistered (default 3000; at least twice the heartbeat)',
  ],
  ['nodeName', '--node-name <name>', 'name of this node (default cm1)'],
  ['advertiseAddress', '--advertise-address <ip>', 'address phones are told to register to'],
  ['keepaliveSeconds', '--keepalive-seconds <s>', 'SCCP keepalive interval (default 30)'],
  [
    'bulkJobLeaseSeconds',
    '--bulk-job-lease-seconds <s>',
    'seconds a node holds a bulk job it runs, renewed while it runs; another node takes over the job of a node silent for this long (default 10)',
  ],
  [
    'sccpWorkers',
    '--sccp-workers <n>',
    'processes holding the SCCP connections (0: in the node process; default: as many as --sccp-max-connections needs under the open-file limit)',
  ],
  ['logLevel', '--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)'],
  [
    'sipWebSocketOrigins',
    '--sip-web-socket-origins <origins>',
    "comma-separated origins (https://host[:port]) whose web pages may open SIP over WebSocket at /sip besides the node's own; * for any",
  ],
  [
    'sipDigestAlgorithms',
    '--sip-digest-algorithms <list>',
    "digest algorithms offered to SIP phones that are not Cisco's, most preferred first: MD5 (default) or SHA-256,MD5 (RFC 8760)",
  ],
  [
    'callPickupCode',
    '--call-pickup-code <code>',
    "feature code SIP phones dial to pick up a call in their line's pickup group (default *8)",
  ],
  [
    'groupCallPickupCode',
    '--group-call-pickup-code <code>',
    'feature code SIP phones dial, then a group number, to pick up in that group (default *9)',
  ],
  // Limits: one flag each, named after the setting (README: Security and limits).
  ...Object.entries(LIMITS).map(([key, spec]): [keyof Config, string, string] => [
    key as keyof Config,
    `${flagOf(key)} <n>`,
    `${spec.help} (default ${spec.default})`,
  ]),
];

const start = program.command('start').description('start a node');
start.addOption(
  new Option('--config <file>', 'JSON file with settings (flags and OPENUCM_* variables win over it)'),
);
for (const [key, flag, help] of FLAGS) start.addOption(new Option(flag, `${help} [${envName(key)}]`));

start.action(async (opts: Record<string, unknown>) => {
  let config: Config;
  try {
    const flags = Object.fromEntries(FLAGS.map(([key]) => [key, opts[key]]));
    config = loadConfig({ file: opts.config as string | undefined, env: process.env, flags });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`openucm: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  installProcessGuard(logger);
  let node: Awaited<ReturnType<typeof startNode>>;
  try {
    node = await startNode(config, { logger, adminPassword: process.env.OPENUCM_ADMIN_PASSWORD });
  } catch (error) {
    logger.fatal({ err: error }, `openucm could not start: ${(error as Error).message}`);
    logger.flush();
    process.exitCode = 1;
    return;
  }
  if (node.generatedAdminPassword) {
    logger.warn(
      { user: ADMINISTRATOR },
      'first start: created the administrator with a generated password (printed once on stderr; change it after signing in)',
    );
    console.error(`\n  ${ADMINISTRATOR} password: ${node.generatedAdminPassword}\n`);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    node.stop().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
});

registerDiagnoseCommand(program);

registerSimCommand(program);

registerBulkCommands(program);

registerBackupCommands(program);

await program.parseAsync(process.argv);
