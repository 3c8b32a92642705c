import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RegistrationEvent } from '../core/registration-event.js';
import type { CallService } from '../services/calls/call-service.js';
import type { LiveEvents } from '../services/live-events.js';
import type { LimitLog } from '../services/limit-log.js';
import { unexpectedErrorCount } from '../runtime/process-guard.js';
import type { StatusWriter } from '../services/status-writer.js';
import type { DeviceStatistics } from '../services/device-statistics.js';
import type { ClusterView } from '../services/cluster/cluster-view.js';

/** What /metrics reads of SCCP failover: standby connections held now, fallback tokens answered since start. */
export interface SccpFailoverGauges {
  standby(): number;
  tokens(): { granted: number; refused: number };
}

/**
 * GET /metrics in the Prometheus text format: devices registered on this node by protocol and
 * model, registration attempts by outcome and reason (since the node started), HTTP request
 * latencies by route, and the process's own metrics. One registry per node, so that several
 * nodes in one process (tests) do not mix.
 */
export function installMetrics(
  app: FastifyInstance,
  deps: {
    live: LiveEvents;
    limits: LimitLog;
    /** Device counts as last written (a scrape never forces a write). */
    statistics: DeviceStatistics;
    statusWriter: StatusWriter;
    nodeName: string;
    protect: preHandlerAsyncHookHandler;
    /** Passwords hashed to check them, by result. */
    passwordChecks: () => { right: number; wrong: number };
    /** Open administration HTTP connections and event streams. */
    open: () => { connections: number; eventStreams: number };
    /** The node's call service (absent in tests of the HTTP side alone). */
    calls?: Pick<CallService, 'counters' | 'activeCalls'>;
    /** The cluster bus and configuration version (docs/cluster.md). */
    cluster?: ClusterView;
    sccpFailover?: SccpFailoverGauges;
  },
): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { statistics, statusWriter, nodeName } = deps;
  const { cluster } = deps;
  if (cluster) {
    new Gauge({
      name: 'openucm_config_version',
      help: "The cluster's configuration version this node has applied (openucm_config; 0 alone on SQLite)",
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.set({ node: nodeName }, cluster.configVersion().version);
      },
    });
    new Gauge({
      name: 'openucm_config_changes_applied',
      help: 'Configuration changes made on other nodes that this node applied since it started',
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.set({ node: nodeName }, cluster.configVersion().applied);
      },
    });
    new Gauge({
      name: 'openucm_cluster_listening',
      help: '1 while the node hears the other nodes (its PostgreSQL listener connection is up)',
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.set({ node: nodeName }, cluster.bus.state().listening ? 1 : 0);
      },
    });
    new Gauge({
      name: 'openucm_cluster_listener_reconnects',
      help: 'Reconnections of the cluster listener since the node started (each followed by a resync)',
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.set({ node: nodeName }, cluster.bus.state().reconnects);
      },
    });
  }

  new Gauge({
    name: 'openucm_registered_devices',
    help: 'Devices registered on this node, by protocol and model',
    labelNames: ['node', 'protocol', 'model'] as const,
    registers: [registry],
    async collect() {
      // While the database is down the other metrics (and the health gauge) still answer.
      const rows = await statistics.byState().catch(() => null);
      if (rows === null) return;
      this.reset();
      for (const r of rows) {
        if (r.status === 'registered' && r.node === nodeName)
          this.set({ node: nodeName, protocol: r.protocol, model: r.model }, r.n);
      }
    },
  });
  new Gauge({
    name: 'openucm_devices',
    help: 'Devices configured in the cluster, by last known status and protocol',
    labelNames: ['status', 'protocol'] as const,
    registers: [registry],
    async collect() {
      const rows = await statistics.byState().catch(() => null);
      if (rows === null) return;
      this.reset();
      const sums = new Map<string, number>();
      for (const r of rows)
        sums.set(`${r.status}\0${r.protocol}`, (sums.get(`${r.status}\0${r.protocol}`) ?? 0) + r.n);
      for (const [key, n] of sums) {
        const [status, protocol] = key.split('\0');
        this.set({ status, protocol }, n);
      }
    },
  });
  const attempts = new Counter({
    name: 'openucm_registration_attempts_total',
    help: 'Registration attempts on this node by protocol, outcome (accepted, rejected) and reason',
    labelNames: ['protocol', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const losses = new Counter({
    name: 'openucm_unregistrations_total',
    help: 'Registrations that ended on this node, by protocol and reason',
    labelNames: ['protocol', 'reason'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'openucm_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  new Counter({
    name: 'openucm_limit_refusals_total',
    help: 'Clients refused at a limit on this node, by limit (README: Security and limits)',
    labelNames: ['limit'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [limit, n] of deps.limits.totals()) this.inc({ limit }, n);
    },
  });
  new Counter({
    name: 'openucm_unexpected_errors_total',
    help: 'Errors that no handler caught, logged by the process guard (each one is a bug to report)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(unexpectedErrorCount());
    },
  });
  new Counter({
    name: 'openucm_password_checks_total',
    help: 'Passwords hashed (scrypt) to check a sign-in, HTTP Basic or password change, by result; a throttled attempt hashes nothing',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const checks = deps.passwordChecks();
      this.inc({ result: 'right' }, checks.right);
      this.inc({ result: 'wrong' }, checks.wrong);
    },
  });
  new Gauge({
    name: 'openucm_http_open',
    help: 'Administration HTTP connections (/sip WebSockets aside) and event streams open now',
    labelNames: ['what'] as const,
    registers: [registry],
    collect() {
      const open = deps.open();
      this.set({ what: 'connections' }, open.connections);
      this.set({ what: 'event-streams' }, open.eventStreams);
    },
  });
  new Gauge({
    name: 'openucm_database_writes_failing',
    help: 'Whether registration statuses and events fail to be written (1: node unhealthy, see /api/v1/health)',
    registers: [registry],
    collect() {
      this.set(statusWriter.health().healthy ? 0 : 1);
    },
  });
  new Gauge({
    name: 'openucm_database_write_backlog',
    help: 'Registration statuses, events and call detail records waiting to be written to the database',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const backlog = statusWriter.backlog();
      this.set({ kind: 'statuses' }, backlog.statuses);
      this.set({ kind: 'events' }, backlog.events);
      this.set({ kind: 'cdrs' }, backlog.cdrs);
    },
  });
  if (deps.calls) installCallMetrics(registry, deps.calls);
  if (deps.sccpFailover) installSccpFailoverMetrics(registry, deps.sccpFailover);
  // A folded refusal's count update adds the attempts it folded since the last push.
  const onEvent = (e: RegistrationEvent, n = 1) => {
    if (e.outcome === 'unregistered') losses.inc({ protocol: e.protocol, reason: e.reason });
    else attempts.inc({ protocol: e.protocol, outcome: e.outcome, reason: e.reason }, n);
  };
  deps.live.on('registration-event', onEvent);
  app.addHook('onClose', async () => {
    deps.live.off('registration-event', onEvent);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', {
    schema: {
      tags: ['Monitoring'],
      summary:
        'Prometheus metrics (any signed-in user; Prometheus can send Basic auth or an API key as Bearer)',
      produces: ['text/plain'],
    },
    preHandler: deps.protect,
    handler: async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  });
}

