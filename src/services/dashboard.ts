import type { Q850Cause } from '../core/call/q850.js';
import { CAUSES } from '../core/call/q850.js';
import { guardIsOpen, guardSummary } from '../core/auto-registration-guard.js';
import { autoRegistrationSummary } from '../core/node.js';
import type { RefusedSource, StoredRegistrationEvent } from '../store/event-repository.js';
import type { Store } from '../store/store.js';
import type { AdminSettingsService } from './admin-settings.js';
import type { Clock } from './clock.js';
import type { ConfigurationService } from './configuration-service.js';
import { REFUSAL_WINDOW_MS } from './refusal-log.js';
import type { StatusWriter } from './status-writer.js';

export interface StatusCounts {
  registered: number;
  unregistered: number;
  rejected: number;
}

export interface AutoRegistrationState {
  node: string;
  enabled: boolean;
  startingDn: string;
  endingDn: string;
  used: number;
  summary: string;
  changedAt: string;
  /** Whole days since it was last switched on (null when off). */
  onForDays: number | null;
  /** Security advice when it has been on longer than the configured number of days. */
  warning: string | null;
  /** The auto-registration guard in one sentence. */
  guard: string;
  /** The guard lets every new phone in (the default). */
  guardOpen: boolean;
}

export interface Dashboard {
  at: string;
  byProtocol: (StatusCounts & { protocol: string })[];
  /** Devices by the node they last registered with; `node` null for phones that never registered. */
  byNode: (StatusCounts & { node: string | null })[];
  /** Registration attempts per minute over the last hour, oldest first (60 entries). */
  minutes: { minute: string; accepted: number; rejected: number }[];
  autoRegistration: AutoRegistrationState[];
  /** The approval queue: "3 phones wait for approval". */
  pendingPhones: { waiting: number; summary: string | null };
  warningDays: number;
  lastRejections: StoredRegistrationEvent[];
  /** The sources with the most refused attempts in the last `refusedMinutes` minutes, most first. */
  refusedSources: (RefusedSource & { summary: string })[];
  refusedMinutes: number;
  sipWithoutCredentials: SipWithoutCredentials;
  calls: CallFigures;
}

/** The calls of the cluster from its CDRs, and the calls this node holds now. */
export interface CallFigures {
  /** Calls begun per minute over the last hour, oldest first (60 entries), and how many failed. */
  minutes: { minute: string; calls: number; failed: number }[];
  /** Calls of the last 24 hours that failed, by the Q.850 cause that ended them, most first. */
  failuresByCause: { cause: number; name: string; calls: number }[];
  /** Calls this node holds now (dialling, ringing, talking or on hold). */
  activeNow: number;
}

/** SIP devices that register without a password, and the warning while the parameter allows it. */
export interface SipWithoutCredentials {
  allowed: boolean;
  devices: number;
  warning: string | null;
}

const DAY_MS = 86_400_000;
/** The dashboard names the sources of refusals over this many minutes. */
const REFUSED_MINUTES = 5;
const REFUSED_SOURCES = 5;

function emptyCounts(): StatusCounts {
  return { registered: 0, unregistered: 0, rejected: 0 };
}

