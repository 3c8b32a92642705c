import type { FastifyPluginAsync } from 'fastify';
import type { AuditTrail } from '../../services/audit-trail.js';
import type { AuthenticationService } from '../../services/authentication.js';
import type { LiveEvents } from '../../services/live-events.js';
import type { EventStreams } from '../event-streams.js';

const HEARTBEAT_MS = 15_000;
// A client this far behind (a stalled tab during a registration storm) is dropped; it reconnects and reloads.
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * GET /api/v1/events: server-sent events (text/event-stream) of registration attempts,
 * device status changes, configuration changes and audit entries, so that no page needs a
 * reload. A comment line every 15 s (or half the idle timeout) keeps proxies and the node's own
 * idle timeout from closing an idle stream, and checks that the stream's session, key and user
 * still hold (changed on another node); a change on this node closes it at once (EventStreams).
 */
export const liveStreamRoutes =
  (deps: {
    live: LiveEvents;
    audit: AuditTrail;
    authentication: AuthenticationService;
    nodeName: string;
    streams: EventStreams;
    /** The idle timeout of the HTTP server (ms): the heartbeat comes well within it. */
    idleTimeoutMs: number;
  }): FastifyPluginAsync =>
  async (app) => {
    app.get('/events', {
      schema: {
        tags: ['Monitoring'],
        summary:
          'Server-sent events (text/event-stream): hello, registration-event, device-status, configuration-changed, audit, bulk-job-progress, pending-phone, call-detail-record, active-call, node-liveness. Each data line is JSON',
        produces: ['text/event-stream'],
      },
      handler: (request, reply) => {
        const { live, audit, authentication } = deps;
        const principal = request.principal!;
        // Refused (429) before the response starts.
        const release = deps.streams.admit(principal, request.ip, () => close());
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let open = true;
        const write = (text: string) => {
          if (!open) return;
          if (raw.writableLength > MAX_BUFFERED_BYTES) {
            request.log.warn(
              { user: principal.name },
              'live event stream dropped: the client reads too slowly',
            );
            close();
            return;
          }
          raw.write(text);
        };
        const send = (event: string) => (data: unknown) =>
          write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        const onRegistration = send('registration-event');
        const onStatus = send('device-status');
        const onConfiguration = send('configuration-changed');
        const onAudit = send('audit');
        const onBulkJob = send('bulk-job-progress');
        const onPendingPhone = send('pending-phone');
        const onCdr = send('call-detail-record');
        const onActiveCall = send('active-call');
        const onNodeLiveness = send('node-liveness');
        live.on('registration-event', onRegistration);
        live.on('bulk-job-progress', onBulkJob);
        live.on('pending-phone', onPendingPhone);
        live.on('call-detail-record', onCdr);
        live.on('active-call', onActiveCall);
        live.on('node-liveness', onNodeLiveness);
        live.on('device-status', onStatus);
        live.on('configuration-changed', onConfiguration);
        audit.on('entry', onAudit);
        const heartbeat = setInterval(
          () => {
            write(': ping\n\n');
            authentication.stillValid(principal).then(
              (valid) => {
                if (!valid) close();
              },
              (error: unknown) =>
                request.log.warn({ err: error }, 'live event stream: cannot check its credentials'),
            );
          },
          Math.min(HEARTBEAT_MS, deps.idleTimeoutMs / 2),
        );
        const close = () => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          live.off('registration-event', onRegistration);
          live.off('bulk-job-progress', onBulkJob);
          live.off('pending-phone', onPendingPhone);
          live.off('call-detail-record', onCdr);
          live.off('active-call', onActiveCall);
          live.off('node-liveness', onNodeLiveness);
          live.off('device-status', onStatus);
          live.off('configuration-changed', onConfiguration);
          audit.off('entry', onAudit);
          release();
          raw.end();
        };
        request.raw.on('close', close);
        write(`retry: 3000\n\n`);
        send('hello')({ node: deps.nodeName, user: principal.name, at: new Date().toISOString() });
      },
    });
  };