/** Calls started, connected and failed (by Q.850 cause) since the node started, and calls live now. */
function installCallMetrics(registry: Registry, calls: Pick<CallService, 'counters' | 'activeCalls'>): void {
  new Counter({
    name: 'openucm_calls_started_total',
    help: 'Calls phones started on this node (refused ones included)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(calls.counters.started);
    },
  });
  new Counter({
    name: 'openucm_calls_connected_total',
    help: 'Calls answered on this node',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(calls.counters.connected);
    },
  });
  new Counter({
    name: 'openucm_calls_failed_total',
    help: 'Calls that could not complete on this node, by Q.850 cause (17 busy, 1 unallocated number, 34 refused at a limit …)',
    labelNames: ['cause'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [cause, n] of calls.counters.failed) this.inc({ cause: String(cause) }, n);
    },
  });
  new Gauge({
    name: 'openucm_active_calls',
    help: 'Calls live on this node now (dialling, ringing, talking or on hold)',
    registers: [registry],
    collect() {
      this.set(calls.activeCalls);
    },
  });
}

/** SCCP standby connections (cluster.md §1.3) and fallback tokens granted and refused (--fallback-pace). */
function installSccpFailoverMetrics(registry: Registry, gauges: SccpFailoverGauges): void {
  new Gauge({
    name: 'openucm_sccp_standby_connections',
    help: 'SCCP connections held as standby (phones registered elsewhere that keep this node as their backup)',
    registers: [registry],
    collect() {
      this.set(gauges.standby());
    },
  });
  new Gauge({
    name: 'openucm_sccp_fallback_tokens',
    help: 'RegisterTokenRequests answered since the node started, by answer (granted: the phone falls back now; refused: told to wait, --fallback-pace)',
    labelNames: ['answer'] as const,
    registers: [registry],
    collect() {
      const t = gauges.tokens();
      this.set({ answer: 'granted' }, t.granted);
      this.set({ answer: 'refused' }, t.refused);
    },
  });
}