/** The numbers on the dashboard, each counted by the database. */
export class DashboardService {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      configuration: ConfigurationService;
      settings: AdminSettingsService;
      statusWriter: StatusWriter;
      /** Calls the node holds now. */
      activeCalls?: () => number;
    },
  ) {}

  async get(): Promise<Dashboard> {
    const { store, clock, configuration, settings, statusWriter } = this.deps;
    await statusWriter.settled();
    const now = clock();
    const hourAgo = new Date(now.getTime() - 59 * 60_000);
    const firstMinute = hourAgo.toISOString().slice(0, 16);
    const refusedSince = new Date(now.getTime() - REFUSED_MINUTES * 60_000);
    // A folded refusal begins at most one window before its last attempt.
    const foldedFrom = new Date(refusedSince.getTime() - REFUSAL_WINDOW_MS);
    const [
      states,
      perMinute,
      nodes,
      { autoRegistrationWarningDays },
      lastRejections,
      sources,
      sipWithoutCredentials,
      waiting,
      calls,
    ] = await Promise.all([
      store.statistics.devicesByState(),
      store.statistics.eventsPerMinute(`${firstMinute}:00.000Z`),
      configuration.listNodes(),
      settings.get(),
      store.events.list({ outcome: 'rejected', limit: 10 }),
      store.events.refusedSources(refusedSince.toISOString(), foldedFrom.toISOString(), REFUSED_SOURCES),
      this.sipWithoutCredentials(),
      store.pendingPhones.countPending(),
      this.callFigures(hourAgo, now),
    ]);
    const protocols = new Map<string, StatusCounts>([
      ['SCCP', emptyCounts()],
      ['SIP', emptyCounts()],
    ]);
    const byNode = new Map<string | null, StatusCounts>(nodes.map((n) => [n.name, emptyCounts()]));
    for (const s of states) {
      const status = s.status as keyof StatusCounts;
      if (!(status in emptyCounts())) continue;
      const p = protocols.get(s.protocol) ?? emptyCounts();
      p[status] += s.n;
      protocols.set(s.protocol, p);
      const n = byNode.get(s.node) ?? emptyCounts();
      n[status] += s.n;
      byNode.set(s.node, n);
    }
    const minutes: Dashboard['minutes'] = [];
    const index = new Map<string, Dashboard['minutes'][number]>();
    for (let i = 0; i < 60; i++) {
      const minute = new Date(hourAgo.getTime() + i * 60_000).toISOString().slice(0, 16);
      const bucket = { minute, accepted: 0, rejected: 0 };
      minutes.push(bucket);
      index.set(minute, bucket);
    }
    for (const m of perMinute) {
      const bucket = index.get(m.minute);
      if (bucket && (m.outcome === 'accepted' || m.outcome === 'rejected')) bucket[m.outcome] += m.n;
    }
    const autoRegistration = await Promise.all(
      nodes.map(async (node): Promise<AutoRegistrationState> => {
        const used = await configuration.usedInRange(node);
        const ar = node.autoRegistration;
        const onForMs = now.getTime() - new Date(node.autoRegistrationChangedAt).getTime();
        const onForDays = ar.enabled ? Math.floor(onForMs / DAY_MS) : null;
        const warning =
          onForDays !== null && onForMs > autoRegistrationWarningDays * DAY_MS
            ? `Auto-registration has been ON for ${node.name} for ${onForDays} days. Turn it off once the phones ` +
              'are rolled out: until then any phone plugged into the network can register and take a DN ' +
              `(System > Cisco Unified CM > ${node.name}).`
            : null;
        return {
          node: node.name,
          enabled: ar.enabled,
          startingDn: ar.startingDn,
          endingDn: ar.endingDn,
          used,
          summary: autoRegistrationSummary(node, used),
          changedAt: node.autoRegistrationChangedAt,
          onForDays,
          warning,
          guard: guardSummary(node.name, node.autoRegistrationGuard),
          guardOpen: guardIsOpen(node.autoRegistrationGuard),
        };
      }),
    );
    return {
      at: now.toISOString(),
      byProtocol: [...protocols].map(([protocol, c]) => ({ protocol, ...c })),
      byNode: [...byNode].map(([node, c]) => ({ node, ...c })),
      minutes,
      autoRegistration,
      pendingPhones: {
        waiting,
        summary:
          waiting === 0
            ? null
            : `${waiting.toLocaleString('en-US')} phone${waiting === 1 ? ' waits' : 's wait'} for approval`,
      },
      warningDays: autoRegistrationWarningDays,
      lastRejections,
      refusedSources: sources.map((s) => ({ ...s, summary: refusedSummary(s) })),
      refusedMinutes: REFUSED_MINUTES,
      sipWithoutCredentials,
      calls,
    };
  }

  private async callFigures(hourAgo: Date, now: Date): Promise<CallFigures> {
    const { store, activeCalls } = this.deps;
    const first = Math.floor(hourAgo.getTime() / 60_000) * 60;
    const [perMinute, byCause] = await Promise.all([
      store.statistics.callsPerMinute(first),
      store.statistics.callFailuresByCause(Math.floor((now.getTime() - DAY_MS) / 1000)),
    ]);
    const counted = new Map(perMinute.map((m) => [m.minute, m]));
    const minutes = Array.from({ length: 60 }, (_, i) => {
      const at = first + i * 60;
      const m = counted.get(at);
      return {
        minute: new Date(at * 1000).toISOString().slice(0, 16),
        calls: m?.calls ?? 0,
        failed: m?.failed ?? 0,
      };
    });
    return {
      minutes,
      failuresByCause: byCause.map((c) => ({ ...c, name: causeName(c.cause) })),
      activeNow: activeCalls?.() ?? 0,
    };
  }

  private async sipWithoutCredentials(): Promise<SipWithoutCredentials> {
    const { store } = this.deps;
    const [{ sipDevicesWithoutCredentials }, devices] = await Promise.all([
      store.parameters.get(),
      store.credentials.countSipDevicesWithout(),
    ]);
    const allowed = sipDevicesWithoutCredentials !== 'refused';
    const refuse = 'refuse SIP devices without credentials (System > Enterprise Parameters)';
    let warning: string | null = null;
    if (allowed && devices > 0) {
      warning =
        `${devices} SIP device${devices === 1 ? '' : 's'} register${devices === 1 ? 's' : ''} without a password: ` +
        'anyone on the network who knows its device name or DN can register in its place. Give them SIP ' +
        `credentials (Device > Phone > SIP Credentials, or a CSV import), then ${refuse}.`;
    } else if (allowed) {
      warning =
        'No SIP device registers without a password now, but SIP devices without credentials are allowed: one ' +
        `added or auto-registered without credentials would. To prevent it, ${refuse}.`;
    }
    return { allowed, devices, warning };
  }
}

/** Q.850's name of a cause, or its number for one openucm does not record. */
function causeName(cause: number): string {
  return cause in CAUSES ? CAUSES[cause as Q850Cause].text : `cause ${cause}`;
}

/** "2,314 refused registrations from 10.1.2.3 in the last 5 minutes, mostly …". */
function refusedSummary(s: RefusedSource): string {
  const n = s.attempts.toLocaleString('en-US');
  return (
    `${n} refused registration${s.attempts === 1 ? '' : 's'} from ${s.sourceIp} in the last ${REFUSED_MINUTES} ` +
    `minutes, mostly ${s.topReason}`
  );
}
