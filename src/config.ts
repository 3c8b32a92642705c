import fs from 'node:fs';
import { PICKUP_CODE_RULE, pickupCodesProblem } from './core/call/pickup.js';
import { z } from 'zod';
import { subnetProblem } from './core/subnet.js';
import { flagOf, limitShape } from './limits/index.js';
import { parsePostgresUrl } from './store/postgres-hosts.js';
import { parseDigestAlgorithms } from './protocols/sip/auth/digest-policy.js';
import { parseOriginList } from './protocols/sip/transport/websocket-origins.js';

const port = z.coerce.number().int().min(0).max(65535);

/** Everything a node can be configured with; each key has a flag and an OPENUCM_* variable. */
export const configSchema = z
  .object({
    /** Address every listener binds to. */
    bind: z.string().min(1).default('0.0.0.0'),
    /** Plain HTTP: redirects to HTTPS (--http-mode redirect), or serves everything (serve). */
    httpPort: port.default(8080),
    /** HTTPS: the web UI, REST API, event stream and /sip WebSocket (WSS); 8443 is CUCM's administration port. */
    httpsPort: port.default(8443),
    /**
     * What the plain HTTP port does: `redirect` (308 to HTTPS; /healthz and /readyz still answered),
     * `off` (no plain listener), `serve` (no TLS at all: for a node behind a TLS-terminating proxy).
     */
    httpMode: z.enum(['redirect', 'off', 'serve']).default('redirect'),
    /**
     * With --http-mode redirect: the networks the plain port still serves in full (comma-separated
     * CIDR; `none`: none). Default this machine's loopback, which browsers already treat as a secure
     * context (W3C Secure Contexts §3.1): nothing served there crosses a network.
     */
    httpPlainNetworks: z
      .string()
      .default('127.0.0.0/8,::1/128')
      .superRefine((value, ctx) => {
        for (const text of plainNetworkTexts(value)) {
          const problem = subnetProblem(text);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
    sccpPort: port.default(2000),
    sipPort: port.default(5060),
    /** SIP over TLS (TCP), with the node's certificate; default the SIP port + 1 (5061), 0 when that is 0. */
    sipTlsPort: port.optional(),
    tftpPort: port.default(69),
    provisioningHttpPort: port.default(6970),
    /** UDP port held phones receive music on hold from (0: one the system picks, logged at start); open it to the phones. */
    mohRtpPort: port.default(0),
    dataDir: z.string().min(1).default('./data'),
    /** The node's secret key (seals SIP passwords); default `secret.key` in dataDir. Nodes sharing a database need the same. */
    secretKeyFile: z.string().min(1).optional(),
    /**
     * postgres://… selects PostgreSQL (the cluster store); otherwise SQLite under dataDir. Several
     * hosts (libpq syntax, postgres://user@h1:5432,h2:5432/db): the first writable one is used.
     */
    databaseUrl: z
      .string()
      .superRefine((url, ctx) => {
        try {
          parsePostgresUrl(url);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
        }
      })
      .optional(),
    /** PostgreSQL: seconds to open a connection, waiting for a server that restarts; then the query fails. */
    databaseConnectTimeoutSeconds: z.coerce.number().int().min(1).max(600).default(10),
    /** PostgreSQL: seconds a statement may run, or a transaction stay idle, before it is cancelled. */
    databaseStatementTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(30),
    /** PostgreSQL: seconds an unused pooled connection is kept open. */
    databaseIdleTimeoutSeconds: z.coerce.number().int().min(1).max(86_400).default(30),
    /** PostgreSQL: seconds of silence before TCP keepalive probes a connection (0: off). */
    databaseKeepaliveSeconds: z.coerce.number().int().min(0).max(7200).default(10),
    /** PostgreSQL cluster: how often a node writes its heartbeat, from its listener connection by the database's clock. */
    clusterHeartbeatMilliseconds: z.coerce.number().int().min(100).max(10_000).default(1000),
    /** Cluster: a node whose heartbeat is silent this long is declared down and its phones shown unregistered. */
    clusterDownAfterMilliseconds: z.coerce.number().int().min(300).max(600_000).default(3000),
    nodeName: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-", at most 64 characters')
      .default('cm1'),
    /** Address phones are told to register to (config files, ServerRes); defaults to the bind address or the first non-loopback one. */
    advertiseAddress: z.string().optional(),
    /** Seconds a node holds a bulk job it runs (renewed while it runs); a job whose node died is taken over after this. */
    bulkJobLeaseSeconds: z.coerce.number().int().min(2).max(3600).default(10),
    /** SCCP keepalive interval sent in RegisterAck, seconds. */
    keepaliveSeconds: z.coerce.number().int().min(1).max(3600).default(30),
    /**
     * SCCP worker processes owning the Skinny sockets (0 = in the node's process); each carries up to
     * its open-file limit of phones. Unset: as many as --sccp-max-connections needs (capacity-plan.ts).
     */
    sccpWorkers: z.coerce.number().int().min(0).max(64).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Origins (scheme://host[:port], comma-separated; `*` for any) whose pages may open SIP over WebSocket besides the node's own. */
    sipWebSocketOrigins: z
      .union([z.string(), z.array(z.string())])
      .default([])
      .transform((value, ctx) => {
        try {
          return parseOriginList(value);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Digest algorithms offered to SIP phones that are not Cisco's, most preferred first (comma-separated). */
    sipDigestAlgorithms: z
      .union([z.string(), z.array(z.string())])
      .default('MD5')
      .transform((value, ctx) => {
        try {
          return parseDigestAlgorithms(value);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Feature code a SIP phone dials to pick up a call in its own line's pickup group (SCCP: PickUp). */
    callPickupCode: z.string().regex(PICKUP_CODE_RULE, '* followed by 1 to 4 digits').default('*8'),
    /** Feature code a SIP phone dials, followed by a group's number, to pick up in that group (SCCP: GPickUp). */
    groupCallPickupCode: z.string().regex(PICKUP_CODE_RULE, '* followed by 1 to 4 digits').default('*9'),
    /** Every per-client and overall resource bound (src/limits/). */
    ...limitShape(),
  })
  .superRefine((config, ctx) => {
    const problem = pickupCodesProblem({ own: config.callPickupCode, group: config.groupCallPickupCode });
    if (problem)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['groupCallPickupCode'], message: problem });
  });

export type Config = Omit<z.infer<typeof configSchema>, 'sipTlsPort'> & { sipTlsPort: number };
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable of each key: httpPort → OPENUCM_HTTP_PORT. */
export function envName(key: keyof Config): string {
  return `OPENUCM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export class ConfigError extends Error {}

/** Builds the config from defaults < file < environment < flags; throws ConfigError naming the bad setting. */
export function loadConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Partial<Record<keyof Config, unknown>>;
}): Config {
  const merged: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = fs.readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(error as Error).message}`);
    }
    try {
      Object.assign(merged, JSON.parse(text));
    } catch (error) {
      throw new ConfigError(`config file ${options.file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const env = options.env ?? {};
  for (const key of Object.keys(configSchema.shape) as (keyof Config)[]) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  for (const [key, value] of Object.entries(options.flags ?? {})) {
    if (value !== undefined) merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? '');
    const flag = key ? flagOf(key) : 'configuration';
    const env = key ? ` / ${envName(key as keyof Config)}` : '';
    throw new ConfigError(`invalid ${flag}${env}: ${issue.message}`);
  }
  const { sipPort, sipTlsPort } = parsed.data;
  // 5060 and 5061, as phones expect; a node whose SIP port the system picks gets a picked TLS port too.
  const tlsPort = sipTlsPort ?? (sipPort === 0 ? 0 : sipPort + 1);
  if (tlsPort > 65535)
    throw new ConfigError(
      `invalid --sip-tls-port / ${envName('sipTlsPort')}: the SIP port + 1 is past 65535; give a SIP over TLS port`,
    );
  return { ...parsed.data, sipTlsPort: tlsPort };
}

/** The CIDR texts of --http-plain-networks (`none`: no network; empty entries dropped). */
export function plainNetworkTexts(value: string): string[] {
  if (value.trim() === 'none') return [];
  return value
    .split(',')
    .map((text) => text.trim())
    .filter((text) => text !== '');
}
